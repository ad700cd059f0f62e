/**
 * Benchmark: one analysis (MODEL.md §2–5, nominal and worst case, explanations) of a generated plan.
 * Usage: npx tsx bench/analysis.ts [--moves 200] [--phases 40] [--parties 6] [--repeat 200]
 */
import { parseArgs } from "node:util";
import { analyzePlan } from "../src/analysis/analyze.ts";
import { compileScenario } from "../src/analysis/compile.ts";
import { Scenario } from "../src/model/schema.ts";
import { generateCase } from "./generate.ts";

const { values } = parseArgs({
  options: {
    moves: { type: "string", default: "200" },
    phases: { type: "string", default: "40" },
    parties: { type: "string", default: "6" },
    repeat: { type: "string", default: "200" },
  },
});
const size = { moves: Number(values.moves), phases: Number(values.phases), parties: Number(values.parties) };
const { scenario, plan } = generateCase({ ...size, seed: 42 });
const compiled = compileScenario(Scenario.parse(scenario));

for (let i = 0; i < 20; i++) analyzePlan(compiled, plan); // warm-up (JIT)
const times: number[] = [];
for (let i = 0; i < Number(values.repeat); i++) {
  const start = performance.now();
  analyzePlan(compiled, plan);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
const result = analyzePlan(compiled, plan);
console.log(
  `analysis of ${size.moves} moves × ${size.phases} phases × ${size.parties} parties ` +
    `(${result.violations.length} violations explained): median ${pick(0.5)} ms, p95 ${pick(0.95)} ms, max ${pick(1)} ms over ${times.length} runs`,
);
