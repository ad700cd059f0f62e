/**
 * The event loop's side of the SQLite append thread (append-worker.ts): `commit` sends a batch of
 * appends to the thread and resolves with their outcomes once the thread's transaction has
 * committed, so an acknowledged event is on disk exactly as when the loop committed it. Reads stay
 * on the loop's own connection: in WAL mode a read that starts after the thread's commit returned
 * sees it, so an acknowledged event is read back at once.
 *
 * Why a thread: SQLite's commit with synchronous = FULL waits for an fsync, and better-sqlite3 runs
 * it synchronously. On the loop that wait held every other request, and Node 20's libuv accepts
 * one new connection per turn of the loop: a burst of clients on new connections came in one per
 * commit, each committed alone (docs/benchmarks.md, "Why a burst was slow").
 *
 * The thread starts with the store's first append, or earlier when the server expects appends
 * (`prepareAppends`: an event stream opened, a charter signed), so a process that only reads (most
 * CLI commands) does not pay its start, and it is unreferenced while no batch is in flight, so an idle
 * store does not keep a process alive. If it dies, the batches in flight fail (their appends were
 * not acknowledged, so a client resends them) and the next batch starts a fresh thread.
 */
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { PACKAGE_ROOT } from "../io/package-root.ts";
import type { AppendItem, Outcome } from "./append-transaction.ts";
import type { AppendAnswer, AppendRequest } from "./append-worker.ts";
import { StoreError } from "./errors.ts";

/**
 * The thread's module: the bundle `npm run build` wrote when running compiled; from the TypeScript
 * sources, the bundle LOCKSTEP_APPEND_WORKER names (the tests' build), else append-worker.cjs (tsx).
 */
export function appendWorkerEntry(): URL {
  if (!import.meta.url.endsWith(".ts"))
    return pathToFileURL(resolvePath(PACKAGE_ROOT, "dist", "append-worker.mjs"));
  const bundle = process.env.LOCKSTEP_APPEND_WORKER;
  if (bundle) return pathToFileURL(bundle);
  return new URL("./append-worker.cjs", import.meta.url);
}

interface Waiting {
  resolve(outcomes: Outcome[]): void;
  reject(error: Error): void;
}

/** A database error from the thread, with its code (SQLITE_…) kept for isBusy and the like. */
class AppendThreadError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class AppendThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private sent = 0;
  private closed = false;

  /** `path`: the store's SQLite file (not an in-memory database: the thread could not see it). */
  constructor(private readonly path: string) {}

  /**
   * Starts the thread now if it is not running, so the first batch does not wait for its start
   * (about 0.26 CPU-s: a second V8 isolate loading Kysely and better-sqlite3; 1–2 s of wall time at
   * load 20, all of it inside the first burst's first commit when the thread started with it). A
   * server calls it when appends are coming (append thread unreferenced while idle, as ever).
   */
  prepare(): void {
    if (!this.closed && !this.worker) this.start();
  }

  /** Writes a batch of appends to agreement `id` in one transaction; their outcomes once committed. */
  commit(id: string, items: AppendItem[]): Promise<Outcome[]> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    const worker = this.worker ?? this.start();
    const n = ++this.sent;
    return new Promise<Outcome[]>((resolve, reject) => {
      this.waiting.set(n, { resolve, reject });
      worker.ref();
      worker.postMessage({ n, id, items } satisfies AppendRequest);
    });
  }

  /** Waits for the batches in flight, then closes the thread's connection and ends it. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    await Promise.allSettled([...this.waiting.keys()].map((n) => this.settled(n)));
    if (this.worker !== worker) return; // it died meanwhile
    worker.ref();
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.postMessage({ close: true } satisfies AppendRequest);
    await exited;
  }

  private settled(n: number): Promise<void> {
    const entry = this.waiting.get(n);
    if (!entry) return Promise.resolve();
    return new Promise((done) => {
      const { resolve, reject } = entry;
      entry.resolve = (outcomes) => {
        resolve(outcomes);
        done();
      };
      entry.reject = (error) => {
        reject(error);
        done();
      };
    });
  }

  private start(): Worker {
    const worker = new Worker(appendWorkerEntry(), {
      workerData: { path: resolvePath(this.path) },
      // not the parent's flags: under tsx they would load its ESM loader into the thread as well
      execArgv: [],
    });
    worker.unref();
    worker.on("message", (answer: AppendAnswer) => this.answer(answer));
    worker.on("error", (error) => this.fail(worker, error));
    worker.on("exit", (code) => this.fail(worker, new Error(`the append thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private answer(answer: AppendAnswer): void {
    const entry = this.waiting.get(answer.n);
    if (!entry) return;
    this.waiting.delete(answer.n);
    if (this.waiting.size === 0) this.worker?.unref();
    if ("failure" in answer) {
      entry.reject(new AppendThreadError(answer.failure.message, answer.failure.code));
      return;
    }
    entry.resolve(
      answer.outcomes.map((o) =>
        "error" in o ? { error: new StoreError(o.error.code, o.error.message) } : o,
      ),
    );
  }

  /** The thread is gone: every batch in flight fails, and the next one starts a new thread. */
  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const entry of waiting) entry.reject(error);
  }
}
