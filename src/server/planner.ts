/**
 * The routes' door to the planner: every solve goes to the planner threads (src/io/planner-pool.ts),
 * and their refusals become HTTP answers — 429 when too many planner requests are in flight, 504
 * when one ran past its wall-clock limit (its thread is terminated). Errors the request caused
 * (bad options, an unknown plan) come back as the planner's own classes, for the routes to answer.
 */

import type { PlannerTask, TaskPlanOptions } from "../io/planner-messages.ts";
import {
  PlannerBusyError,
  PlannerPool,
  type PlannerPoolOptions,
  PlannerTimeoutError,
} from "../io/planner-pool.ts";
import type { Charter, ReplanReport, StatusEvent } from "../ledger/index.ts";
import { type ParseResult, parseScenario, type Scenario } from "../model/index.ts";
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

/** Scenario texts longer than this are parsed on a thread (a megabyte of YAML takes a second). */
export const PARSE_OFF_THREAD_CHARS = 64 * 1024;
/**
 * A YAML alias (`*name`): resolving and counting aliases is the slow part of parsing (150 of them
 * in 8 KB take tens of milliseconds), so a text with any is parsed on the thread too. A `*` that
 * only looks like one costs a thread hop, nothing else.
 */
const ALIAS = /(^|[\s[{,:-])\*[^\s,[\]{}]/;

/** Whether parsing this text could hold the event loop long enough to be felt. */
export function parseIsSlow(source: string): boolean {
  return source.length > PARSE_OFF_THREAD_CHARS || ALIAS.test(source);
}
/** The budget of parsing one text on a thread (its wall-clock limit adds the usual margin). */
const PARSE_BUDGET_SECONDS = 10;

export class ServerPlanner {
  private readonly pool: PlannerPool;
  /** One thread of its own for large scenario texts, so they never wait behind a long solve. */
  private readonly parser: PlannerPool;

  constructor(options: ServerPlannerOptions = {}) {
    this.pool = new PlannerPool(options);
    this.parser = new PlannerPool({ threads: 1, maxJobs: 8, maxSeconds: options.maxSeconds, solver: false });
    if (options.warm) this.pool.warm();
  }

  /** Parses a scenario text: on the parser thread when it is large or has aliases, else here (quick). */
  async parse(source: string, name: string): Promise<ParseResult> {
    if (!parseIsSlow(source)) return parseScenario(source, name);
    const size = `${Math.round(source.length / 1024)} KiB`;
    try {
      return await this.parser.run<"parse">(
        { kind: "parse", source, name },
        PARSE_BUDGET_SECONDS,
        `parsing a ${size} scenario text`,
      );
    } catch (error) {
      if (error instanceof PlannerBusyError)
        throw new HttpError(
          429,
          "parser-busy",
          `too many large scenario texts are being parsed: ${error.message}`,
        );
      if (error instanceof PlannerTimeoutError) throw new HttpError(504, "parse-timeout", error.message);
      throw error;
    }
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

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.parser.close()]);
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
