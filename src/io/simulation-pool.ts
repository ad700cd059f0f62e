/**
 * Runs a simulation on a pool of worker threads (piscina). Runs are cut into chunks of a fixed
 * size whatever the number of workers, and chunk tallies are merged in run order, so 1, 2 or 4
 * workers give byte-identical reports for the same seed.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { compileScenario } from "../analysis/index.ts";
import type { Plan, Scenario } from "../model/index.ts";
import {
  CHUNK_RUNS,
  checkOverrides,
  createTally,
  mergeTallies,
  preparePlan,
  riskSettings,
  type SimulationOverrides,
  type SimulationReport,
  simulateRuns,
  summarize,
  type Tally,
} from "../simulate/index.ts";
import { PACKAGE_ROOT } from "./package-root.ts";
import type { ChunkTask } from "./simulation-task.ts";
import { workerExecArgv } from "./worker-exec-argv.ts";

export { CHUNK_RUNS };

export const MAX_SEED = 0xffff_ffff;

export interface SimulationRequest {
  scenario: Scenario;
  plan: Plan;
  /** Shown in the report. */
  planName?: string;
  runs: number;
  seed: number;
  /** Worker threads; default the machine's cores. */
  workers?: number;
  overrides?: SimulationOverrides;
  /** Called after each chunk with the runs done so far. */
  onProgress?: (runsDone: number, runsTotal: number) => void;
  /** Aborting stops the simulation; the report then covers the chunks done, marked partial. */
  signal?: AbortSignal;
  /**
   * Run even a single chunk on a worker thread. The server sets it: its event loop must not
   * simulate, however small the job (a chunk of a large scenario takes seconds). The CLI does not.
   */
  offThread?: boolean;
}

/** A request a user got wrong (the CLI exits 2, the server answers 400). */
export class SimulationInputError extends Error {}

export function checkRequest(request: SimulationRequest): string[] {
  const problems: string[] = [];
  const { runs, seed, workers } = request;
  if (!Number.isSafeInteger(runs) || runs < 1)
    problems.push(`runs: expected a whole number >= 1, got ${runs}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    problems.push(`seed: expected a whole number from 0 to ${MAX_SEED}, got ${seed}`);
  }
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    problems.push(`workers: expected a whole number >= 1, got ${workers}`);
  }
  return problems;
}

let jobs = 0;

/**
 * The workers' module. Compiled (this code in dist/): the worker bundle `npm run build` wrote,
 * plain JavaScript that starts in milliseconds. From the TypeScript sources (tsx, vitest): the
 * bundle LOCKSTEP_SIMULATION_WORKER names (the test setup builds one from the same sources), else
 * simulation-worker.cjs, which loads the sources through tsx (about 0.2 s more per worker).
 */
export function workerEntry(): string {
  if (!import.meta.url.endsWith(".ts"))
    return pathToFileURL(join(PACKAGE_ROOT, "dist", "simulation-worker.mjs")).href;
  const bundle = process.env.LOCKSTEP_SIMULATION_WORKER;
  if (bundle) return pathToFileURL(bundle).href;
  return new URL("./simulation-worker.cjs", import.meta.url).href;
}

export async function runSimulation(request: SimulationRequest): Promise<SimulationReport> {
  const compiled = compileScenario(request.scenario);
  const problems = [...checkRequest(request), ...checkOverrides(compiled, request.overrides)];
  if (problems.length > 0) throw new SimulationInputError(problems.join("\n"));
  const { runs, seed, signal } = request;
  const prepared = preparePlan(compiled, request.plan, request.overrides);
  const chunkCount = Math.ceil(runs / CHUNK_RUNS);
  const workers = Math.min(request.workers ?? availableParallelism(), chunkCount);
  const job = `${process.pid}-${++jobs}`;
  // Chunks finished out of order wait here until the chunks before them are merged; at most a
  // few (the lanes below), so memory stays flat however many runs are asked for.
  const waiting = new Map<number, Tally>();
  let total = createTally(prepared.parties, prepared.phases);
  let nextToMerge = 0;
  let nextToRun = 0;
  let done = 0;

  if (chunkCount === 1 && !request.offThread && !signal?.aborted) {
    // One chunk (at most CHUNK_RUNS runs, tens of milliseconds): starting a worker would cost
    // more than the runs. Same chunk, same tally, so the result is the same as on a worker.
    total = mergeTallies(total, simulateRuns(compiled, prepared, { seed, firstRun: 0, runs }));
    done = runs;
    request.onProgress?.(done, runs);
  } else if (!signal?.aborted) {
    const pool = new Piscina<ChunkTask, Tally>({
      filename: workerEntry(),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 1000,
      execArgv: workerExecArgv(),
    });
    // Each lane keeps one chunk in flight; two lanes per worker keep every worker busy.
    const lane = async () => {
      while (nextToRun < chunkCount && !signal?.aborted) {
        const chunk = nextToRun++;
        const firstRun = chunk * CHUNK_RUNS;
        const task: ChunkTask = {
          job,
          scenario: request.scenario,
          plan: request.plan,
          overrides: request.overrides,
          seed,
          firstRun,
          runs: Math.min(CHUNK_RUNS, runs - firstRun),
        };
        let tally: Tally;
        try {
          tally = await pool.run(task, { signal });
        } catch (error) {
          if (signal?.aborted) return; // an aborted chunk is left out of the (partial) result
          throw error;
        }
        waiting.set(chunk, tally);
        for (let ready = waiting.get(nextToMerge); ready; ready = waiting.get(nextToMerge)) {
          total = mergeTallies(total, ready);
          waiting.delete(nextToMerge++);
        }
        done += tally.runs;
        request.onProgress?.(done, runs);
      }
    };
    try {
      await Promise.all(Array.from({ length: 2 * workers }, lane));
    } finally {
      await pool.destroy();
    }
  }
  // After an abort, chunks past a gap are still counted (the result is partial anyway).
  for (const chunk of [...waiting.keys()].sort((a, b) => a - b))
    total = mergeTallies(total, waiting.get(chunk)!);
  return summarize(total, {
    partyIds: compiled.partyIds,
    seed,
    response: riskSettings(compiled, request.overrides).response,
    partial: total.runs < runs,
    scenario: request.scenario.id,
    plan: request.planName,
  });
}
