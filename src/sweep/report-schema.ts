/**
 * The sweep report as a document (what `lockstep sweep --json` prints and /api/sweeps/:id serves):
 * schemas first, types inferred, so the CLI, the API and the workbench agree.
 */
import { z } from "zod";

export const Flip = z.object({
  threshold: z.number().describe("Midway between the last feasible and the first infeasible level"),
  between: z.tuple([z.number(), z.number()]).describe("The two levels the flip lies between"),
  feasible: z.enum(["below", "above"]).describe("The side of the threshold where the plan is feasible"),
  others: z.record(z.string(), z.number()).describe("The other variables' values on this line"),
});

export const VariableFlips = z.object({
  variable: z.string(),
  lines: z.int().describe("Lines (settings of the other variables) seen"),
  flipped: z.int().describe("Lines along which feasibility flips"),
  low: z.number().nullable().describe("Least threshold; null when no line flips"),
  high: z.number().nullable().describe("Greatest threshold; null when no line flips"),
  asWritten: Flip.nullable().describe("The flip on the line nearest the scenario as written"),
  flips: z.array(Flip),
});

export const TornadoBar = z.object({
  variable: z.string(),
  atLow: z.number().describe("Mean of the figure at the variable's low end"),
  atHigh: z.number().describe("Mean of the figure at the variable's high end"),
  swing: z.number().describe("|atHigh − atLow|; bars are sorted by it, largest first"),
});

export const Heatmap = z.object({
  x: z.string(),
  y: z.string(),
  metric: z.string(),
  xs: z.array(z.number()),
  ys: z.array(z.number()),
  cells: z
    .array(z.array(z.number().nullable()))
    .describe("cells[row y][column x]: the mean there, null if no point"),
});

export const SweepReport = z.object({
  title: z.string().optional(),
  scenario: z.string(),
  points: z.int(),
  done: z.int(),
  errors: z.int(),
  sampling: z.enum(["grid", "latin"]),
  variables: z.array(z.object({ name: z.string(), low: z.number(), high: z.number() })),
  feasibility: z.string().nullable().describe("The yes/no figure flips are read from"),
  feasibleShare: z.number().nullable(),
  flips: z.array(VariableFlips),
  tornado: z.record(z.string(), z.array(TornadoBar)).describe("figure → bars"),
});

/** A sweep as the workbench sees it while it runs: progress, the report so far, a heatmap. */
export const SweepStatus = z.object({
  id: z.string(),
  title: z.string(),
  points: z.int(),
  done: z.int(),
  report: SweepReport,
  heatmap: Heatmap.nullable().describe("Over the first two variables, when there are two"),
});

export const SweepList = z.object({
  sweeps: z.array(
    z.object({ id: z.string(), title: z.string(), points: z.int(), done: z.int(), createdAt: z.string() }),
  ),
});

export type Flip = z.infer<typeof Flip>;
export type VariableFlips = z.infer<typeof VariableFlips>;
export type TornadoBar = z.infer<typeof TornadoBar>;
export type Heatmap = z.infer<typeof Heatmap>;
export type SweepReport = z.infer<typeof SweepReport>;
export type SweepStatus = z.infer<typeof SweepStatus>;
export type SweepList = z.infer<typeof SweepList>;
