/**
 * The browser's simulation (web/src/workers/simulation-runs.ts) against the server's pool: the same
 * scenario, plan, runs and seed must give the same report, byte for byte, on one chunk and on two.
 */
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import { resolvePlan } from "../../src/analysis/doctrines.ts";
import { parseSource, readScenarioSource } from "../../src/io/scenario-files.ts";
import { runSimulation } from "../../src/io/simulation-pool.ts";
import { BROWSER_MAX_RUNS, simulateLocally } from "../../web/src/workers/simulation-runs.ts";

function loadBuiltinScenario(name: string) {
  const parsed = parseSource(readScenarioSource(name));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  return parsed.scenario;
}

describe("simulation in the browser worker", () => {
  // 1,500 runs fit in one of the pool's chunks; 20,000 take two of CHUNK_RUNS = 16,384, so the second
  // case also shows the browser splits and merges runs exactly as the pool does.
  for (const runs of [1500, BROWSER_MAX_RUNS]) {
    it(`gives the server's report for ${runs} runs of korea-2018`, async () => {
      const scenario = loadBuiltinScenario("korea-2018");
      const lookup = resolvePlan(compileScenario(scenario), "phased");
      if (!lookup.ok) throw new Error(lookup.message);
      const progress: number[] = [];
      const local = simulateLocally({
        scenario,
        plan: lookup.plan,
        planName: "phased",
        runs,
        seed: 7,
        onProgress: (done) => progress.push(done),
      });
      const server = await runSimulation({
        scenario,
        plan: lookup.plan,
        planName: "phased",
        runs,
        seed: 7,
        workers: 2,
      });
      expect(local).toEqual(server);
      expect(local.runs).toBe(runs);
      expect(progress.length).toBeGreaterThan(2);
      expect(progress.at(-1)).toBe(runs);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    });
  }
});
