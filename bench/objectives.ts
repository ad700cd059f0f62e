/**
 * Objectives benchmark (issue 10, "Bars"): on the same generated scenarios, times side by side in
 * one process the default objective (`phases`), `--objective progress` and `--objective safety`,
 * each one findPlan call, and says whether its result was proven optimal. Prints a markdown table
 * for docs/benchmarks.md, then the two goals:
 *   - progress within 2× the phases objective on the same scenarios (ratio of wall times);
 *   - safety proven (status "optimal") within 30 s on 60 moves × 4 parties × 20 phases.
 *
 *   npx tsx bench/objectives.ts            # seeds 1–3, classes A and B
 *   npx tsx bench/objectives.ts --quick    # seed 1, classes A and B
 *   npx tsx bench/objectives.ts --limit 30 # time limit of each findPlan call, seconds (default 30)
 *
 * Scenarios from test/planner/generate.ts with the settings of bench/planner.ts (class A:
 * tolerances as generated; class B: tolerances 10–30). HiGHS is loaded, and one untimed solve of
 * seed 99 warms it, before timing. Every call's time limit is wall clock (findPlan's deadline);
 * the CPU column (`process.cpuUsage`, user + system) says how much of it the process got, which
 * on a loaded machine can be a small fraction.
 */
import { loadavg } from "node:os";
import { findPlan, type Objective, type PlanResult, warmSolver } from "../src/planner/index.ts";
import { BENCH_CLASSES, benchScenario } from "./planner-cases.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const limitAt = args.indexOf("--limit");
const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : 30;
if (!(limit > 0)) {
  console.error("--limit takes a positive number of seconds");
  process.exit(2);
}
const SAFETY_BAR = 30;
const PROGRESS_BAR = 2;
const size = { moves: 60, parties: 4, horizon: 20 };
const seeds = quick ? [1] : [1, 2, 3];
const objectives: Objective[] = ["phases", "progress", "safety"];

// Load HiGHS, then one untimed solve of another scenario of the same size: the first solve in a
// process runs the wasm before V8 has optimised it (docs/benchmarks.md, Planner) and would
// otherwise be charged to whichever objective happens to run first.
await warmSolver();
await findPlan(benchScenario(99, size), { timeLimitSeconds: 10 });

const header =
  "| class | seed | objective | status | proven | phases | progress | θ* | MILPs | solver s | wall s | CPU s | ÷ phases |";
console.log(
  `${size.moves} moves × ${size.parties} parties × ${size.horizon} phases, limit ${limit} s; ` +
    `load average ${loadavg()[0].toFixed(1)} at start (${new Date().toISOString()})\n`,
);
console.log(header);
console.log(
  `|${header
    .split("|")
    .slice(1, -1)
    .map(() => "---")
    .join("|")}|`,
);

const ratios: Array<{ ratio: number; phasesProven: boolean }> = [];
const safety: Array<{ wall: number; proven: boolean }> = [];
for (const name of BENCH_CLASSES) {
  for (const seed of seeds) {
    const c = benchScenario(seed, size, name);
    let phasesWall = Number.NaN;
    let phasesProven = false;
    for (const objective of objectives) {
      const started = performance.now();
      const before = process.cpuUsage();
      const r: PlanResult = await findPlan(c, { timeLimitSeconds: limit, objective });
      const wall = (performance.now() - started) / 1000;
      const used = process.cpuUsage(before);
      const cpu = (used.user + used.system) / 1e6;
      const proven = r.status === "optimal";
      if (objective === "phases") {
        phasesWall = wall;
        phasesProven = proven;
      }
      const ratio = wall / phasesWall;
      if (objective === "progress") ratios.push({ ratio, phasesProven });
      if (objective === "safety") safety.push({ wall, proven });
      const theta =
        r.safety === undefined || r.safety === null ? "" : r.safety.unbounded ? "∞" : r.safety.theta;
      const s = r.stats;
      console.log(
        `| ${name} | ${seed} | ${objective} | ${r.status} | ${proven ? "yes" : "no"} | ${r.phases} | ` +
          `${r.progress === undefined ? "" : r.progress.toFixed(3)} | ` +
          `${typeof theta === "number" ? theta.toFixed(3) : theta} | ${s.solves} | ${s.seconds.toFixed(2)} | ` +
          `${wall.toFixed(2)} | ${cpu.toFixed(2)} | ${objective === "phases" ? "" : `${ratio.toFixed(2)}×`} |`,
      );
    }
  }
}

// A ratio is only a comparison when the phases objective finished (proven) inside its limit.
const compared = ratios.filter((r) => r.phasesProven).map((r) => r.ratio);
const within = compared.filter((r) => r <= PROGRESS_BAR).length;
const range = (xs: number[], digits: number) =>
  xs.length === 0 ? "none" : `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
console.log(
  `\nprogress ÷ phases: ${range(compared, 2)}× over ${compared.length} scenario(s) with phases proven ` +
    `(${ratios.length - compared.length} left out: phases stopped at its limit); ` +
    `within ${PROGRESS_BAR}× on ${within}/${compared.length}: ${compared.length > 0 && within === compared.length ? "met" : "not met"}`,
);
const provenIn = safety.filter((s) => s.proven && s.wall <= SAFETY_BAR).length;
console.log(
  `safety proven within ${SAFETY_BAR} s: ${provenIn}/${safety.length} ` +
    `(wall ${range(
      safety.map((s) => s.wall),
      2,
    )} s): ${provenIn === safety.length ? "met" : "not met"}`,
);
console.log(`load average ${loadavg()[0].toFixed(1)} at the end (${new Date().toISOString()})`);
