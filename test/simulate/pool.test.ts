/** runSimulation, the API the server calls: worker threads give what the pure engine gives. */
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import { CHUNK_RUNS, runSimulation, SimulationInputError } from "../../src/io/simulation-pool.ts";
import { parseScenario } from "../../src/model/parse.ts";
import { createTally, mergeTallies, simulateRuns, summarize } from "../../src/simulate/index.ts";

const parsed = parseScenario(
  `
id: pool-test
parties: [{ id: a, tolerance: 1 }, { id: b, tolerance: 1 }]
moves:
  - { id: give, actor: a, value: { a: -1, b: [3, 5] }, feasibility: 0.9, verify: { falseAlarm: 0.05 } }
  - { id: pay, actor: b, value: { a: 4, b: -1 }, feasibility: 0.8 }
risk: { hazard: 0.05, noise: { a: 1 }, response: generous, forgive: 0.5 }
`,
  "pool-test.yaml",
);
if (!parsed.ok) throw new Error("the test scenario does not parse");
const scenario = parsed.scenario;
const plan = { give: 1, pay: 2 };

describe("runSimulation", () => {
  it("gives on worker threads exactly what the engine gives chunk by chunk in run order", async () => {
    const runs = 2 * CHUNK_RUNS + 100;
    const progress: number[] = [];
    const report = await runSimulation({
      scenario,
      plan,
      runs,
      seed: 9,
      workers: 2,
      onProgress: (done) => progress.push(done),
    });
    const compiled = compileScenario(scenario);
    let tally = createTally(compiled.partyIds.length, 2);
    for (let firstRun = 0; firstRun < runs; firstRun += CHUNK_RUNS) {
      const chunk = simulateRuns(compiled, plan, {
        seed: 9,
        firstRun,
        runs: Math.min(CHUNK_RUNS, runs - firstRun),
      });
      tally = mergeTallies(tally, chunk);
    }
    const expected = summarize(tally, {
      partyIds: compiled.partyIds,
      seed: 9,
      response: "generous",
      scenario: "pool-test",
    });
    expect(report).toEqual(expected);
    expect(progress.at(-1)).toBe(runs);
    expect(progress).toHaveLength(3);
  });

  it("returns an empty partial report when aborted before it starts", async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await runSimulation({ scenario, plan, runs: 1000, seed: 1, signal: controller.signal });
    expect(report.partial).toBe(true);
    expect(report.runs).toBe(0);
  });

  it("rejects bad requests with every problem named", async () => {
    const request = {
      scenario,
      plan,
      runs: 0,
      seed: -1,
      workers: 0,
      overrides: { hazard: 2, response: "nice" },
    };
    const error = await runSimulation(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulationInputError);
    const message = (error as Error).message;
    for (const field of ["runs:", "seed:", "workers:", "hazard:", "response:"])
      expect(message).toContain(field);
  });
});
