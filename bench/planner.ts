/**
 * Planner benchmark: generated scenarios of growing size (moves × parties × horizon), solved with
 * the default objective (fewest phases, then largest minimum slack). Prints a markdown table of
 * model size and time for docs/benchmarks.md.
 *
 *   npx tsx bench/planner.ts            # the full table (a few minutes)
 *   npx tsx bench/planner.ts --quick    # the two sizes the issue names, one seed each
 *
 * Each row is one call of findPlan with the time limit of its size (5 s up to 60 moves, else 60 s).
 *
 * Two classes of scenario (bench/planner-cases.ts, from test/planner/generate.ts):
 *   A  tolerances as generated (often 0 for some party): the slack optimum is the smallest
 *      tolerance, reached by any feasible plan, so proving optimality is quick;
 *   B  large tolerances (10–30): the slack is decided by the incentive margins, and the bound
 *      HiGHS must close is the hard part of the problem.
 */
import { findPlan, type Objective } from "../src/planner/index.ts";
import { BENCH_CLASSES, type BenchClass, benchScenario } from "./planner-cases.ts";

interface Size {
  moves: number;
  parties: number;
  horizon: number;
  limit: number;
}

const quick = process.argv.includes("--quick");
const sizes: Size[] = quick
  ? [
      { moves: 60, parties: 4, horizon: 20, limit: 5 },
      { moves: 200, parties: 6, horizon: 40, limit: 60 },
    ]
  : [
      { moves: 10, parties: 2, horizon: 10, limit: 5 },
      { moves: 30, parties: 3, horizon: 15, limit: 5 },
      { moves: 60, parties: 4, horizon: 20, limit: 5 },
      { moves: 100, parties: 5, horizon: 30, limit: 60 },
      { moves: 200, parties: 6, horizon: 40, limit: 60 },
    ];
const seeds = quick ? [1] : [1, 2, 3];

const header =
  "| class | objective | moves × parties × horizon | seed | phases | variables | constraints | nonzeros | MILPs | solver s | total s | status | gap |";
console.log(header);
console.log(
  `|${header
    .split("|")
    .slice(1, -1)
    .map(() => "---")
    .join("|")}|`,
);

async function run(name: BenchClass, size: Size, seed: number, objective: Objective) {
  const c = benchScenario(seed, size, name);
  const started = performance.now();
  const r = await findPlan(c, { timeLimitSeconds: size.limit, objective });
  const total = (performance.now() - started) / 1000;
  const s = r.stats;
  const gap = r.gap === undefined ? "" : `${(r.gap * 100).toFixed(1)}%`;
  console.log(
    `| ${name} | ${objective} | ${size.moves} × ${size.parties} × ${size.horizon} | ${seed} | ${r.phases} | ` +
      `${s.variables} | ${s.constraints} | ${s.nonzeros} | ${s.solves} | ${s.seconds.toFixed(2)} | ${total.toFixed(2)} | ` +
      `${r.status} | ${gap} |`,
  );
}

// The default objective: the first MILP is at the fewest phases the prerequisites allow.
for (const name of BENCH_CLASSES) {
  for (const size of sizes) for (const seed of seeds) await run(name, size, seed, "phases");
}
// Largest slack over the whole horizon: the full-size model (T = horizon), the hardest case.
for (const name of BENCH_CLASSES) {
  for (const size of sizes.filter((s) => s.moves === 60 || s.moves === 200))
    await run(name, size, 1, "slack");
}
