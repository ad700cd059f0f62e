/**
 * Simulator throughput: runs per second of a built-in plan with 1 and 2 workers (and whether the
 * reports are byte-identical, as they must be).
 *   npx tsx bench/simulate.ts [--runs N] [--repeat R] [--scenario NAME] [--plan NAME] [--workers 1,2]
 * Wall-clock times include starting the worker threads (each loads the bundled task, or the
 * TypeScript sources through tsx with LOCKSTEP_SIMULATION_BUNDLE=0). Each setting runs R times,
 * alternating settings, and the fastest time counts: on a shared machine the slower repeats
 * measure the neighbours. CPU time (this process and its threads) is printed too:
 * it shows whether the work splits without waste whatever else runs.
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { parseSource, readScenarioSource } from "../src/io/scenario-files.ts";
import { runSimulation } from "../src/io/simulation-pool.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000000" },
    repeat: { type: "string", default: "3" },
    scenario: { type: "string", default: "korea-2018" },
    plan: { type: "string", default: "phased" },
    workers: { type: "string", default: "1,2" },
    seed: { type: "string", default: "1" },
  },
});
const runs = Number(values.runs);
const repeat = Number(values.repeat);
const settings = values.workers.split(",").map(Number);
const parsed = parseSource(readScenarioSource(values.scenario));
if (!parsed.ok) throw new Error(`${values.scenario}: does not parse`);
const plan = parsed.scenario.plans[values.plan];
if (!plan) throw new Error(`${values.scenario}: no plan '${values.plan}'`);

console.log(
  `${values.scenario} plan '${values.plan}', ${runs.toLocaleString("en")} runs, best of ${repeat}; ` +
    `${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at start`,
);
const reports = new Set<string>();
const best = new Map<number, { seconds: number; cpuSeconds: number }>();
for (let r = 0; r < repeat; r++) {
  for (const workers of settings) {
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
    reports.add(JSON.stringify(report));
    console.log(
      `  ${workers} worker${workers === 1 ? " " : "s"}: ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s)`,
    );
    const previous = best.get(workers);
    if (!previous || seconds < previous.seconds) best.set(workers, { seconds, cpuSeconds });
  }
}
for (const workers of settings) {
  const { seconds, cpuSeconds } = best.get(workers)!;
  console.log(
    `${workers} worker${workers === 1 ? " " : "s"}: ${seconds.toFixed(2)} s, ` +
      `${Math.round(runs / seconds).toLocaleString("en")} runs/s; CPU ${cpuSeconds.toFixed(2)} s ` +
      `(${Math.round(runs / cpuSeconds).toLocaleString("en")} runs per CPU-second)`,
  );
}
if (settings.length > 1) {
  const first = best.get(settings[0])!.seconds;
  const last = best.get(settings[settings.length - 1])!.seconds;
  console.log(
    `speed-up ${(first / last).toFixed(2)}x (${settings[settings.length - 1]} vs ${settings[0]} workers)`,
  );
}
console.log(`reports identical: ${reports.size === 1}`);
