/**
 * Simulator throughput, three measurements in one run:
 *
 *  1. engine vs plain loop (one thread, in-process): runs per CPU-second of the engine, beside a
 *     loop that makes exactly the same random draws per run and nothing else
 *     (bench/simulate-loops.ts). Alternated R times; the ratio of each pair is printed.
 *  2. main-thread cost per chunk: merging a chunk's tally and cloning it (what crossing back from
 *     a worker costs), against the CPU cost of the chunk's runs; from these, how far more workers
 *     would scale.
 *  3. the worker pool with 1 and 2 workers (wall clock, CPU of the process and its threads, and
 *     whether the reports are byte-identical, as they must be).
 *
 *   npx tsx bench/simulate.ts [--runs N] [--engine-runs N] [--repeat R] [--scenario NAME]
 *                             [--plan NAME] [--workers 1,2] [--skip-pool]
 */
import { mkdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";
import { buildIfStale, DIST } from "../scripts/build.ts";
import { compileScenario } from "../src/analysis/compile.ts";
import { parseSource, readScenarioSource } from "../src/io/scenario-files.ts";
import { runSimulation } from "../src/io/simulation-pool.ts";
import { CHUNK_RUNS, mergeTallies, preparePlan, simulateRuns } from "../src/simulate/index.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000000" },
    "engine-runs": { type: "string", default: "200000" },
    repeat: { type: "string", default: "5" },
    scenario: { type: "string", default: "korea-2018" },
    plan: { type: "string", default: "phased" },
    workers: { type: "string", default: "1,2" },
    seed: { type: "string", default: "1" },
    "skip-pool": { type: "boolean", default: false },
  },
});
// the workers the compiled CLI uses, unless LOCKSTEP_SIMULATION_WORKER says otherwise ("" = tsx)
if (process.env.LOCKSTEP_SIMULATION_WORKER === undefined) {
  await buildIfStale();
  process.env.LOCKSTEP_SIMULATION_WORKER = join(DIST, "simulation-worker.mjs");
}
const runs = Number(values.runs);
const engineRuns = Number(values["engine-runs"]);
const repeat = Number(values.repeat);
const seed = Number(values.seed);
const settings = values.workers.split(",").map(Number);
const parsed = parseSource(readScenarioSource(values.scenario));
if (!parsed.ok) throw new Error(`${values.scenario}: does not parse`);
const plan = parsed.scenario.plans[values.plan];
if (!plan) throw new Error(`${values.scenario}: no plan '${values.plan}'`);
const compiled = compileScenario(parsed.scenario);
const prepared = preparePlan(compiled, plan);

const cpuSeconds = (since?: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const range = (xs: number[], digits = 0) => {
  const text = (x: number) =>
    x.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${text(Math.min(...xs))}–${text(Math.max(...xs))}`;
};

console.log(
  `${values.scenario} plan '${values.plan}' (${prepared.moves} moves, ${prepared.phases} phases, ` +
    `${prepared.parties} parties); ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)} at start`,
);

// 1. Engine vs plain loop, both bundled as the workers are.
const root = fileURLToPath(new URL("..", import.meta.url));
const loopsFile = join(root, "node_modules", ".cache", "lockstep", "bench-simulate-loops.mjs");
mkdirSync(join(root, "node_modules", ".cache", "lockstep"), { recursive: true });
buildSync({
  entryPoints: [join(root, "bench", "simulate-loops.ts")],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outfile: loopsFile,
  logLevel: "silent",
});
const loops: typeof import("./simulate-loops.ts") = await import(pathToFileURL(loopsFile).href);
const draws = loops.countDraws(prepared, seed, engineRuns);
const drawn = (xs: Int32Array) => xs.reduce((a, b) => a + b, 0) / engineRuns;
console.log(
  `\n1. engine vs plain loop, ${engineRuns.toLocaleString("en")} runs each, ${repeat} alternating pairs ` +
    `(${drawn(draws.uniforms).toFixed(1)} uniforms, of which ${drawn(draws.normals).toFixed(1)} normals' share, per run)`,
);
const engineRates: number[] = [];
const plainRates: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < repeat; r++) {
  let start = process.cpuUsage();
  loops.engineLoop(prepared, seed, engineRuns);
  const engineCpu = cpuSeconds(start);
  start = process.cpuUsage();
  loops.plainLoop(draws, seed);
  const plainCpu = cpuSeconds(start);
  engineRates.push(engineRuns / engineCpu);
  plainRates.push(engineRuns / plainCpu);
  ratios.push(engineCpu / plainCpu);
  console.log(
    `  engine ${Math.round(engineRuns / engineCpu).toLocaleString("en")} runs/CPU-s, ` +
      `plain loop ${Math.round(engineRuns / plainCpu).toLocaleString("en")}: ${(engineCpu / plainCpu).toFixed(2)}×`,
  );
}
console.log(
  `engine ${range(engineRates)} runs per CPU-second; plain loop ${range(plainRates)}; ratio ${range(ratios, 2)}× ` +
    `(median ${[...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)].toFixed(2)}×)`,
);

// 2. What the main thread pays per chunk, against what a chunk's runs cost.
const chunk = simulateRuns(compiled, prepared, { seed, firstRun: 0, runs: CHUNK_RUNS });
const chunkCpu: number[] = [];
for (let r = 0; r < 3; r++) {
  const start = process.cpuUsage();
  loops.engineLoop(prepared, seed, CHUNK_RUNS);
  chunkCpu.push(cpuSeconds(start));
}
let total = chunk;
const mergeStart = process.cpuUsage();
const merges = 200;
for (let r = 0; r < merges; r++) total = mergeTallies(total, structuredClone(chunk));
const perMerge = cpuSeconds(mergeStart) / merges;
const perChunk = Math.min(...chunkCpu);
console.log(
  `\n2. per chunk of ${CHUNK_RUNS.toLocaleString("en")} runs: runs ${(perChunk * 1000).toFixed(1)} ms CPU on a worker; ` +
    `clone + merge on the main thread ${(perMerge * 1000).toFixed(2)} ms. The main thread saturates near ` +
    `${Math.floor(perChunk / perMerge)} workers.`,
);

// 3. The pool.
if (!values["skip-pool"]) {
  console.log(`\n3. pool, ${runs.toLocaleString("en")} runs, alternating, best of ${repeat}`);
  const reports = new Set<string>();
  const best = new Map<number, { seconds: number; cpuSeconds: number }>();
  const speedUps: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const times = new Map<number, number>();
    for (const workers of settings) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const report = await runSimulation({ scenario: parsed.scenario, plan, runs, seed, workers });
      const seconds = (performance.now() - start) / 1000;
      const cpu = cpuSeconds(cpuStart);
      reports.add(JSON.stringify(report));
      times.set(workers, seconds);
      console.log(
        `  ${workers} worker${workers === 1 ? " " : "s"}: ${seconds.toFixed(2)} s (CPU ${cpu.toFixed(2)} s)`,
      );
      const previous = best.get(workers);
      if (!previous || seconds < previous.seconds) best.set(workers, { seconds, cpuSeconds: cpu });
    }
    if (settings.length > 1) speedUps.push(times.get(settings[0])! / times.get(settings.at(-1)!)!);
  }
  for (const workers of settings) {
    const { seconds, cpuSeconds: cpu } = best.get(workers)!;
    console.log(
      `${workers} worker${workers === 1 ? " " : "s"}: ${seconds.toFixed(2)} s, ` +
        `${Math.round(runs / seconds).toLocaleString("en")} runs/s; CPU ${cpu.toFixed(2)} s ` +
        `(${Math.round(runs / cpu).toLocaleString("en")} runs per CPU-second)`,
    );
  }
  if (settings.length > 1) {
    const first = best.get(settings[0])!.seconds;
    const last = best.get(settings.at(-1)!)!.seconds;
    console.log(
      `speed-up ${(first / last).toFixed(2)}× best against best (${settings.at(-1)} vs ${settings[0]} workers); ` +
        `per pair ${range(speedUps, 2)}×`,
    );
  }
  console.log(`reports identical: ${reports.size === 1}`);
}
console.log(`load average ${loadavg()[0].toFixed(1)} at the end`);
