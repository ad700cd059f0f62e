/** How the tests and benchmarks start headless Chromium (/usr/bin/chromium, or CHROMIUM_PATH). */
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const CHROMIUM_OPTIONS = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: CHROMIUM_ARGS,
};

/**
 * The tests' Chromium runs WebAssembly on V8's baseline code (Liftoff) only, like the short CLI
 * commands (src/cli/wasm-tier.ts): each page's planner worker loads HiGHS (3.5 MB of wasm), and V8
 * recompiling its hot functions with TurboFan cost more than a test's few searches win back. A
 * safest-plan search on korea-2018 and hanoi-2019's "what it would take", each in a fresh page:
 * 25–26 CPU-s with the default, 13–15 with Liftoff only, and less wall time too
 * (`npx tsx bench/web-checks.ts`, docs/benchmarks.md "Eighth session: the browser walks").
 *
 * JavaScript likewise stops at V8's baseline compiler (`--max-opt=1`: Ignition and Sparkplug, no
 * Maglev or TurboFan). A test page runs each script for moments (the app after every load, axe-core
 * after every load, a few hundred DevTools calls), and V8's optimizing compilers, on Chromium's
 * background threads, cost more than they won back: a third of the renderer's CPU in the layout
 * walk went to them (docs/benchmarks.md, "Ninth session: layouts").
 *
 * The answers are the same; only how fast the code runs differs. `LOCKSTEP_WASM_TIER=optimizing`
 * keeps Chromium's default here too. The benchmarks launch with CHROMIUM_OPTIONS (a user's browser).
 */
export const TEST_CHROMIUM_OPTIONS = {
  ...CHROMIUM_OPTIONS,
  args:
    process.env.LOCKSTEP_WASM_TIER === "optimizing"
      ? CHROMIUM_ARGS
      : [...CHROMIUM_ARGS, "--js-flags=--liftoff-only --max-opt=1"],
};

/**
 * One Chromium for a whole vitest run, started by the global setup (test/global-setup.ts) and
 * closed by it, so it is a child of the main vitest process and its CPU time is counted with the
 * run's (bench/test-time.ts). Each test file connects to it over its WebSocket.
 */
export const launchTestChromium = () => chromium.launchServer(TEST_CHROMIUM_OPTIONS);

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared Chromium's WebSocket endpoint ("" when the global setup started none). */
    chromiumEndpoint: string;
  }
}
