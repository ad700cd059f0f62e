/**
 * Simulator throughput: runs per second of a built-in plan with 1 and 2 workers (and whether the
 * two reports are byte-identical, as they must be).
 *   npx tsx bench/simulate.ts [--runs N] [--scenario NAME] [--plan NAME] [--workers 1,2]
 * Wall-clock times include starting the worker threads (each loads TypeScript through tsx). CPU
 * time (this process and its threads) is printed too: on a shared machine the wall-clock speed-up
 * depends on what else runs, while CPU seconds per run show whether the work splits without waste.
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { parseSource, readScenarioSource } from "../src/io/scenario-files.ts";
import { runSimulation } from "../src/io/simulation-pool.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000000" },
    scenario: { type: "string", default: "korea-2018" },
    plan: { type: "string", default: "phased" },
    workers: { type: "string", default: "1,2" },
    seed: { type: "string", default: "1" },
  },
});
const runs = Number(values.runs);
const parsed = parseSource(readScenarioSource(values.scenario));
if (!parsed.ok) throw new Error(`${values.scenario}: does not parse`);
const plan = parsed.scenario.plans[values.plan];
if (!plan) throw new Error(`${values.scenario}: no plan '${values.plan}'`);

console.log(
  `${values.scenario} plan '${values.plan}', ${runs.toLocaleString("en")} runs; ` +
    `${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at start`,
);
const reports: string[] = [];
const rates: number[] = [];
for (const workers of values.workers.split(",").map(Number)) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const report = await runSimulation({
    scenario: parsed.scenario,
    plan,
    runs,
    seed: Number(values.seed),
    workers,
  });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  rates.push(runs / seconds);
  reports.push(JSON.stringify(report));
  console.log(
    `${workers} worker${workers === 1 ? " " : "s"}: ${seconds.toFixed(2)} s, ` +
      `${Math.round(runs / seconds).toLocaleString("en")} runs/s; CPU ${cpuSeconds.toFixed(2)} s ` +
      `(${Math.round(runs / cpuSeconds).toLocaleString("en")} runs per CPU-second); P(complete) ${report.completion.p}`,
  );
}
if (rates.length > 1) console.log(`speed-up ${(rates[rates.length - 1] / rates[0]).toFixed(2)}x`);
console.log(`reports identical: ${reports.every((r) => r === reports[0])}`);
