/**
 * Runs a sweep on this machine: one child process per core computes points; this process stores
 * every result as it arrives (a few at a time, in one transaction). Points already stored are
 * skipped, so a re-run after Ctrl-C or a crash resumes where it stopped.
 *
 * A child that dies (kill -9, out of memory) loses only the points it was computing: they go back
 * to the front of the line and a new child takes its place. A point that kills three children is
 * stored with an error instead of being tried for ever.
 */
import { type ChildProcess, fork } from "node:child_process";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { StoredPoint, SweepStore } from "../store/index.ts";
import type { PointResult } from "../sweep/index.ts";
import type { FromChild, ToChild } from "./sweep-child.ts";
import type { LoadedSweep } from "./sweep-files.ts";

const BIN = fileURLToPath(new URL("../../bin/lockstep.js", import.meta.url));

/** Points each child has in hand: one computing, one waiting, so no child idles between points. */
const DEPTH = 2;
/** How often results are written (and how many at most wait in memory). */
const FLUSH_MS = 100;
const FLUSH_POINTS = 256;
const MAX_CRASHES = 3;

export interface LocalRunOptions {
  store: SweepStore;
  workers: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface LocalRunResult {
  /** Points stored by this run. */
  computed: number;
  /** Points found already stored when the run started. */
  resumed: number;
  /** All points are stored. */
  complete: boolean;
}

export async function saveSweep(store: SweepStore, loaded: LoadedSweep): Promise<void> {
  const { document } = loaded;
  const title = document.sweep.title ?? `${document.scenarioName} sweep`;
  await store.saveSweep(loaded.id, title, JSON.stringify(document), document.points);
}

export async function runLocalSweep(loaded: LoadedSweep, options: LocalRunOptions): Promise<LocalRunResult> {
  const { store, signal } = options;
  const { id, document } = loaded;
  await saveSweep(store, loaded);
  const stored = await store.donePoints(id);
  const resumed = stored.size;
  const todo: number[] = [];
  for (let i = 0; i < document.points; i++) if (!stored.has(i)) todo.push(i);
  let done = resumed;
  options.onProgress?.(done, document.points);
  if (todo.length === 0 || signal?.aborted) return { computed: 0, resumed, complete: todo.length === 0 };

  const pending: StoredPoint[] = [];
  let writing = Promise.resolve();
  const flush = () => {
    if (pending.length === 0) return writing;
    const batch = pending.splice(0);
    writing = writing.then(async () => {
      await store.storePoints(id, batch);
      done += batch.length;
      options.onProgress?.(done, document.points);
    });
    return writing;
  };
  const timer = setInterval(() => void flush(), FLUSH_MS);

  const crashes = new Map<number, number>();
  const children = new Set<ChildProcess>();
  const inFlight = new Map<ChildProcess, Set<number>>();
  let computed = 0;
  let settle: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const outstanding = () => todo.length + [...inFlight.values()].reduce((n, s) => n + s.size, 0);
  const checkDone = () => {
    if (outstanding() === 0 || signal?.aborted) settle?.();
  };

  const record = (result: PointResult, worker: string, elapsedMs: number) => {
    pending.push({ point: result.index, result: JSON.stringify(result), worker, elapsedMs });
    computed += 1;
    if (pending.length >= FLUSH_POINTS) void flush();
  };

  const feed = (child: ChildProcess) => {
    const hand = inFlight.get(child);
    while (hand && hand.size < DEPTH && todo.length > 0 && !signal?.aborted) {
      const index = todo.shift() as number;
      hand.add(index);
      child.send({ type: "point", index } satisfies ToChild);
    }
  };

  const start = () => {
    const child = fork(BIN, ["worker", "--ipc"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const name = `${hostname()}:${child.pid}`;
    children.add(child);
    inFlight.set(child, new Set());
    child.send({ type: "start", document } satisfies ToChild);
    child.on("message", (message: FromChild) => {
      if (message.type !== "result") return;
      inFlight.get(child)?.delete(message.result.index);
      record(message.result, name, message.elapsedMs);
      feed(child);
      checkDone();
    });
    child.on("exit", (code, killedBy) => {
      children.delete(child);
      const lost = [...(inFlight.get(child) ?? [])];
      inFlight.delete(child);
      if (signal?.aborted || (lost.length === 0 && todo.length === 0)) return checkDone();
      // Died with work in hand: put it back, in order, unless a point keeps killing children.
      for (const index of lost.reverse()) {
        const n = (crashes.get(index) ?? 0) + 1;
        crashes.set(index, n);
        if (n >= MAX_CRASHES) {
          const why = `the process computing this point died ${n} times (last: ${killedBy ?? `exit ${code}`})`;
          record({ index, seed: 0, values: [], metrics: {}, error: why }, name, 0);
        } else {
          todo.unshift(index);
        }
      }
      if (outstanding() > 0 && !signal?.aborted) {
        try {
          feed(start());
        } catch (error) {
          fail?.(error as Error);
        }
      }
      checkDone();
    });
    child.on("error", (error) => fail?.(error));
    return child;
  };

  const onAbort = () => settle?.();
  signal?.addEventListener("abort", onAbort);
  try {
    const n = Math.max(1, Math.min(options.workers, todo.length));
    for (let k = 0; k < n; k++) feed(start());
    await finished;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    clearInterval(timer);
    for (const child of children) {
      child.removeAllListeners("exit");
      if (child.connected) child.disconnect();
      child.kill("SIGTERM");
    }
    await flush();
  }
  const complete = (await store.countDone(id)) >= document.points;
  return { computed, resumed, complete };
}
