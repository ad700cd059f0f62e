/**
 * Runs once before the tests: brings dist/ up to date with the sources, so every test that spawns
 * `lockstep` runs the compiled CLI built from the code under test (including code that landed
 * since the last build), and the web app likewise. Each is skipped when nothing changed.
 *
 * Then starts the one Chromium the browser tests share (test/web/browser.ts connects to it):
 * each file used to launch its own, about 1.5 CPU-s each. Closed when the run ends.
 */
import type { TestProject } from "vitest/node";
import { buildIfStale } from "../scripts/build.ts";
import { ensureWebBuilt } from "../src/server/web-build.ts";
import { launchTestChromium } from "./helpers/chromium.ts";

interface Started {
  chromiumEndpoint: string;
  close: () => Promise<void>;
}

/**
 * vitest calls a global setup once per project (the root, "suite" and "alone" in
 * vitest.config.ts), each through its own module loader, so module state is not shared; all run
 * in the main vitest process, so `globalThis` is. The first call does the work, the others reuse it.
 */
const SHARED = Symbol.for("lockstep.test.globalSetup");
type Shared = typeof globalThis & { [SHARED]?: Promise<Started> };

/**
 * The three jobs are independent (esbuild in its own process, vite in this one, Chromium in its
 * own), so they run at the same time; on a clean clone the two builds take most of the setup.
 */
async function start(): Promise<Started> {
  const chromium = launchTestChromium();
  // awaited below; until then a failed launch must not count as an unhandled rejection
  chromium.catch(() => {});
  const built = await Promise.allSettled([
    buildIfStale(),
    // Once here rather than in each browser test file: parallel files would build web/dist together.
    ensureWebBuilt(),
  ]);
  const failed = built.find((result) => result.status === "rejected");
  if (failed) {
    // no test runs, so the browser started beside the builds must not outlive the run
    await chromium.then((browser) => browser.close()).catch(() => {});
    throw failed.reason;
  }
  const browser = await chromium;
  return { chromiumEndpoint: browser.wsEndpoint(), close: () => browser.close() };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const shared = globalThis as Shared;
  const first = shared[SHARED] === undefined;
  shared[SHARED] ??= start();
  const started = await shared[SHARED];
  project.provide("chromiumEndpoint", started.chromiumEndpoint);
  if (!first) return undefined;
  // the teardowns run after every project's tests, so the first project's may close it
  return async () => {
    delete shared[SHARED];
    await started.close();
  };
}
