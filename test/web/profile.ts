/**
 * Where a browser test file's time goes: `LOCKSTEP_WEB_PROFILE=1 npx vitest run test/web/layouts.test.ts`
 * times every Playwright call the file makes on a page or a locator (waits, `evaluate`, clicks,
 * reloads, resizes, screenshots) and each axe-core check, and prints one table per file when its
 * workbench closes: calls, seconds and the slowest call of each kind. Off (the default), nothing is
 * wrapped and nothing is timed.
 *
 * A call made inside another timed call (a locator's `click` inside a helper that is timed already)
 * counts once, for the outermost; calls of tests that run at the same time each count their own
 * time, so the total can exceed the file's wall clock.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Page } from "playwright-core";

export const PROFILING = Boolean(process.env.LOCKSTEP_WEB_PROFILE);

interface Tally {
  calls: number;
  seconds: number;
  slowest: number;
}

const tallies = new Map<string, Tally>();
const inside = new AsyncLocalStorage<true>();
const WRAPPED = Symbol.for("lockstep.web-profile");

function record(name: string, start: number): void {
  const seconds = (performance.now() - start) / 1000;
  const tally = tallies.get(name) ?? { calls: 0, seconds: 0, slowest: 0 };
  tally.calls++;
  tally.seconds += seconds;
  tally.slowest = Math.max(tally.slowest, seconds);
  tallies.set(name, tally);
}

/** Runs `work`, counted under `name` when profiling (and not already inside a timed call). */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILING || inside.getStore()) return work();
  const start = performance.now();
  try {
    return await inside.run(true, work);
  } finally {
    record(name, start);
  }
}

/** Every method of `proto` that returns a promise timed as `kind.method`. */
function wrapPrototype(proto: object, kind: string): void {
  const target = proto as Record<string | symbol, unknown>;
  if (target[WRAPPED]) return;
  target[WRAPPED] = true;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === "constructor" || name.startsWith("_")) continue;
    const original = Object.getOwnPropertyDescriptor(proto, name)?.value;
    if (typeof original !== "function") continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (inside.getStore()) return original.apply(this, args);
      const start = performance.now();
      // inside the store, so the calls it makes in turn are not counted again
      const result = inside.run(true, () => original.apply(this, args));
      // only the calls that wait: `page.locator()` and the like return at once
      if (!(result instanceof Promise)) return result;
      return result.finally(() => record(`${kind}.${name}`, start));
    };
  }
}

/**
 * Wraps the methods of the Page and Locator classes (found through a page, since playwright-core
 * does not export them) once per process. A no-op unless profiling.
 */
export function profilePage(page: Page): void {
  if (!PROFILING) return;
  wrapPrototype(Object.getPrototypeOf(page), "page");
  wrapPrototype(Object.getPrototypeOf(page.locator("body")), "locator");
  wrapPrototype(Object.getPrototypeOf(page.keyboard), "keyboard");
}

/** The table so far, slowest kind first, then cleared (one table per test file). */
export function profileReport(file: string): string {
  const rows = [...tallies.entries()].sort((a, b) => b[1].seconds - a[1].seconds);
  tallies.clear();
  const total = rows.reduce((sum, [, t]) => sum + t.seconds, 0);
  const lines = rows.map(
    ([name, t]) =>
      `${name.padEnd(28)} ${String(t.calls).padStart(6)} ${t.seconds.toFixed(1).padStart(8)} ${t.slowest
        .toFixed(2)
        .padStart(8)}`,
  );
  return [
    `web profile: ${file}`,
    `${"call".padEnd(28)} ${"calls".padStart(6)} ${"seconds".padStart(8)} ${"slowest".padStart(8)}`,
    ...lines,
    `${"total (timed calls)".padEnd(28)} ${"".padStart(6)} ${total.toFixed(1).padStart(8)}`,
  ].join("\n");
}
