/**
 * One floor probe of the largest-slack search (docs/planner.md, "When the bound stalls") on a
 * generated scenario, at a number of phases of your choice: the MILP of the slack objective with
 * s held at or above `--floor`, no objective, the lag indicators integer. A plan it finds is a plan
 * within the horizon too (a plan of fewer phases embeds in a longer one), so a probe on a shorter
 * model is a cheap way to look for plans, while only a probe at the horizon bounds the slack
 * (docs/planner.md, "Eighth session"). Prints the answer, the plan's slack by the analysis, its
 * least rows, and the CPU seconds of the solve (user + system).
 *
 *   npx tsx bench/slack-probe.ts --phases 15 --floor 59      # 200 × 6 × 40, class B seed 1: a plan
 *   npx tsx bench/slack-probe.ts --phases 40 --floor 60.4    # the same at the horizon: infeasible
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { analyzePlan } from "../src/analysis/index.ts";
import { describeRow, rowDependsOnValues, rowValue } from "../src/analysis/rows.ts";
import { extractPlan } from "../src/planner/extract.ts";
import { type Context, formulate } from "../src/planner/session.ts";
import { solveMilp, warmSolver } from "../src/planner/solver.ts";
import { benchScenario, cpuSeconds, parseBenchSize, slackBenchContext } from "./planner-cases.ts";

const { values } = parseArgs({
  options: {
    class: { type: "string", default: "B" },
    seed: { type: "string", default: "1" },
    size: { type: "string", default: "200x6x40" },
    phases: { type: "string", default: "15" },
    floor: { type: "string", default: "59" },
    limit: { type: "string", default: "900" },
  },
});
const size = parseBenchSize(values.size);
const phases = Number(values.phases);
const floor = Number(values.floor);
const limit = Number(values.limit);
if (!size || !(phases > 0) || !(limit > 0) || !(floor >= 0) || phases > size.horizon) {
  console.error(
    "--size MOVESxPARTIESxPHASES, --phases at most the horizon, --floor ≥ 0, --limit seconds > 0",
  );
  process.exit(2);
}
const c = benchScenario(Number(values.seed), size, values.class === "B" ? "B" : "A");
const ctx: Context = slackBenchContext(c);
const f = formulate(ctx, phases, false);
const model = structuredClone(f.builder.model);
model.colCost = model.colCost.map(() => 0);
model.colLower[f.slack] = floor;
for (const col of f.lags) model.integer[col] = true;
console.log(
  `class ${values.class} seed ${values.seed}, ${values.size}, slack objective at ${phases} phases ` +
    `(${model.colLower.length} columns, ${model.rowLower.length} rows, U = ${model.colUpper[f.slack]}), ` +
    `probe s ≥ ${floor}; load average ${loadavg()[0].toFixed(1)} (${new Date().toISOString()})`,
);
await warmSolver();
const started = cpuSeconds();
const r = await solveMilp(model, { timeLimitSeconds: limit });
const used = cpuSeconds() - started;
console.log(`${r.status}, ${r.work?.nodes ?? ""} nodes, ${used.toFixed(2)} CPU-s`);
if (r.values) {
  const plan = extractPlan(c, f, r.values);
  const a = analyzePlan(c, plan);
  console.log(`plan: feasible ${a.feasible}, minimum slack ${a.minSlack} (the analysis's); least rows:`);
  a.constraintRows
    .filter((row) => rowDependsOnValues(c, row))
    .map((row) => ({ row, g: rowValue(c, row) }))
    .sort((p, q) => p.g - q.g)
    .slice(0, 5)
    .forEach(({ row, g }) => {
      console.log(`  ${g.toFixed(4)}  ${describeRow(c, row)}`);
    });
  console.log(JSON.stringify(plan));
}
