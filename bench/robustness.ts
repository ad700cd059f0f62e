/**
 * Benchmark: the safety factor and every breaking point (MODEL.md §7) of a generated plan, side by
 * side with one plain analysis and with the simplest way to get the same breaking points (one
 * re-analysis per value cell, reading each row's coefficient off the difference).
 * Usage: npx tsx bench/robustness.ts [--moves 200] [--phases 40] [--parties 6] [--repeat 100]
 *
 * The generated plan is not feasible, and §7 is defined for feasible plans only, so the bench
 * hands the robustness functions the plan's rows with `feasible: true`: the work (one pass over
 * every row and coefficient) is the same whether or not the rows hold.
 */
import { parseArgs } from "node:util";
import { analyzePlan, analyzeSchedule } from "../src/analysis/analyze.ts";
import { compileScenario } from "../src/analysis/compile.ts";
import { breakingPoints, safety } from "../src/analysis/robustness.ts";
import { rowValue } from "../src/analysis/rows.ts";
import { Scenario } from "../src/model/schema.ts";
import { generateCase } from "./generate.ts";

const { values } = parseArgs({
  options: {
    moves: { type: "string", default: "200" },
    phases: { type: "string", default: "40" },
    parties: { type: "string", default: "6" },
    repeat: { type: "string", default: "100" },
  },
});
const size = { moves: Number(values.moves), phases: Number(values.phases), parties: Number(values.parties) };
const { scenario, plan } = generateCase({ ...size, seed: 42 });
const c = compileScenario(Scenario.parse(scenario));
const repeat = Number(values.repeat);

function median(run: () => void, times: number): number {
  for (let i = 0; i < Math.min(10, times); i++) run(); // warm-up (JIT)
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const analysis = analyzePlan(c, plan);
const rows = { feasible: true, constraintRows: analysis.constraintRows };
const plain = median(() => analyzePlan(c, plan), repeat);
const robust = median(() => {
  safety(c, rows);
  breakingPoints(c, rows);
}, repeat);

/** The simplest implementation: re-analyse once per value cell with that value moved by 1. */
function naiveBreakingPoints(): number {
  const base = analysis.constraintRows.map((row) => rowValue(c, row));
  let found = 0;
  c.partyIds.forEach((_, i) => {
    for (let m = 0; m < c.moveIds.length; m++) {
      if (c.values.nominal[i][m] === 0) continue;
      c.values.nominal[i][m] += 1;
      const moved = analyzeSchedule(c, analysis.schedule).constraintRows.map((row) => rowValue(c, row));
      c.values.nominal[i][m] -= 1;
      let down = Number.POSITIVE_INFINITY;
      let up = Number.POSITIVE_INFINITY;
      base.forEach((g, r) => {
        const a = moved[r] - g;
        if (a > 1e-12) down = Math.min(down, Math.max(0, g) / a);
        if (a < -1e-12) up = Math.min(up, Math.max(0, g) / -a);
      });
      if (Number.isFinite(down) || Number.isFinite(up)) found++;
    }
  });
  return found;
}
const naiveStart = performance.now();
const naiveFound = naiveBreakingPoints();
const naive = performance.now() - naiveStart;

const points = breakingPoints(c, rows);
console.log(
  `${size.moves} moves × ${size.phases} phases × ${size.parties} parties, ${analysis.constraintRows.length} rows, ` +
    `${points.filter((p) => p.field === "value").length} value cells:\n` +
    `  plain analysis:                        median ${plain.toFixed(2)} ms\n` +
    `  safety factor + all breaking points:   median ${robust.toFixed(2)} ms (${(robust / plain).toFixed(2)}× the analysis; goal < 3×)\n` +
    `  simplest way (one re-analysis per value, ${naiveFound} with a break): ${naive.toFixed(0)} ms, once`,
);
