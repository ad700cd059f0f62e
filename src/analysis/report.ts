/**
 * The analysis document (the JSON `lockstep analyze --json` prints and the API returns).
 * Defined as a schema so the server's response schema and the types come from one place.
 */
import { z } from "zod";
import { Perspectives } from "./perspectives-report.ts";

export const ViolationKind = z.enum(["exposure", "margin", "reservation", "goal", "requires", "horizon"]);

export const Contribution = z.object({
  move: z.string(),
  amount: z.number().describe("What the move adds to the shortfall (positive = makes it worse)"),
  reason: z.string().describe("Why it counts, in words (e.g. 'irreversible cost', 'not yet verified')"),
});

export const Violation = z.object({
  kind: ViolationKind,
  party: z.string().optional(),
  phase: z.int().optional(),
  move: z.string().optional(),
  value: z.number().optional(),
  message: z.string(),
  contributors: z.array(Contribution).optional(),
});

const PartyFigures = z.object({
  exposure: z.array(z.number()).describe("E(0)..E(T)"),
  margin: z.record(z.string(), z.number()).describe("phase → M, where the party can defect"),
});

export const PartyReport = PartyFigures.extend({
  final: z.number(),
  tolerance: z.number(),
  reservation: z.number(),
  worst: PartyFigures.extend({ final: z.number() }),
});

export const RowKind = z.enum(["exposure", "margin", "reservation"]);

/** Which constraint row: its kind, party and phase (null for the reservation row). */
export const RowRef = z.object({
  kind: RowKind,
  party: z.string(),
  phase: z.int().nullable(),
});

/** One row g_c ≥ 0 of MODEL.md v2 §5, judged once here so that no face re-derives a limit test. */
export const ConstraintRowReport = RowRef.extend({
  slack: z
    .number()
    .describe(
      "g_c at nominal values: τ + u(κ⊙x̂) for exposure (not clamped), M for margin, u(x_T) − ρ for reservation",
    ),
  over: z.boolean().describe("The row is violated (g_c < 0 beyond floating-point noise)"),
  worstSlack: z.number().describe("g_c at the worst case of the value ranges"),
  worstOver: z.boolean().describe("The row is violated at the worst case of the value ranges"),
  dependsOnValues: z
    .boolean()
    .describe("The row moves with some value; only such rows enter the minimum slack"),
});

/** MODEL.md v2 §7: the safety factor θ* of a plan feasible at nominal values. */
export const Safety = z.object({
  theta: z
    .number()
    .nullable()
    .describe(
      "θ*: the plan survives estimation errors up to θ* times each range's half-width; null when unbounded",
    ),
  unbounded: z.boolean().describe("No row of the plan moves with an uncertain value"),
  capped: z.boolean().describe("θ* is θ_sign, where a value would change sign; read it as 'at least θ*'"),
  thetaSign: z.number().nullable().describe("θ_sign = min |v̂|/w over the uncertain values that enter a row"),
  breaksFirst: RowRef.extend({ text: z.string().describe("What breaks first, in words") })
    .nullable()
    .describe("The row attaining θ*"),
});

const BreakingPointFigures = z.object({
  nominal: z.number().describe("The nominal figure (a value's midpoint, the tolerance or the reservation)"),
  width: z
    .number()
    .describe("Half-width w of the value's range (0 for a point value, tolerance, reservation)"),
  down: z
    .number()
    .nullable()
    .describe("How far it may fall alone before the plan breaks; null = no finite break"),
  downRow: RowRef.nullable().describe("The row that breaks when it falls that far"),
  up: z
    .number()
    .nullable()
    .describe("How far it may rise alone before the plan breaks; null = no finite break"),
  upRow: RowRef.nullable(),
});

/** MODEL.md v2 §7: one value cell's (or a party's tolerance or reservation's) breaking points. */
export const BreakingPoint = z.discriminatedUnion("field", [
  BreakingPointFigures.extend({ field: z.literal("value"), move: z.string(), party: z.string() }),
  BreakingPointFigures.extend({ field: z.enum(["tolerance", "reservation"]), party: z.string() }),
]);

export const AnalysisReport = z.object({
  feasible: z.boolean(),
  robustlyFeasible: z.boolean(),
  valid: z.boolean(),
  phases: z.int(),
  minSlack: z.number().describe("Least slack over the rows that depend on a value (MODEL.md v2 §5)"),
  parties: z.record(z.string(), PartyReport),
  rows: z.array(ConstraintRowReport).describe("Every constraint row, party by party, in phase order"),
  violations: z.array(Violation),
  safety: Safety.nullable()
    .optional()
    .describe("MODEL.md §7 safety factor (analyze's document); null for a plan infeasible at nominal values"),
  breakingPoints: z
    .array(BreakingPoint)
    .optional()
    .describe("MODEL.md §7 breaking points (analyze's document): values, then tolerances, then reservations"),
  perspectives: Perspectives.optional().describe("Present when the scenario has views (MODEL.md §9)"),
});

export type ViolationKind = z.infer<typeof ViolationKind>;
export type Contribution = z.infer<typeof Contribution>;
export type Violation = z.infer<typeof Violation>;
export type PartyReport = z.infer<typeof PartyReport>;
export type AnalysisReport = z.infer<typeof AnalysisReport>;
export type RowKind = z.infer<typeof RowKind>;
export type RowRef = z.infer<typeof RowRef>;
export type ConstraintRowReport = z.infer<typeof ConstraintRowReport>;
export type Safety = z.infer<typeof Safety>;
export type BreakingPoint = z.infer<typeof BreakingPoint>;
