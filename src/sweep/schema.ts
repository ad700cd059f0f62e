/**
 * The sweep file: which scenario, what to measure at each point, what varies and how points are
 * chosen. The single source of truth for sweep files; every type below is inferred from it.
 */
import { z } from "zod";
import { Objective } from "../planner/index.ts";

/** `low..high` in `steps` evenly spaced points (grid), or sampled in between (Latin hypercube). */
const Range = z
  .tuple([z.number(), z.number()], { error: "expected a range [low, high]" })
  .refine(([low, high]) => low <= high, {
    message: "expected low <= high in the range [low, high]",
  });

const PARTY_FIELDS = ["discount", "tolerance", "reservation"] as const;
const RISK_FIELDS = ["hazard", "forgive"] as const;

/**
 * One varied quantity. Exactly one target key says what is varied:
 *   value: MOVE/PARTY        a value cell (the flow of MOVE to PARTY)
 *   discount|tolerance|reservation: PARTY
 *   risk: hazard|forgive
 *   noise: PARTY             the party's decision noise σ
 */
export const Variable = z
  .strictObject({
    name: z.string().min(1).optional().describe("Label in reports (default: made from the target)"),
    value: z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+$/, "expected MOVE/PARTY, e.g. 'arsenal-dismantle/dprk'")
      .optional()
      .describe("A value cell: MOVE/PARTY"),
    discount: z.string().optional().describe("A party's discount δ"),
    tolerance: z.string().optional().describe("A party's tolerance τ"),
    reservation: z.string().optional().describe("A party's reservation ρ"),
    risk: z.enum(RISK_FIELDS).optional().describe("A risk setting of the simulator"),
    noise: z.string().optional().describe("A party's decision noise σ"),
    range: Range.optional(),
    steps: z.int().min(2).max(1000).optional().describe("Grid points over the range (default 5)"),
    values: z.array(z.number()).min(1).optional().describe("An explicit list instead of a range"),
  })
  .superRefine((v, ctx) => {
    const targets = (["value", ...PARTY_FIELDS, "risk", "noise"] as const).filter((k) => v[k] !== undefined);
    if (targets.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message:
          targets.length === 0
            ? "expected one of value, discount, tolerance, reservation, risk or noise: what varies"
            : `expected exactly one thing to vary, got ${targets.join(" and ")}`,
      });
    }
    if ((v.range === undefined) === (v.values === undefined)) {
      ctx.addIssue({ code: "custom", message: "expected either range: [low, high] or values: [...]" });
    }
    if (v.steps !== undefined && v.range === undefined) {
      ctx.addIssue({ code: "custom", path: ["steps"], message: "steps goes with range, not values" });
    }
  });

const Named = z.strictObject({ plan: z.string().min(1).describe("A named plan or a doctrine") });

export const Measure = z
  .strictObject({
    analysis: Named.optional().describe("Feasibility, robustness and minimum slack of a plan"),
    safety: Named.optional().describe("The safety factor θ* of a plan (MODEL.md §7)"),
    optimum: z
      .strictObject({
        objective: Objective.default("phases"),
        timeLimit: z.number().gt(0).default(60).describe("Seconds per solve"),
      })
      .optional()
      .describe("The planner's optimum under an objective"),
    simulation: z
      .strictObject({
        plan: z.string().min(1),
        runs: z.int().min(1).max(10_000_000).default(1000),
      })
      .optional()
      .describe("Simulated completion of a plan"),
  })
  .refine((m) => Object.values(m).some((x) => x !== undefined), {
    message: "expected at least one of analysis, safety, optimum or simulation",
  });

export const Sampling = z.union(
  [z.literal("grid"), z.strictObject({ latin: z.int().min(1).max(10_000_000) })],
  { error: "expected 'grid' or { latin: N } (Latin-hypercube sampling of N points)" },
);

export const Sweep = z.strictObject({
  title: z.string().optional(),
  scenario: z.string().min(1).describe("A built-in scenario name, or a path relative to the sweep file"),
  seed: z.int().min(0).max(0xffff_ffff).default(1).describe("Seeds the sampling and every point's seed"),
  sampling: Sampling.default("grid"),
  measure: Measure,
  vary: z.array(Variable).min(1, "expected at least one variable under vary"),
});

export type SweepInput = z.input<typeof Sweep>;
export type Sweep = z.output<typeof Sweep>;
export type Variable = z.output<typeof Variable>;
export type Measure = z.output<typeof Measure>;
export type Sampling = z.output<typeof Sampling>;

/** What a variable sets, resolved against the scenario (indices, not ids). */
export type Target =
  | { kind: "value"; move: string; party: string }
  | { kind: (typeof PARTY_FIELDS)[number]; party: string }
  | { kind: (typeof RISK_FIELDS)[number] }
  | { kind: "noise"; party: string };

export function targetOf(v: Variable): Target {
  if (v.value !== undefined) {
    const [move, party] = v.value.split("/");
    return { kind: "value", move, party };
  }
  for (const field of PARTY_FIELDS) {
    const party = v[field];
    if (party !== undefined) return { kind: field, party };
  }
  if (v.risk !== undefined) return { kind: v.risk };
  return { kind: "noise", party: v.noise ?? "" };
}

/** The label reports use for a variable. */
export function variableName(v: Variable): string {
  if (v.name) return v.name;
  const t = targetOf(v);
  switch (t.kind) {
    case "value":
      return `${t.move}/${t.party}`;
    case "hazard":
    case "forgive":
      return t.kind;
    default:
      return `${t.party} ${t.kind}`;
  }
}

/** The JSON Schema of sweep files, for editors. */
export function sweepJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Sweep, { io: "input", unrepresentable: "any" }),
    $id: "https://lockstep.invalid/sweep.schema.json",
    title: "Lockstep sweep",
  };
}
