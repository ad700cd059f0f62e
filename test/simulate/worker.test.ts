/**
 * The simulation workers' module: the compiled CLI runs the bundle `npm run build` writes, and it
 * must give what the TypeScript sources give (loaded through tsx in each worker).
 */
import { afterEach, describe, expect, it } from "vitest";
import { readScenarioSource } from "../../src/io/scenario-files.ts";
import { runSimulation, workerEntry } from "../../src/io/simulation-pool.ts";
import { parseScenario } from "../../src/model/parse.ts";
import { lockstep } from "../helpers/cli.ts";

const saved = process.env.LOCKSTEP_SIMULATION_WORKER;
afterEach(() => {
  if (saved === undefined) delete process.env.LOCKSTEP_SIMULATION_WORKER;
  else process.env.LOCKSTEP_SIMULATION_WORKER = saved;
});

describe("the workers' module", () => {
  it("is the built bundle the test setup names, and the tsx entry without one", () => {
    expect(workerEntry()).toMatch(/\/dist\/simulation-worker\.mjs$/);
    delete process.env.LOCKSTEP_SIMULATION_WORKER;
    expect(workerEntry()).toMatch(/\/src\/io\/simulation-worker\.cjs$/);
  });

  it("gives the compiled CLI's report byte for byte when the workers load the TypeScript sources", async () => {
    // 40,000 runs make three chunks, so both workers run code from the module under test
    const args = ["simulate", "korea-2018", "--plan", "phased", "--runs", "40000", "--seed", "7"];
    const compiled = lockstep([...args, "--workers", "2", "--json"]);
    expect(compiled.status, compiled.stderr).toBe(0);

    delete process.env.LOCKSTEP_SIMULATION_WORKER;
    const parsed = parseScenario(readScenarioSource("korea-2018").text, "korea-2018.yaml");
    if (!parsed.ok) throw new Error("korea-2018 does not parse");
    const fromSources = await runSimulation({
      scenario: parsed.scenario,
      plan: parsed.scenario.plans.phased,
      planName: "phased",
      runs: 40000,
      seed: 7,
      workers: 2,
    });
    expect(JSON.parse(compiled.stdout).runs).toBe(40000);
    expect(`${JSON.stringify(fromSources, null, 2)}\n`).toBe(compiled.stdout);
  });
});
