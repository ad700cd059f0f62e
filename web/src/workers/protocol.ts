/**
 * The messages between the page and its workers. Every request carries an id so that answers can
 * be matched to it; a worker first posts `ready` once its module has loaded, so the page can tell
 * a worker that failed to start (and fall back to the server) from one that is merely busy.
 */
import type { Plan } from "../../../src/model/index.ts";
import type { ComparisonReport, PlanReport } from "../../../src/planner/index.ts";
import type { SimulationReport } from "../../../src/simulate/index.ts";

export interface PlannerOptions {
  objective?: string;
  robust?: boolean;
  /** With the safety objective: the largest θ* for each number of phases (MODEL.md §7). */
  frontier?: boolean;
  timeLimitSeconds?: number;
}

export type PlannerRequest =
  | { id: number; kind: "plan"; source: string; options: PlannerOptions }
  | { id: number; kind: "compare"; source: string; options: PlannerOptions };

export interface SimulationRequest {
  id: number;
  source: string;
  plan: Plan;
  planName: string;
  runs: number;
  seed: number;
}

export type WorkerAnswer<T> =
  | { type: "ready" }
  | { type: "progress"; id: number; done: number; total: number }
  | { type: "result"; id: number; result: T }
  | { type: "error"; id: number; message: string };

export type PlannerAnswer = WorkerAnswer<PlanReport | ComparisonReport>;
export type SimulationAnswer = WorkerAnswer<SimulationReport>;
