/**
 * Long-running work (simulations) as jobs: created by POST, watched through server-sent events,
 * cancelled by DELETE. Finished jobs are kept a while so a late client can still read the result.
 * A job still running at the wall-clock limit is stopped like a cancelled one (its worker threads
 * are terminated) and ends `failed`, with what it had done as a partial result.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { HttpError } from "./errors.ts";
import type { JobState } from "./schemas.ts";

export interface JobContext {
  signal: AbortSignal;
  progress(done: number, total: number): void;
}

interface Job {
  state: JobState;
  controller: AbortController;
  events: EventEmitter;
  finishedAt?: number;
}

const KEEP_FINISHED_MS = 15 * 60_000;
/** Jobs running at once: each already spreads over the cores, so more would only queue for them. */
export const MAX_RUNNING_JOBS = 2;
/** A job's wall-clock limit: a million runs of a built-in take seconds; this is for the pathological. */
export const JOB_TIME_LIMIT_MS = 5 * 60_000;

export class JobRegistry {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly maxRunning = MAX_RUNNING_JOBS,
    private readonly timeLimitMs = JOB_TIME_LIMIT_MS,
  ) {}

  start(total: number, work: (context: JobContext) => Promise<JobState["result"]>): JobState {
    this.sweep();
    const running = [...this.jobs.values()].filter((job) => job.state.status === "running").length;
    if (running >= this.maxRunning) {
      throw new HttpError(
        429,
        "too-many-jobs",
        `${running} simulations are running, the most this server runs at once: wait for one to finish (or cancel one), then try again`,
      );
    }
    const id = randomUUID();
    const job: Job = {
      state: { id, status: "running", progress: { done: 0, total } },
      controller: new AbortController(),
      events: new EventEmitter(),
    };
    this.jobs.set(id, job);
    const context: JobContext = {
      signal: job.controller.signal,
      progress: (done, all) => {
        if (job.state.status !== "running") return;
        job.state.progress = { done, total: all };
        job.events.emit("progress", job.state.progress);
      },
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      job.controller.abort();
    }, this.timeLimitMs);
    // Run after the response is sent, so the client gets the id before the first progress event.
    setImmediate(() => {
      work(context)
        .then(
          (result) => {
            // A cancelled simulation still returns what it did (marked partial): keep it for readers.
            if (job.state.status === "cancelled") job.state = { ...job.state, result };
            else if (timedOut) {
              const { done: runs, total: all } = job.state.progress;
              this.finish(job, {
                status: "failed",
                error: `stopped at this server's time limit of ${Math.round(this.timeLimitMs / 1000)} s after ${runs} of ${all} runs; the result covers those runs (partial)`,
                result,
              });
            } else this.finish(job, { status: "done", result });
          },
          (error: unknown) => {
            if (job.state.status === "cancelled") return;
            this.finish(job, { status: "failed", error: (error as Error)?.message ?? String(error) });
          },
        )
        .finally(() => clearTimeout(timer));
    });
    return job.state;
  }

  get(id: string): JobState | undefined {
    return this.jobs.get(id)?.state;
  }

  /** Cancels a running job; returns false when there is no such job. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    if (job.state.status === "running") {
      job.controller.abort();
      this.finish(job, { status: "cancelled" });
    }
    return true;
  }

  /** Calls `onProgress` for each progress step and `onEnd` once when the job ends. Returns an unsubscribe. */
  watch(
    id: string,
    onProgress: (progress: JobState["progress"]) => void,
    onEnd: (state: JobState) => void,
  ): () => void {
    const job = this.jobs.get(id);
    if (!job) return () => {};
    job.events.on("progress", onProgress);
    job.events.once("end", onEnd);
    return () => {
      job.events.off("progress", onProgress);
      job.events.off("end", onEnd);
    };
  }

  cancelAll(): void {
    for (const id of this.jobs.keys()) this.cancel(id);
  }

  private finish(job: Job, update: Partial<JobState>): void {
    if (job.state.status !== "running") return;
    job.state = { ...job.state, ...update };
    if (job.state.status === "done")
      job.state.progress = { ...job.state.progress, done: job.state.progress.total };
    job.finishedAt = Date.now();
    job.events.emit("end", job.state);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) {
      if (job.finishedAt !== undefined && now - job.finishedAt > KEEP_FINISHED_MS) this.jobs.delete(id);
    }
  }
}
