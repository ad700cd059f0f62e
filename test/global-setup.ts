/**
 * Runs once before the tests: brings dist/ up to date with the sources, so every test that spawns
 * `lockstep` runs the compiled CLI built from the code under test (including code that landed
 * since the last build), and the web app likewise. Each is skipped when nothing changed.
 */
import { buildIfStale } from "../scripts/build.ts";
import { ensureWebBuilt } from "../src/server/web-build.ts";

export default async function setup(): Promise<void> {
  await buildIfStale();
  // Once here rather than in each browser test file: parallel files would build web/dist together.
  await ensureWebBuilt();
}
