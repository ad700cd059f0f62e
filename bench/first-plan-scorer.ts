/**
 * The first plan with the incremental scorer (placement-score.ts) against the same search scoring
 * every step by a full analysis, old against new in one process: on generated scenarios of the
 * planner benchmarks (bench/planner-cases.ts, classes A and B), the phases objective's first plan
 * (`phasesFirstPlan`) and the slack objective's (`improvePlacement`) at the fewest phases that fit
 * and the next two, with the call's evaluation budget and no wall clock (so each side does the same
 * work on any machine). Prints, per size, how many searches returned the same placement, splits,
 * slack and number of plans scored (all of them must), and the CPU seconds of each side.
 *
 *   npx tsx bench/first-plan-scorer.ts [--seeds 1-40] [--sizes 20x3x8,40x4x12,60x4x20]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { earliestStarts, fewestPossiblePhases } from "../src/planner/bounds.ts";
import { FIRST_PLAN } from "../src/planner/incumbent.ts";
import { phasesFirstPlan } from "../src/planner/phases-first-plan.ts";
import { earliestPlacement, improvePlacement } from "../src/planner/placement-search.ts";
import { searchSettings } from "../src/planner/search-settings.ts";
import type { Context } from "../src/planner/session.ts";
import {
  BENCH_CLASSES,
  benchScenario,
  cpuSeconds,
  parseBenchSize,
  slackBenchContext,
} from "./planner-cases.ts";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "1-40" },
    sizes: { type: "string", default: "20x3x8,40x4x12,60x4x20" },
  },
});
const [from, to = from] = values.seeds.split("-").map(Number);

/** The slack benches' context (planner-cases.ts), with this search's objective and scorer. */
function context(
  c: ReturnType<typeof benchScenario>,
  objective: "phases" | "slack",
  incremental: boolean,
): Context {
  return { ...slackBenchContext(c), objective, search: searchSettings({ firstPlan: { incremental } }) };
}

/** One search, old or new: what it returned, and its CPU seconds. */
function search(
  c: ReturnType<typeof benchScenario>,
  objective: "phases" | "slack",
  phases: number,
  incremental: boolean,
) {
  const ctx = context(c, objective, incremental);
  const budget = { until: Number.POSITIVE_INFINITY, evaluations: FIRST_PLAN.evaluations };
  const start = earliestPlacement(ctx.c, ctx.earliest, phases);
  const before = cpuSeconds();
  const found =
    ctx.objective === "phases"
      ? phasesFirstPlan(ctx, phases, start, budget)
      : { ...improvePlacement(ctx, phases, start, budget), splits: undefined };
  const cpu = cpuSeconds() - before;
  const { at, splits, slack, evaluations } = found;
  return { result: JSON.stringify({ at, splits, slack, evaluations }), cpu, evaluations };
}

console.log(`load average ${loadavg()[0].toFixed(1)} at start; seeds ${from}–${to}, classes A and B`);
console.log(
  "| size | searches | same result | plans scored | full analysis CPU s | incremental CPU s | ratio |",
);
console.log("|---|---|---|---|---|---|---|");
let differences = 0;
for (const text of values.sizes.split(",")) {
  const size = parseBenchSize(text)!;
  let searches = 0;
  let same = 0;
  let scored = 0;
  let oldCpu = 0;
  let newCpu = 0;
  for (const benchClass of BENCH_CLASSES) {
    for (let seed = from; seed <= to; seed++) {
      const c = benchScenario(seed, size, benchClass);
      const fewest = fewestPossiblePhases(c, earliestStarts(c));
      for (const objective of ["phases", "slack"] as const) {
        const tries = objective === "slack" ? [c.horizon] : [fewest, fewest + 1, fewest + 2];
        for (const phases of tries.filter((t) => t <= c.horizon)) {
          // alternate which side runs first, so neither always gets the warmer process
          const sides = searches % 2 === 0 ? [false, true] : [true, false];
          const [a, b] = sides.map((incremental) => search(c, objective, phases, incremental));
          const [old, fresh] = sides[0] ? [b, a] : [a, b];
          searches++;
          scored += old.evaluations;
          oldCpu += old.cpu;
          newCpu += fresh.cpu;
          if (old.result === fresh.result) same++;
          else {
            differences++;
            console.error(`differs: ${text} ${benchClass} seed ${seed} ${objective} T=${phases}`);
          }
        }
      }
    }
  }
  console.log(
    `| ${text} | ${searches} | ${same} | ${scored} | ${oldCpu.toFixed(2)} | ${newCpu.toFixed(2)} | ${(oldCpu / newCpu).toFixed(1)}× |`,
  );
}
console.log(`load average ${loadavg()[0].toFixed(1)} at the end`);
process.exit(differences === 0 ? 0 : 1);
