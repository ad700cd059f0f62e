/**
 * The planner and small simulations, run in browser workers, with the server as the fallback
 * when a worker cannot start. Each answer says where it was computed, so the page can say so.
 */
import type { Plan } from "../../../src/model/index.ts";
import type { ComparisonReport, PlanReport } from "../../../src/planner/index.ts";
import type { SimulationReport } from "../../../src/simulate/index.ts";
import type { PlannerOptions, PlannerRequest, SimulationRequest } from "../workers/protocol.ts";
import { api } from "./api.ts";
import { shared } from "./plan-cache.ts";
import { searchComplete } from "./planner.ts";
import { WorkerClient, WorkerUnavailable } from "./worker-client.ts";

export type Where = { in: "browser" } | { in: "server"; reason: string };

export interface Located<T> {
  result: T;
  where: Where;
}

const planner = new WorkerClient<PlannerRequest, PlanReport | ComparisonReport>(
  () => new Worker(new URL("../workers/planner.worker.ts", import.meta.url), { type: "module" }),
);

const simulator = new WorkerClient<SimulationRequest, SimulationReport>(
  () => new Worker(new URL("../workers/simulate.worker.ts", import.meta.url), { type: "module" }),
);

async function orServer<T>(inBrowser: () => Promise<T>, onServer: () => Promise<T>): Promise<Located<T>> {
  try {
    return { result: await inBrowser(), where: { in: "browser" } };
  } catch (error) {
    if (!(error instanceof WorkerUnavailable)) throw error;
    return { result: await onServer(), where: { in: "server", reason: error.message } };
  }
}

/**
 * The planner's answer for this text and these options: searched once per tab and kept (see
 * plan-cache.ts). A caller that may leave before the answer passes `signal`.
 */
export function findPlanInBrowser(
  source: string,
  options: PlannerOptions,
  signal?: AbortSignal,
): Promise<Located<PlanReport>> {
  const sorted = Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
  return shared(
    JSON.stringify({ kind: "plan", options: sorted, source }),
    (stop) =>
      orServer(
        () => planner.ask({ kind: "plan", source, options }, undefined, stop) as Promise<PlanReport>,
        () => api.plan(source, options),
      ),
    signal,
    (located) => searchComplete(located.result),
  );
}

export function comparePlansInBrowser(
  source: string,
  options: PlannerOptions,
): Promise<Located<ComparisonReport>> {
  return orServer(
    () => planner.ask({ kind: "compare", source, options }) as Promise<ComparisonReport>,
    () => api.compare(source, options),
  );
}

/** Rejects with WorkerUnavailable when the worker cannot start (the caller then starts a server job). */
export function simulateInBrowser(
  request: { source: string; plan: Plan; planName: string; runs: number; seed: number },
  onProgress: (done: number, total: number) => void,
): Promise<SimulationReport> {
  return simulator.ask(request, onProgress);
}

export function cancelBrowserSimulation(): void {
  simulator.restart();
}

export { WorkerUnavailable };
