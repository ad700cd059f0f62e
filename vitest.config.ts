import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { LongestFirst } from "./test/sequencer.ts";

/**
 * Test files that measure the server's responsiveness under attack (a p99 against a baseline
 * window taken just before). Another test file running beside them would take CPU in one window
 * and not in the other, so they run after everything else, one at a time.
 */
const ALONE = ["test/limits/attacks.test.ts"];

/**
 * Test files at a time: two. The files are written to run side by side: each sets up its own
 * server on port 0, temporary directory and PostgreSQL database, and the attack test, the one that
 * measures timing, runs alone after the others (the "alone" project). Longest file first
 * (test/sequencer.ts), so the browser walks don't end the run alone. A clean-clone `.ci/run` near
 * idle with two passed 692 of 692 in 481 s of vitest, against 631–681 s with vitest's default of
 * one on this 2-core machine (docs/benchmarks.md, "Test suite"). The suite needs about 650–700
 * CPU seconds, so on 2 cores a third worker only fills the time the browser files wait, and its
 * runs under load starved Chromium pages. `LOCKSTEP_TEST_WORKERS=N npm test` overrides it.
 */
const WORKERS = process.env.LOCKSTEP_TEST_WORKERS ? Number(process.env.LOCKSTEP_TEST_WORKERS) : 2;

export default defineConfig({
  test: {
    globalSetup: ["test/global-setup.ts"],
    env: {
      // In-process simulations (the pool and server tests) run their workers from the build the
      // global setup made from the same sources, as the CLI does, instead of through tsx.
      LOCKSTEP_SIMULATION_WORKER: fileURLToPath(new URL("dist/simulation-worker.mjs", import.meta.url)),
      // and the server's planner threads likewise (src/io/planner-pool.ts)
      LOCKSTEP_PLANNER_WORKER: fileURLToPath(new URL("dist/planner-worker.mjs", import.meta.url)),
      // and a SQLite file store's append thread (src/store/append-thread.ts)
      LOCKSTEP_APPEND_WORKER: fileURLToPath(new URL("dist/append-worker.mjs", import.meta.url)),
    },
    // generous: the CI machine may be 2–3× slower than this one, and a solve or a spawned CLI under load
    // takes what it takes (the tests wait for conditions; these limits only end a hung test)
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    // One module graph per worker, not per file: each file re-imported zod, fastify, playwright
    // and the HiGHS WebAssembly (about 1 CPU-second a file, 97 files). The files already clean
    // up after themselves (servers, pools, databases, environment variables), as they must to
    // run side by side.
    isolate: false,
    maxWorkers: WORKERS,
    // the longest files first (test/durations.json), so no long file ends the run alone
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: { name: "suite", include: ["test/**/*.test.ts"], exclude: ALONE },
      },
      {
        extends: true,
        test: { name: "alone", include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
