/**
 * What a simulation worker does with one chunk of runs. Workers get the parsed scenario and
 * compile it themselves (compiled scenarios hold Maps, which are cheap to rebuild and awkward to
 * send); the prepared plan is kept between chunks of the same job.
 */
import { compileScenario } from "../analysis/index.ts";
import type { Plan, Scenario } from "../model/index.ts";
import type { SimulationOverrides, Tally } from "../simulate/index.ts";
// not ../simulate/index.ts: that would load zod (for the report schema) into every worker
import { preparePlan, simulateRuns } from "../simulate/index.ts";
import { lowerThreadPriority } from "./thread-priority.ts";

// a chunk yields the core to the server's event loop (thread-priority.ts)
lowerThreadPriority();

export interface ChunkTask {
  /** Identifies one simulation, so a worker prepares its plan once however many chunks it runs. */
  job: string;
  scenario: Scenario;
  plan: Plan;
  overrides?: SimulationOverrides;
  seed: number;
  firstRun: number;
  runs: number;
}

let cached: { job: string; prepared: ReturnType<typeof preparePlan> } | undefined;

export default function runChunk(task: ChunkTask): Tally {
  if (cached?.job !== task.job) {
    const compiled = compileScenario(task.scenario);
    cached = { job: task.job, prepared: preparePlan(compiled, task.plan, task.overrides) };
  }
  const { prepared } = cached;
  return simulateRuns(prepared.compiled, prepared, {
    seed: task.seed,
    firstRun: task.firstRun,
    runs: task.runs,
  });
}
