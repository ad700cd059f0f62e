/**
 * The server's planner threads (piscina): every solve runs here, never on the event loop, so a
 * 13 s search does not hold up anyone else's request. Each thread keeps one warm solver.
 *
 * Two limits keep a flood of planner requests from taking the server down:
 * - at most `maxJobs` requests in flight (running or waiting for a thread); one more is refused
 *   at once (PlannerBusyError, the server's 429);
 * - a wall-clock limit per task, counted from when a thread begins it (the thread says so): past
 *   it the thread is terminated, whatever the solver is doing, and a fresh one (with a fresh
 *   solver) replaces it (PlannerTimeoutError, the server's 504). The planner's own time budget
 *   stops it well before in the normal case; this is the backstop for work that does not look at
 *   the clock. A thread's start (loading the code, compiling the solver: 0.4 s near idle, 8 s at
 *   load 28) does not count: counted from when the task was posted, it took the first re-plan of
 *   a fresh server past its 30 s under load (ledger/amend's 504s). The start has its own
 *   allowance, STARTING_SECONDS.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { PACKAGE_ROOT } from "./package-root.ts";
import {
  errorOf,
  isTaskStarted,
  type PlannerAnswers,
  type PlannerTask,
  type PostedTask,
  type TaskOutcome,
} from "./planner-messages.ts";
import { workerExecArgv } from "./worker-exec-argv.ts";

export interface PlannerPoolOptions {
  /** Threads, each solving one task at a time; default 2 (or the cores, when fewer). */
  threads?: number;
  /** Most requests in flight, running or waiting for a thread; default twice the threads. */
  maxJobs?: number;
  /** Caps every task's wall-clock limit (seconds); default none beyond the task's own. */
  maxSeconds?: number;
  /** Load and warm the solver in each thread (default true; a pool that only parses says false). */
  solver?: boolean;
}

/** Refused: too many planner requests in flight already. */
export class PlannerBusyError extends Error {}

/** The task ran past its wall-clock limit and its thread was terminated. */
export class PlannerTimeoutError extends Error {
  constructor(
    readonly seconds: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The worker thread's module: the bundle `npm run build` wrote when running compiled; from the
 * TypeScript sources, the bundle LOCKSTEP_PLANNER_WORKER names, else planner-worker.cjs (tsx).
 */
export function plannerWorkerEntry(): string {
  if (!import.meta.url.endsWith(".ts"))
    return pathToFileURL(join(PACKAGE_ROOT, "dist", "planner-worker.mjs")).href;
  const bundle = process.env.LOCKSTEP_PLANNER_WORKER;
  if (bundle) return pathToFileURL(bundle).href;
  return new URL("./planner-worker.cjs", import.meta.url).href;
}

/**
 * The wall-clock limit for a task whose own budget is `budgetSeconds`: the budget, plus room for
 * what happens around the solves (building the model, checking the plan, starting a thread).
 */
export function hardLimitSeconds(budgetSeconds: number): number {
  return budgetSeconds + Math.max(10, budgetSeconds / 2);
}

/**
 * How long a task may wait, once posted, for its thread to begin it: a thread still starting
 * (loading the code, compiling the solver) or being replaced after a timeout. Generous: it only
 * catches a thread that never starts.
 */
export const STARTING_SECONDS = 120;

export class PlannerPool {
  readonly threads: number;
  readonly maxJobs: number;
  private readonly maxSeconds: number;
  private readonly solver: boolean;
  private pool: Piscina<PostedTask, TaskOutcome> | undefined;
  /** Numbers the tasks posted, so a thread's "started" message finds its task's timer. */
  private posted = 0;
  private readonly starting = new Map<number, () => void>();
  private inFlight = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(options: PlannerPoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? Math.min(2, availableParallelism()));
    this.maxJobs = Math.max(1, options.maxJobs ?? 2 * this.threads);
    this.maxSeconds = options.maxSeconds ?? Number.POSITIVE_INFINITY;
    this.solver = options.solver ?? true;
  }

  /** Starts the threads (and their solvers) now rather than on the first request. */
  warm(): void {
    this.piscina();
  }

  /** Requests in flight: running or waiting for a thread. */
  get load(): { inFlight: number; running: number } {
    return { inFlight: this.inFlight, running: this.running };
  }

  /**
   * Runs one task on a planner thread. `budgetSeconds` is the task's own time budget (the
   * planner's time limit); `what` says in words what was asked, for the timeout's message.
   */
  async run<K extends PlannerTask["kind"]>(
    task: Extract<PlannerTask, { kind: K }>,
    budgetSeconds: number,
    what: string,
  ): Promise<PlannerAnswers[K]> {
    if (this.closed) throw new Error("the planner is shut down");
    if (this.inFlight >= this.maxJobs) {
      throw new PlannerBusyError(
        `${this.inFlight} planner requests are in flight, the most this server takes at once (${this.running} solving on ${this.threads} threads, the rest waiting): try again when one has finished`,
      );
    }
    this.inFlight++;
    try {
      await this.slot();
      try {
        return (await this.solve(task, budgetSeconds, what)) as PlannerAnswers[K];
      } finally {
        this.release();
      }
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private async solve(task: PlannerTask, budgetSeconds: number, what: string): Promise<unknown> {
    const limit = Math.min(this.maxSeconds, hardLimitSeconds(budgetSeconds));
    const controller = new AbortController();
    const started = ++this.posted;
    // until the thread begins the task, only the starting allowance runs; then the task's limit
    let timer = setTimeout(() => controller.abort(), (STARTING_SECONDS + limit) * 1000);
    this.starting.set(started, () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), limit * 1000);
    });
    try {
      const outcome = await this.piscina().run({ ...task, started }, { signal: controller.signal });
      if (!outcome.ok) throw errorOf(outcome);
      return outcome.value;
    } catch (error) {
      if (controller.signal.aborted) {
        throw new PlannerTimeoutError(
          limit,
          `${what} did not finish within ${formatSeconds(limit)} s, this server's wall-clock limit for it (the planner's own budget was ${formatSeconds(budgetSeconds)} s); the solve was stopped. Try a smaller time limit, fewer phases or a smaller scenario, or plan it locally with \`lockstep plan\``,
        );
      }
      throw error;
    } finally {
      this.starting.delete(started);
      clearTimeout(timer);
    }
  }

  /** Waits for a free thread (first come, first served). */
  private async slot(): Promise<void> {
    if (this.running < this.threads) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the thread to the next waiting request, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private piscina(): Piscina<PostedTask, TaskOutcome> {
    if (!this.pool) {
      this.pool = new Piscina<PostedTask, TaskOutcome>({
        filename: plannerWorkerEntry(),
        minThreads: this.threads,
        maxThreads: this.threads,
        // warm threads stay: starting one compiles the solver again
        idleTimeout: Number.POSITIVE_INFINITY,
        execArgv: workerExecArgv(),
        workerData: { solver: this.solver },
      });
      this.pool.on("message", (message: unknown) => {
        if (isTaskStarted(message)) this.starting.get(message.started)?.();
      });
    }
    return this.pool;
  }
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}
