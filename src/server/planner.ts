/**
 * The routes' door to the planner: every solve goes to the planner threads (src/io/planner-pool.ts),
 * and their refusals become HTTP answers — 429 when too many planner requests are in flight, 504
 * when one ran past its wall-clock limit (its thread is terminated). Errors the request caused
 * (bad options, an unknown plan) come back as the planner's own classes, for the routes to answer.
 */

import {
  PlannerBusyError,
  PlannerPool,
  type PlannerPoolOptions,
  PlannerTimeoutError,
} from "../io/planner-pool.ts";
import type { PlannerTask, TaskPlanOptions } from "../io/planner-task.ts";
import type { Charter, ReplanReport, StatusEvent } from "../ledger/index.ts";
import type { Scenario } from "../model/index.ts";
import {
  type Comparison,
  type ContinuationOptions,
  DEFAULT_TIME_LIMIT,
  type PlanChoice,
  type PlanResult,
} from "../planner/index.ts";
import { HttpError } from "./errors.ts";

export interface ServerPlannerOptions extends PlannerPoolOptions {
  /** Start the threads and their solvers when the server starts (`lockstep serve` does). */
  warm?: boolean;
}

export class ServerPlanner {
  private readonly pool: PlannerPool;

  constructor(options: ServerPlannerOptions = {}) {
    this.pool = new PlannerPool(options);
    if (options.warm) this.pool.warm();
  }

  plan(scenario: Scenario, options: TaskPlanOptions): Promise<PlanResult> {
    const what = `planning '${scenario.id}' (objective ${options.objective ?? (options.frontier ? "safety" : "phases")}${options.frontier ? ", with the frontier" : ""}${options.robust ? ", robust" : ""})`;
    return this.run(
      { kind: "plan", scenario, options },
      options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT,
      what,
    );
  }

  compare(scenario: Scenario): Promise<Comparison> {
    return this.run(
      { kind: "compare", scenario, options: {} },
      DEFAULT_TIME_LIMIT,
      `comparing the plans of '${scenario.id}'`,
    );
  }

  /** A plan by name; 'optimal' runs the planner. */
  choose(scenario: Scenario, name: string): Promise<PlanChoice> {
    return this.run(
      { kind: "choose", scenario, name },
      DEFAULT_TIME_LIMIT,
      `finding the ${name} plan of '${scenario.id}'`,
    );
  }

  replan(
    charter: Charter,
    events: readonly StatusEvent[],
    now: string,
    options: Omit<ContinuationOptions, "signal"> & { timeLimitSeconds: number },
  ): Promise<ReplanReport> {
    // only what the re-plan reads crosses to the thread
    const history = events.map(({ body, receivedAt }) => ({ body, receivedAt }));
    return this.run(
      { kind: "replan", charter, events: history, now, options },
      options.timeLimitSeconds,
      `re-planning agreement '${charter.id}' (objective ${options.objective ?? "phases"})`,
    );
  }

  /** Planner requests in flight (running or waiting for a thread), and how many are running. */
  get load(): { inFlight: number; running: number } {
    return this.pool.load;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async run<K extends PlannerTask["kind"]>(
    task: Extract<PlannerTask, { kind: K }>,
    budgetSeconds: number,
    what: string,
  ) {
    try {
      return await this.pool.run<K>(task, budgetSeconds, what);
    } catch (error) {
      if (error instanceof PlannerBusyError) throw new HttpError(429, "planner-busy", error.message);
      if (error instanceof PlannerTimeoutError) throw new HttpError(504, "planner-timeout", error.message);
      throw error;
    }
  }
}
