/**
 * How good is the first plan of the largest-slack search (src/planner/incumbent.ts), and where is
 * the LP weak? On one generated scenario: the local search to its optimum (counting the plans it
 * analysed), then "maximise s" at T = horizon with one party's moves held where that plan puts them
 * and every other move free (the MILP of the slack objective, lag indicators integer as in the
 * floor search's probes), once per party, and last with nothing held, side by side in one run. A
 * party's MILP proven at the plan's slack says that no plan keeping that party's schedule does
 * better; the run with nothing held shows the LP bound of the full model. When the plan's least row
 * is an exposure row, two more runs hold only that row's touch indicator, at 1 (the row counts in
 * the minimum slack) and at 0 (docs/planner.md, "Seventh session"); then the other side of that
 * disjunction searched directly (docs/planner.md, "Eighth session"): the local search with the moves
 * that would touch that row held out of its phase, from the earliest placement and from the first
 * plan shifted one phase later, and "maximise s" with the row untouched, at least one move in
 * phase 1 (every plan with a leading idle phase is a shifted copy of one without) and s above the
 * first plan's slack (the cutoff).
 *
 *   npx tsx bench/planner-neighbourhoods.ts                      # class B seed 1, 200 × 6 × 40
 *   npx tsx bench/planner-neighbourhoods.ts --size 60x4x20 --seed 2 --limit 60
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { analyzePlan } from "../src/analysis/index.ts";
import { touchesExposure } from "../src/planner/bounds.ts";
import { extractPlan } from "../src/planner/extract.ts";
import { placementColumns } from "../src/planner/incumbent.ts";
import { earliestPlacement, improvePlacement } from "../src/planner/placement-search.ts";
import { type Context, formulate, now } from "../src/planner/session.ts";
import { solveMilp, warmSolver } from "../src/planner/solver.ts";
import { benchScenario, cpuSeconds, parseBenchSize, slackBenchContext } from "./planner-cases.ts";

const { values } = parseArgs({
  options: {
    class: { type: "string", default: "B" },
    seed: { type: "string", default: "1" },
    size: { type: "string", default: "200x6x40" },
    limit: { type: "string", default: "60" },
  },
});
const size = parseBenchSize(values.size);
const limit = Number(values.limit);
if (!size || !(limit > 0)) {
  console.error("--size takes MOVESxPARTIESxPHASES and --limit a positive number of seconds");
  process.exit(2);
}
const c = benchScenario(Number(values.seed), size, values.class === "B" ? "B" : "A");
const ctx: Context = slackBenchContext(c);
console.log(
  `class ${values.class} seed ${values.seed}, ${values.size}, objective slack at T = ${c.horizon}; ` +
    `load average ${loadavg()[0].toFixed(1)} (${new Date().toISOString()})\n`,
);
let started = cpuSeconds();
const search = improvePlacement(ctx, c.horizon, earliestPlacement(c, ctx.earliest, c.horizon), {
  until: Number.POSITIVE_INFINITY,
  evaluations: Number.POSITIVE_INFINITY,
});
console.log(
  `local search: slack ${search.slack} at its local optimum after ${search.evaluations} plans analysed, ` +
    `${(cpuSeconds() - started).toFixed(2)} CPU-s\n`,
);
if (!(search.slack >= 0)) {
  console.log("no feasible first plan: nothing to compare");
  process.exit(0);
}
const f = formulate(ctx, c.horizon, false);
const base = f.builder.model;
const planColumns = placementColumns(f, search.at, base.colLower.length);
const integerState = [...f.x, ...f.active].flatMap((row) =>
  (row ?? []).slice(1).filter((col) => base.integer[col]),
);
await warmSolver();
// The first plan's least row: when it is an exposure row, the runs below also hold its touch
// indicator at 1 (the row is in the minimum slack) and at 0 (it is not), nothing else held.
const first = analyzePlan(c, extractPlan(c, f, planColumns));
const least = first.constraintRows
  .map((row) => ({
    row,
    g: row.constant + row.coef.reduce((sum, a, m) => sum + a * ctx.values[row.party][m], 0),
  }))
  .sort((p, q) => p.g - q.g)[0]?.row;
const touch = least?.kind === "exposure" ? base.colNames.indexOf(`touch_${least.party}_${least.phase}`) : -1;
const touchName = least ? `${c.partyIds[least.party]}'s exposure row in phase ${least.phase}` : "";
console.log("| held where the first plan puts them | status | s | bound | nodes | CPU s | load |");
console.log("|---|---|---|---|---|---|---|");
const runs: Array<{ held: number; touched?: 0 | 1 }> = [
  ...c.partyIds.map((_, i) => ({ held: i })),
  { held: -1 },
  ...(touch >= 0
    ? [
        { held: -1, touched: 1 as const },
        { held: -1, touched: 0 as const },
      ]
    : []),
];
for (const { held, touched } of runs) {
  const model = structuredClone(base);
  model.colCost = model.colCost.map(() => 0);
  model.colCost[f.slack] = 1;
  model.maximize = true;
  for (const col of f.lags) model.integer[col] = true;
  if (touched !== undefined) {
    model.colLower[touch] = touched;
    model.colUpper[touch] = touched;
  }
  c.moveIds.forEach((_, m) => {
    if (c.actor[m] !== held) return;
    for (const row of [f.x[m], f.active[m] ?? []]) {
      for (let k = 1; k < row.length; k++) {
        model.colLower[row[k]] = planColumns[row[k]];
        model.colUpper[row[k]] = planColumns[row[k]];
      }
    }
  });
  started = cpuSeconds();
  // (with the touch indicator at 0 the first plan is no start: that row is touched in it)
  const start =
    touched === 0
      ? {}
      : { start: { indices: integerState, values: integerState.map((col) => planColumns[col]) } };
  const r = await solveMilp(model, { timeLimitSeconds: limit, ...start });
  // the answer's slack by the analysis, as the planner would report it
  const slack = r.values ? analyzePlan(c, extractPlan(c, f, r.values)).minSlack : undefined;
  console.log(
    `| ${touched !== undefined ? `nothing; ${touchName} ${touched ? "in" : "out of"} the minimum slack` : held < 0 ? "nothing (the full model)" : `${c.partyIds[held]}'s moves`} | ${r.status} | ${slack ?? ""} | ` +
      `${r.work?.bound?.toFixed(4) ?? ""} | ${r.work?.nodes ?? ""} | ${(cpuSeconds() - started).toFixed(2)} | ` +
      `${loadavg()[0].toFixed(1)} |`,
  );
}
if (least?.kind === "exposure" && least.phase !== null && touch >= 0)
  await otherSide(least.party, least.phase);
console.log(`\n(${new Date().toISOString()}, ${now().toFixed(0)} s since the process started)`);

/**
 * The plans whose row (party, phase) is untouched: the local search with every move that would be
 * credited to the party by that phase (and touch the row) started after it, and HiGHS from the
 * cutoff with at least one move in phase 1.
 */
async function otherSide(party: number, phase: number) {
  const touches = (m: number) => touchesExposure(c, party, m);
  const held: number[] = [];
  const visit = (m: number): number => {
    if (held[m] !== undefined) return held[m];
    let start = 1;
    for (const p of c.requires[m]) start = Math.max(start, visit(p) + c.lag[p] + 1);
    if (touches(m) && start + c.creditLag[party][m] <= phase) start = phase + 1 - c.creditLag[party][m];
    held[m] = start;
    return start;
  };
  for (let m = 0; m < c.moveIds.length; m++) visit(m);
  const sideCtx: Context = { ...ctx, earliest: held };
  const out = c.moveIds.filter((_, m) => held[m] > ctx.earliest[m]).length;
  console.log(`\nThe other side: ${touchName} untouched (${out} moves start later than they could)\n`);
  console.log("| start of the local search | slack at its local optimum | plans analysed | CPU s |");
  console.log("|---|---|---|---|");
  const starts: Array<[string, number[]]> = [
    ["earliest placement", earliestPlacement(c, held, c.horizon)],
    ["the first plan, one phase later", search.at.map((k) => (k > 0 && k < c.horizon ? k + 1 : k))],
  ];
  for (const [name, at] of starts) {
    started = cpuSeconds();
    const r = improvePlacement(sideCtx, c.horizon, at, {
      until: Number.POSITIVE_INFINITY,
      evaluations: Number.POSITIVE_INFINITY,
    });
    console.log(`| ${name} | ${r.slack} | ${r.evaluations} | ${(cpuSeconds() - started).toFixed(2)} |`);
  }
  const model = structuredClone(base);
  model.colCost = model.colCost.map(() => 0);
  model.colCost[f.slack] = 1;
  model.maximize = true;
  for (const col of f.lags) model.integer[col] = true;
  model.colLower[touch] = 0;
  model.colUpper[touch] = 0;
  model.colLower[f.slack] = search.slack * (1 + 1e-7);
  const phaseOne = c.moveIds.flatMap((_, m) =>
    ctx.earliest[m] > 1 ? [] : [{ col: f.active[m]?.[1] ?? f.x[m][1], coef: 1 }],
  );
  model.rowLower.push(1);
  model.rowUpper.push(Number.POSITIVE_INFINITY);
  model.rowNames?.push("some.move.in.phase.1");
  for (const { col, coef } of phaseOne) {
    model.indices.push(col);
    model.values.push(coef);
  }
  model.starts.push(model.indices.length);
  started = cpuSeconds();
  const r = await solveMilp(model, { timeLimitSeconds: limit });
  const slack = r.values ? analyzePlan(c, extractPlan(c, f, r.values)).minSlack : undefined;
  console.log(
    `\nHiGHS, maximise s from s > ${search.slack} with ${touchName} untouched and a move in phase 1: ` +
      `${r.status}, slack ${slack ?? "none"}, bound ${r.work?.bound?.toFixed(4) ?? "none"}, ` +
      `${r.work?.nodes ?? ""} nodes, ${(cpuSeconds() - started).toFixed(2)} CPU-s (load ${loadavg()[0].toFixed(1)})`,
  );
}
