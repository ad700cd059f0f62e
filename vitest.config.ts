import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    env: {
      // In-process simulations (the pool and server tests) run their workers from the build the
      // global setup made from the same sources, as the CLI does, instead of through tsx.
      LOCKSTEP_SIMULATION_WORKER: fileURLToPath(new URL("dist/simulation-worker.mjs", import.meta.url)),
      // and the server's planner threads likewise (src/io/planner-pool.ts)
      LOCKSTEP_PLANNER_WORKER: fileURLToPath(new URL("dist/planner-worker.mjs", import.meta.url)),
    },
    // generous: the CI machine may be 2–3× slower than this one, and a solve or a spawned CLI under load
    // takes what it takes (the tests wait for conditions; these limits only end a hung test)
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
