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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildIfStale();
  // Once here rather than in each browser test file: parallel files would build web/dist together.
  await ensureWebBuilt();
  const chromium = await launchTestChromium();
  project.provide("chromiumEndpoint", chromium.wsEndpoint());
  return async () => {
    await chromium.close();
  };
}
