/**
 * Planner benchmark: generated scenarios of growing size (moves × parties × horizon), solved with
 * the default objective (fewest phases, then largest minimum slack). Prints a markdown table of
 * model size and time for docs/benchmarks.md.
 *
 *   npx tsx bench/planner.ts            # the full table (a few minutes)
 *   npx tsx bench/planner.ts --quick    # the two sizes the issue names, one seed each
 *   npx tsx bench/planner.ts --compare-first-plan [--seeds 20]
 *     # the default objective with the plain first plan and with the ninth session's (splits,
 *     # leximin; phases-first-plan.ts) on 20 × 3 × 8, 40 × 4 × 12 and 60 × 4 × 20, classes A and B: same
 *     # status, phases, minimum slack and plan?
 *
 * Each row is one call of findPlan with the time limit of its size (5 s up to 60 moves, else 60 s).
 *
 * Two classes of scenario (bench/planner-cases.ts, from test/planner/generate.ts):
 *   A  tolerances as generated (often 0 for some party): the slack optimum is the smallest
 *      tolerance, reached by any feasible plan, so proving optimality is quick;
 *   B  large tolerances (10–30): the slack is decided by the incentive margins, and the bound
 *      HiGHS must close is the hard part of the problem.
 */
import { parseArgs } from "node:util";
import { findPlan, type Objective, type PlanResult } from "../src/planner/index.ts";
import { BENCH_CLASSES, type BenchClass, benchScenario, cpuSeconds } from "./planner-cases.ts";

interface Size {
  moves: number;
  parties: number;
  horizon: number;
  limit: number;
}

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "compare-first-plan": { type: "boolean", default: false },
    seeds: { type: "string", default: "20" },
  },
});
const quick = args.quick;

if (args["compare-first-plan"]) {
  await compareFirstPlans(Number(args.seeds));
  process.exit(0);
}
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

/**
 * The same scenarios planned with each first plan: the optimum (status, phases, minimum slack) must
 * not change; the plan itself may only where the tie-break (earliest of equal plans) stopped at its
 * node budget, which the solver's path decides. CPU seconds side by side.
 */
async function compareFirstPlans(count: number) {
  const sizes = [
    { moves: 20, parties: 3, horizon: 8 },
    { moves: 40, parties: 4, horizon: 12 },
    { moves: 60, parties: 4, horizon: 20 },
  ];
  const differ: string[] = [];
  let same = 0;
  let samePlan = 0;
  const cpu = { plain: 0, split: 0 };
  for (const name of BENCH_CLASSES) {
    for (const size of sizes) {
      for (let seed = 1; seed <= count; seed++) {
        const c = benchScenario(seed, size, name);
        const run = async (split: boolean): Promise<PlanResult> => {
          const before = cpuSeconds();
          const result = await findPlan(c, { timeLimitSeconds: 60, search: { firstPlan: { split } } });
          cpu[split ? "split" : "plain"] += cpuSeconds() - before;
          return result;
        };
        const plain = await run(false);
        const split = await run(true);
        const where = `${name} ${size.moves}×${size.parties}×${size.horizon} seed ${seed}`;
        const close = (a: number | null, b: number | null) =>
          a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a)));
        if (
          plain.status !== split.status ||
          plain.phases !== split.phases ||
          !close(plain.minSlack, split.minSlack)
        ) {
          differ.push(
            `${where}: plain ${plain.status} ${plain.phases} ${plain.minSlack}, split ${split.status} ${split.phases} ${split.minSlack}`,
          );
        } else same++;
        if (samePlans(plain.plan, split.plan)) samePlan++;
        else console.log(`${where}: same optimum, another plan (${plain.status})`);
      }
    }
  }
  const total = BENCH_CLASSES.length * sizes.length * count;
  console.log(
    `${total} scenarios: ${same} with the same status, phases and minimum slack, ${samePlan} with the same plan; ` +
      `CPU s plain ${cpu.plain.toFixed(1)}, split ${cpu.split.toFixed(1)}`,
  );
  for (const line of differ) console.log(`DIFFERS ${line}`);
}

/** The same phases for every move, and a divisible move's shares equal to the solver's tolerance. */
function samePlans(a: PlanResult["plan"], b: PlanResult["plan"]): boolean {
  const ids = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const id of ids) {
    const x = a[id];
    const y = b[id];
    if (typeof x !== "object" || typeof y !== "object") {
      if (x !== y) return false;
      continue;
    }
    const phases = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of phases) if (!(Math.abs((x[k] ?? 0) - (y[k] ?? 0)) <= 1e-6)) return false;
  }
  return true;
}
