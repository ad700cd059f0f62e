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

export const AnalysisReport = z.object({
  feasible: z.boolean(),
  robustlyFeasible: z.boolean(),
  valid: z.boolean(),
  phases: z.int(),
  minSlack: z.number().describe("Least slack over the rows that depend on a value (MODEL.md v2 §5)"),
  parties: z.record(z.string(), PartyReport),
  rows: z.array(ConstraintRowReport).describe("Every constraint row, party by party, in phase order"),
  violations: z.array(Violation),
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
