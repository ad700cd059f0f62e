import { parseSource, readScenarioSource } from "../src/io/scenario-files.ts";
import { runSimulation } from "../src/io/simulation-pool.ts";
const parsed = parseSource(readScenarioSource("korea-2018"));
if (!parsed.ok) throw new Error();
for (const workers of [1, 2]) {
  const t0 = performance.now();
  const marks: number[] = [];
  await runSimulation({ scenario: parsed.scenario, plan: parsed.scenario.plans.phased, runs: 1_000_000, seed: 1, workers,
    onProgress: () => marks.push(performance.now() - t0) });
  const total = performance.now() - t0;
  console.log(workers, "first", marks[0].toFixed(0), "second", marks[1].toFixed(0), "last", marks.at(-1)!.toFixed(0), "total", total.toFixed(0),
    "steady per chunk", ((marks.at(-1)! - marks[3]) / (marks.length - 4)).toFixed(1));
}
