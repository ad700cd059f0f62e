/**
 * The scenario schema (MODEL.md §1): the single source of truth for scenario files.
 * Every type below is inferred from it; the JSON Schema for editors is generated from it too.
 */
import { z } from "zod";

/** Hard limits: beyond these a scenario is a mistake or an attack, and would only cost time. */
export const LIMITS = { idLength: 100, phases: 1000, moves: 1000, parties: 1000 } as const;

const slug = z
  .string()
  .max(LIMITS.idLength, `expected an id of at most ${LIMITS.idLength} characters`)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a slug: lower-case letters, digits, '-' or '_'");

const probability = z.number().min(0).max(1);

/** A value is a number, or a range [low, high] when the analyst is unsure. */
export const Value = z.union([z.number(), z.tuple([z.number(), z.number()])], {
  error: "expected a number or a range [low, high]",
});

export const Party = z.strictObject({
  id: slug.describe("Short identifier used everywhere else in the file"),
  name: z.string().optional().describe("Display name (defaults to the id)"),
  discount: z.number().gt(0).max(1).default(0.9).describe("Per-phase discount factor δ in (0, 1]"),
  tolerance: z.number().min(0).default(0).describe("Exposure τ the party can bear, in its value unit"),
  reservation: z.number().default(0).describe("Least final flow value ρ the party accepts"),
  note: z.string().optional(),
});

export const Verify = z.strictObject({
  lag: z.int().min(0).default(0).describe("Whole phases before others can verify the move"),
  by: z.string().optional().describe("Who verifies, in words (e.g. 'IAEA inspectors')"),
  detect: probability.default(1).describe("Probability a deviation is detected (simulation)"),
  falseAlarm: probability.default(0).describe("Probability a verified move raises a false alarm"),
});

export const Move = z.strictObject({
  id: slug,
  actor: slug.describe("Id of the party that makes the move"),
  title: z.string().optional(),
  value: z
    .record(z.string(), Value)
    .default({})
    .describe("Flow value per party while the move is in effect: a number or [low, high]"),
  reversible: probability.default(0).describe("Share r of the actor's cost it can take back on collapse"),
  verify: Verify.default({ lag: 0, detect: 1, falseAlarm: 0 }),
  requires: z.array(z.string()).default([]).describe("Moves that must be done and verified first"),
  divisible: z.boolean().default(false).describe("May be spread over phases in fractions"),
  feasibility: z.number().gt(0).max(1).default(1).describe("Probability the move can be delivered"),
  note: z.string().optional().describe("Why these values: the analyst's rationale"),
});

/** How much a goal item counts towards progress (MODEL.md §8); a bare id weighs 1. */
const GoalWeight = z
  .number({ error: "expected a weight: a number greater than 0" })
  .gt(0, "expected a weight greater than 0 (an item that should not count can be left out of the goal)")
  .default(1)
  .describe("How much the item counts towards progress (MODEL.md §8)");

export const GoalItem = z.union(
  [
    z.string(),
    z.strictObject({ move: z.string(), weight: GoalWeight }),
    z.strictObject({ anyOf: z.array(z.string()).min(1), weight: GoalWeight }),
  ],
  { error: "expected a move id, { move: ID, weight: W } or { anyOf: [move ids], weight: W }" },
);

/** The move ids a goal item names (any one of which completes it). */
export function goalItemMoves(item: GoalItem): string[] {
  if (typeof item === "string") return [item];
  return "move" in item ? [item.move] : item.anyOf;
}

/** The weight of a goal item towards progress (MODEL.md §8). */
export function goalItemWeight(item: GoalItem): number {
  return typeof item === "string" ? 1 : item.weight;
}

/** A plan: move id → phase, or for a divisible move, phase → fraction. */
export const PlanEntry = z.union(
  [z.int().min(1).max(LIMITS.phases), z.record(z.string(), z.number().gt(0).max(1))],
  {
    error: "expected a phase (a whole number >= 1) or, for a divisible move, phase -> fraction",
  },
);
export const Plan = z.record(z.string(), PlanEntry);

export const Response = z.enum(["grim", "tit-for-tat", "generous"]);

export const Risk = z.strictObject({
  hazard: probability.default(0).describe("Per-phase probability the deal collapses for outside reasons"),
  noise: z.record(z.string(), z.number().min(0)).default({}).describe("Decision noise σ per party"),
  response: Response.default("grim"),
  forgive: probability.default(0).describe("With 'generous': probability a deviation is forgiven"),
});

export const Source = z.union([
  z.string(),
  z.strictObject({ title: z.string(), url: z.string().optional(), note: z.string().optional() }),
]);

/**
 * What one party believes about the others (MODEL.md §9): its overrides of other parties' figures.
 * The scenario's own figures are the truth; a view is the truth with these overrides applied.
 */
export const BeliefAbout = z.strictObject({
  discount: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe("The discount factor δ the viewer believes the party has"),
  tolerance: z.number().min(0).optional().describe("The tolerance τ the viewer believes the party has"),
  reservation: z.number().optional().describe("The reservation ρ the viewer believes the party has"),
  note: z.string().optional().describe("Where this belief comes from"),
});

export const View = z.strictObject({
  values: z
    .record(z.string(), z.record(z.string(), Value))
    .default({})
    .describe("move id → party id → the value the viewer believes that move has for that party"),
  parties: z
    .record(z.string(), BeliefAbout)
    .default({})
    .describe("party id → the discount, tolerance or reservation the viewer believes it has"),
  note: z.string().optional().describe("Where the viewer's beliefs come from: sources, statements, reports"),
});

/** A row of a plan's constraints (MODEL.md §5) named by its party, kind and phase. */
export const RowRef = z.strictObject({
  view: z.string().describe("The believing party"),
  party: z.string().describe("The party whose row it is"),
  kind: z.enum(["exposure", "margin", "reservation"]),
  phase: z.int().optional(),
});

/** A conclusion the scenario file claims; the test suite checks every one. */
export const Expectation = z.strictObject({
  plan: z.string().describe("A named plan, 'simultaneous', 'upfront:PARTY' or 'optimal'"),
  feasible: z.boolean(),
  robust: z.boolean().optional().describe("Whether the conclusion also holds at the worst case of ranges"),
  firstViolation: z
    .strictObject({
      kind: z.enum(["exposure", "margin", "reservation", "goal", "requires", "horizon"]),
      party: z.string().optional(),
      phase: z.int().optional(),
    })
    .optional(),
  credible: z
    .record(z.string(), z.boolean())
    .optional()
    .describe("party id → whether the plan is credible to that party (MODEL.md §9)"),
  surprises: z.array(RowRef).optional().describe("Surprises the analysis must find (it may find more)"),
  fears: z.array(RowRef).optional().describe("Fears the analysis must find (it may find more)"),
  note: z.string().optional(),
});

export const Scenario = z.strictObject({
  id: slug.optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  history: z.string().optional().describe("What actually happened, in a few sentences"),
  sources: z.array(Source).default([]),
  unit: z.string().optional().describe("What one unit of value means, in words"),
  parties: z
    .array(Party)
    .min(1, "expected at least one party")
    .max(LIMITS.parties, `expected at most ${LIMITS.parties} parties`),
  moves: z
    .array(Move)
    .min(1, "expected at least one move")
    .max(LIMITS.moves, `expected at most ${LIMITS.moves} moves`),
  goal: z.array(GoalItem).optional().describe("Items that must be fully done; default every move"),
  horizon: z
    .int()
    .min(1)
    .max(LIMITS.phases)
    .optional()
    .describe("Most phases a plan may use; default the number of moves"),
  plans: z.record(z.string(), Plan).default({}),
  risk: Risk.default({ hazard: 0, noise: {}, response: "grim", forgive: 0 }),
  views: z
    .record(z.string(), View)
    .optional()
    .describe("party id → how that party sees the others (MODEL.md §9); the figures above are the truth"),
  expect: z.array(Expectation).default([]),
});

/** A scenario as written in a file (defaults not yet applied). */
export type ScenarioInput = z.input<typeof Scenario>;
/** A scenario after parsing: every default applied. */
export type Scenario = z.output<typeof Scenario>;
export type Party = z.output<typeof Party>;
export type Move = z.output<typeof Move>;
export type Value = z.output<typeof Value>;
export type GoalItem = z.output<typeof GoalItem>;
export type Plan = z.output<typeof Plan>;
export type PlanEntry = z.output<typeof PlanEntry>;
export type Risk = z.output<typeof Risk>;
export type ResponsePolicy = z.output<typeof Response>;
export type Expectation = z.output<typeof Expectation>;
export type View = z.output<typeof View>;
export type BeliefAbout = z.output<typeof BeliefAbout>;
export type RowRef = z.output<typeof RowRef>;

/** The published JSON Schema, for editors to autocomplete scenario files. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Scenario, { io: "input", unrepresentable: "any" }),
    $id: "https://lockstep.invalid/scenario.schema.json",
    title: "Lockstep scenario",
  };
}
