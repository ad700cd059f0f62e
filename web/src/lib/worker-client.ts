/**
 * Talking to a module worker: started on first use, asked by request id, answered with a result,
 * an error or progress. A worker that does not say `ready` (it failed to load, or the browser
 * refused it) makes `WorkerUnavailable`, which callers answer by asking the server instead.
 */
import type { WorkerAnswer } from "../workers/protocol.ts";

export class WorkerUnavailable extends Error {}

/** How long a worker may take to load its module before we give up on it. */
const START_TIMEOUT_MS = 15_000;

interface Pending<T> {
  resolve(result: T): void;
  reject(error: Error): void;
  onProgress?: (done: number, total: number) => void;
}

export class WorkerClient<Request extends { id: number }, Result> {
  private worker?: Worker;
  private started?: Promise<Worker>;
  private nextId = 1;
  private pending = new Map<number, Pending<Result>>();

  constructor(private readonly create: () => Worker) {}

  private start(): Promise<Worker> {
    if (this.started) return this.started;
    this.started = new Promise<Worker>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = this.create();
      } catch (error) {
        reject(new WorkerUnavailable((error as Error).message));
        return;
      }
      const timer = setTimeout(() => fail("it did not start in time"), START_TIMEOUT_MS);
      const fail = (why: string) => {
        clearTimeout(timer);
        worker.terminate();
        reject(new WorkerUnavailable(why));
      };
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        if (this.worker) this.failAll(new Error(event.message || "the worker stopped"));
        else fail(event.message || "its script failed to load");
      });
      worker.addEventListener("message", (event: MessageEvent<WorkerAnswer<Result>>) => {
        const answer = event.data;
        if (answer.type === "ready") {
          clearTimeout(timer);
          this.worker = worker;
          resolve(worker);
          return;
        }
        const pending = this.pending.get(answer.id);
        if (!pending) return;
        if (answer.type === "progress") pending.onProgress?.(answer.done, answer.total);
        else {
          this.pending.delete(answer.id);
          if (answer.type === "result") pending.resolve(answer.result);
          else pending.reject(new Error(answer.message));
        }
      });
    });
    // A worker that failed to start may be retried on the next request.
    this.started.catch(() => {
      this.started = undefined;
    });
    return this.started;
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  /**
   * Rejects with WorkerUnavailable when the worker could not start. When `signal` aborts, the
   * request is dropped; if no other request waits, the worker is stopped too, so a search no one
   * waits for does not hold up the next one (a solve cannot be interrupted inside the worker).
   */
  async ask(
    request: Omit<Request, "id">,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<Result> {
    const worker = await this.start();
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      const drop = () => {
        if (!this.pending.delete(id)) return;
        reject(new Error("cancelled"));
        if (this.pending.size === 0 && this.worker === worker) this.restart();
      };
      if (signal?.aborted) {
        reject(new Error("cancelled"));
        return;
      }
      signal?.addEventListener("abort", drop, { once: true });
      const done = () => signal?.removeEventListener("abort", drop);
      this.pending.set(id, {
        resolve: (result) => {
          done();
          resolve(result);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        onProgress,
      });
      worker.postMessage({ ...request, id });
    });
  }

  /** Stops the worker (e.g. to cancel a simulation); the next request starts a fresh one. */
  restart(): void {
    this.failAll(new Error("cancelled"));
    this.worker?.terminate();
    this.worker = undefined;
    this.started = undefined;
  }
}
