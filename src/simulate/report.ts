/**
 * The simulation document: what `lockstep simulate --json` prints and the API returns.
 * A schema, so the server's response schema and the TypeScript type come from one place.
 */
import { z } from "zod";
import { CAUSES } from "./tally.ts";

export const SimulationCause = z.object({
  party: z.string().nullable().describe("The party whose step failed, or null (hazard, incomplete plan)"),
  phase: z.int().describe("Plan phase where the failure began"),
  cause: z.enum(CAUSES),
  share: z.number().describe("Share of the runs that did not complete"),
});

export const SimulationReport = z.object({
  scenario: z.string().optional(),
  plan: z.string().optional(),
  runs: z.int().describe("Runs simulated (fewer than asked when partial)"),
  seed: z.int(),
  partial: z.boolean().describe("True when the simulation was stopped before all runs were done"),
  response: z.enum(["grim", "tit-for-tat", "generous"]),
  completion: z.object({
    p: z.number(),
    low: z.number().describe("95% Wilson interval, lower end"),
    high: z.number().describe("95% Wilson interval, upper end"),
  }),
  survival: z.array(z.number()).describe("S(0..T): share of runs with the deal alive after plan phase k"),
  parties: z.record(
    z.string(),
    z.object({
      value: z.object({ mean: z.number(), p5: z.number(), p50: z.number(), p95: z.number() }),
      overTolerance: z
        .number()
        .describe("Share of runs in which the party's exposure ever exceeded its tolerance"),
    }),
  ),
  causes: z.array(SimulationCause).describe("Causes of failure, most frequent first"),
  quantileError: z.number().describe("Relative error of the value quantiles (fixed-size sketch)"),
});

export type SimulationCause = z.infer<typeof SimulationCause>;
export type SimulationReport = z.infer<typeof SimulationReport>;
