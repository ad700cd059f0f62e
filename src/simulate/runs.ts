/**
 * Running a range of numbered runs. Kept apart from index.ts so worker threads can load the
 * engine without the report schema (zod), which would slow every worker's start.
 */
import type { CompiledScenario } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { createRunner } from "./engine.ts";
import { type PreparedPlan, preparePlan } from "./prepare.ts";
import type { SimulationOverrides } from "./settings.ts";
import { createTally, type Tally } from "./tally.ts";

/**
 * Runs per chunk when a simulation is split (worker pool, browser). Fixed whatever the number of
 * workers, because the chunking decides the floating-point order in which means are merged.
 */
export const CHUNK_RUNS = 16_384;

export interface RunRange {
  /** An unsigned 32-bit integer. */
  seed: number;
  /** Index of the first run (runs are numbered from 0). */
  firstRun: number;
  runs: number;
  overrides?: SimulationOverrides;
}

/** Runs `firstRun .. firstRun + runs − 1` of a plan and returns their tally. */
export function simulateRuns(compiled: CompiledScenario, plan: Plan | PreparedPlan, range: RunRange): Tally {
  const prepared = isPrepared(plan) ? plan : preparePlan(compiled, plan, range.overrides);
  const tally = createTally(prepared.parties, prepared.phases);
  const runOnce = createRunner(prepared);
  const end = range.firstRun + range.runs;
  for (let run = range.firstRun; run < end; run++) runOnce(range.seed, run, tally);
  return tally;
}

function isPrepared(plan: Plan | PreparedPlan): plan is PreparedPlan {
  return "trancheMove" in plan && plan.trancheMove instanceof Int32Array;
}
