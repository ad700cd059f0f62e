/**
 * Benchmark: perspectives (MODEL.md §9) beside one plain analysis, in one run. Each of the parties
 * holds a view that misjudges a tenth of every other party's values and one figure of each other
 * party, so every view changes every other party's rows (the most a view can cost).
 * Plain: compile + analyzePlan. With views: compile + analyzePlan + analyzePerspectives (the views
 * are compiled afresh each time: the memo is per compiled scenario).
 * Usage: npx tsx bench/views.ts [--moves 200] [--phases 40] [--parties 6] [--repeat 40] [--belief tolerance|discount]
 */
import { parseArgs } from "node:util";
import { analyzePlan } from "../src/analysis/analyze.ts";
import { compileScenario } from "../src/analysis/compile.ts";
import { analyzePerspectives } from "../src/analysis/perspectives.ts";
import { Scenario, type ScenarioInput } from "../src/model/schema.ts";
import { generateCase } from "./generate.ts";

const { values } = parseArgs({
  options: {
    moves: { type: "string", default: "200" },
    phases: { type: "string", default: "40" },
    parties: { type: "string", default: "6" },
    repeat: { type: "string", default: "40" },
    // "discount": views misjudge each other party's discount instead of its tolerance, which
    // changes the margin weights, so those rows are recomputed rather than re-dotted.
    belief: { type: "string", default: "tolerance" },
  },
});
const size = { moves: Number(values.moves), phases: Number(values.phases), parties: Number(values.parties) };
const { scenario, plan } = generateCase({ ...size, seed: 42 });

/** Every party misjudges every 10th value of each other party by 20%, and each other party's tolerance. */
function withViews(input: ScenarioInput): ScenarioInput {
  const views: NonNullable<ScenarioInput["views"]> = {};
  for (const viewer of input.parties) {
    const cells: Record<string, Record<string, number>> = {};
    input.moves.forEach((move, m) => {
      if (m % 10 !== 0) return;
      for (const [party, value] of Object.entries(move.value ?? {})) {
        if (party === viewer.id) continue;
        const nominal = typeof value === "number" ? value : (value[0] + value[1]) / 2;
        cells[move.id] = { ...cells[move.id], [party]: nominal * 1.2 };
      }
    });
    const parties = Object.fromEntries(
      input.parties
        .filter((p) => p.id !== viewer.id)
        .map((p) => [p.id, { tolerance: (p.tolerance ?? 0) * 0.8 }]),
    );
    views[viewer.id] = { values: cells, parties };
  }
  return { ...input, views };
}

const plain = Scenario.parse(scenario);
const viewed = Scenario.parse(withViews(scenario));
const runPlain = () => analyzePlan(compileScenario(plain), plan);
const runViews = () => {
  const c = compileScenario(viewed);
  return analyzePerspectives(c, analyzePlan(c, plan));
};

for (let i = 0; i < 5; i++) {
  runPlain();
  runViews();
}
const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < Number(values.repeat); i++) {
  let start = performance.now();
  runPlain();
  a.push(performance.now() - start);
  start = performance.now();
  runViews();
  b.push(performance.now() - start);
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const p = runViews()!;
console.log(
  `${size.moves} moves × ${size.phases} phases × ${size.parties} parties, ${size.parties} views (${values.belief}) ` +
    `(${p.report.surprises.length} surprises, ${p.report.fears.length} fears): plain analysis median ` +
    `${median(a).toFixed(1)} ms; analysis with views ${median(b).toFixed(1)} ms; ratio ${(median(b) / median(a)).toFixed(2)}× ` +
    `(${values.repeat} runs, interleaved)`,
);
