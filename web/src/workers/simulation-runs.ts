/**
 * A small simulation run where it is asked for (a browser worker), giving exactly the report the
 * server's pool gives for the same scenario, plan, runs and seed. The pool cuts runs into chunks
 * of CHUNK_RUNS (src/simulate/runs.ts) and merges the chunk tallies in run order; floating-point
 * sums depend on that order, so this does the same. Within a chunk it runs the same loop as `simulateRuns`, pausing
 * every PROGRESS_EVERY runs to say how far it is (test/web/simulation-runs.test.ts checks that
 * the two stay identical).
 */
import { compileScenario } from "../../../src/analysis/index.ts";
import type { Plan, Scenario } from "../../../src/model/index.ts";
import type { SimulationReport } from "../../../src/simulate/index.ts";
import {
  CHUNK_RUNS,
  createRunner,
  createTally,
  mergeTallies,
  preparePlan,
  riskSettings,
  summarize,
} from "../../../src/simulate/index.ts";

export { CHUNK_RUNS };
/** Most runs the browser does itself; more go to a server job. */
export const BROWSER_MAX_RUNS = 20_000;
export const PROGRESS_EVERY = 500;

export interface LocalSimulation {
  scenario: Scenario;
  plan: Plan;
  planName?: string;
  runs: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export function simulateLocally(request: LocalSimulation): SimulationReport {
  const { scenario, runs, seed } = request;
  const compiled = compileScenario(scenario);
  const prepared = preparePlan(compiled, request.plan);
  const runOnce = createRunner(prepared);
  let total = createTally(prepared.parties, prepared.phases);
  for (let firstRun = 0; firstRun < runs; firstRun += CHUNK_RUNS) {
    const chunk = createTally(prepared.parties, prepared.phases);
    const end = Math.min(firstRun + CHUNK_RUNS, runs);
    for (let run = firstRun; run < end; run++) {
      runOnce(seed, run, chunk);
      if ((run + 1) % PROGRESS_EVERY === 0 && run + 1 < runs) request.onProgress?.(run + 1, runs);
    }
    total = mergeTallies(total, chunk);
  }
  request.onProgress?.(runs, runs);
  return summarize(total, {
    partyIds: compiled.partyIds,
    seed,
    response: riskSettings(compiled).response,
    partial: false,
    scenario: scenario.id,
    plan: request.planName,
  });
}
