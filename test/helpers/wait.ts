/**
 * Waiting for a condition instead of checking it once. The web app updates the DOM and the address
 * asynchronously after a click, a server prints its lines when it gets to them, and a solve takes
 * as long as the machine needs: a test that checks at one moment passes here and fails on a slower
 * machine. These limits are generous on purpose; a passing check returns as soon as it holds.
 */
import { type ExpectStatic, expect } from "vitest";

/** For DOM, address and output updates that follow an action (no solve or simulation behind them). */
export const UPDATE_MS = 30_000;
/** For anything that waits on a solve or a simulation (the planner, the frontier, a re-plan, a sweep). */
export const SOLVE_MS = 120_000;

/** `expect.poll` with a timeout that suits updates (vitest's default, 1 s, does not). */
export function eventually<T>(read: () => T | Promise<T>, timeout = UPDATE_MS, message?: string) {
  return expect.poll(read, { timeout, interval: 50, message });
}

/**
 * `eventually` on a test's own `expect` (its context's), for tests that run at the same time
 * (`describe.concurrent`, `{ concurrent: true }`): the global `expect.poll` finds its test through
 * vitest's one "current test", which is unset as soon as any of them ends.
 */
export function pollingWith(own: ExpectStatic) {
  return <T>(read: () => T | Promise<T>, timeout = UPDATE_MS, message?: string) =>
    own.poll(read, { timeout, interval: 50, message });
}
export type Eventually = ReturnType<typeof pollingWith>;
