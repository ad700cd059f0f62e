/**
 * The Monte Carlo simulator (MODEL.md §6): pure and browser-safe. Runs are numbered; run r draws
 * from its own stream derived from (seed, r), so any split of runs over workers gives the same runs.
 */

export { createRunner } from "./engine.ts";
export { type PreparedPlan, preparePlan } from "./prepare.ts";
export { type SimulationCause, SimulationReport } from "./report.ts";
export { CHUNK_RUNS, type RunRange, simulateRuns } from "./runs.ts";
export {
  checkOverrides,
  RESPONSES,
  type RiskSettings,
  riskSettings,
  type SimulationOverrides,
} from "./settings.ts";
export { RELATIVE_ERROR } from "./sketch.ts";
export { type SimulationMeta, summarize, wilsonInterval } from "./summarize.ts";
export { CAUSES, type Cause, createTally, mergeTallies, type Tally } from "./tally.ts";
