/**
 * One planner search per scenario text and options in this tab. A search is deterministic, and
 * the safest plan with its frontier takes tens of solves, so several views that need it (the
 * briefing, the frontier panel, "Find the best plan") share one search while it runs, and its
 * answer is kept in sessionStorage so a reload or another visit does not search again.
 *
 * A view that stops waiting (the briefing left before its search ended) passes an AbortSignal;
 * when no one waits for a search any more it is stopped, so it does not hold up the next one.
 *
 * Only answers the caller calls complete are kept: a search its time limit cut short depends on
 * how busy the machine was, and keeping it made that bad luck stick for the tab (a frontier that
 * came back empty under load never appeared, even after a reload).
 */

const PREFIX = "lockstep:plan:";
/** Answers kept in this tab; the oldest is dropped first. */
const KEEP = 24;

interface Stored<T> {
  key: string;
  value: T;
}

interface Running<T> {
  promise: Promise<T>;
  /** Callers that have not given up (a caller without a signal never does). */
  waiting: number;
  stop: AbortController;
}

const running = new Map<string, Running<unknown>>();

/** A short, stable name for a long key (FNV-1a, 32 bits, in base 36). */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

function storage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
}

function read<T>(key: string): T | undefined {
  const text = storage()?.getItem(PREFIX + digest(key));
  if (!text) return undefined;
  try {
    const stored = JSON.parse(text) as Stored<T>;
    // Two keys may share a digest: the full key decides.
    return stored.key === key ? stored.value : undefined;
  } catch {
    return undefined;
  }
}

function write<T>(key: string, value: T): void {
  const store = storage();
  if (!store) return;
  const name = PREFIX + digest(key);
  const order = `${PREFIX}order`;
  try {
    const kept = (JSON.parse(store.getItem(order) ?? "[]") as string[]).filter((n) => n !== name);
    kept.push(name);
    while (kept.length > KEEP) store.removeItem(kept.shift() as string);
    store.setItem(name, JSON.stringify({ key, value } satisfies Stored<T>));
    store.setItem(order, JSON.stringify(kept));
  } catch {
    // A full storage only costs a repeated search.
  }
}

export class Abandoned extends Error {
  constructor() {
    super("the search was abandoned");
    this.name = "AbortError";
  }
}

/**
 * The answer for `key`: kept, already being searched (shared), or searched now by `search`.
 * Rejects with `Abandoned` when `signal` aborts first. An answer is kept for later visits, and
 * a kept one used, only when `keep` says so.
 */
export function shared<T>(
  key: string,
  search: (stop: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
  keep: (value: T) => boolean = () => true,
): Promise<T> {
  const kept = read<T>(key);
  // an answer kept before this rule (or by an older version of the app) may be one cut short
  if (kept !== undefined && keep(kept)) return Promise.resolve(kept);
  if (signal?.aborted) return Promise.reject(new Abandoned());
  let entry = running.get(key) as Running<T> | undefined;
  if (!entry) {
    const stop = new AbortController();
    const promise = search(stop.signal).then((value) => {
      if (keep(value)) write(key, value);
      return value;
    });
    const started: Running<T> = { promise, waiting: 0, stop };
    entry = started;
    running.set(key, started);
    // Whatever the outcome, the next caller starts afresh or reads the kept answer.
    promise.then(
      () => running.get(key) === started && running.delete(key),
      () => running.get(key) === started && running.delete(key),
    );
  }
  const current = entry;
  current.waiting++;
  if (!signal) return current.promise;
  return new Promise<T>((resolve, reject) => {
    const giveUp = () => {
      current.waiting--;
      reject(new Abandoned());
      if (current.waiting === 0 && running.get(key) === current) {
        running.delete(key);
        current.stop.abort();
      }
    };
    signal.addEventListener("abort", giveUp, { once: true });
    current.promise.then(
      (value) => {
        signal.removeEventListener("abort", giveUp);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", giveUp);
        reject(error);
      },
    );
  });
}
