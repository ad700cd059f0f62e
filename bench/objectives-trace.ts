/**
 * One objective on one generated scenario, every MILP of the search printed as it is solved: the
 * floor it was held to (floor search probes, docs/planner.md "When the bound stalls"), whether it
 * had an objective, its status, the slack of its plan, HiGHS's bound and nodes, and wall and CPU
 * seconds (`process.cpuUsage`, user + system) for the solve and in total. On a loaded machine the
 * CPU column is the figure to judge a time bar by: the wall-clock limit then buys a fraction of a
 * core. With `--baseline` the same search runs a second time in the same process with one step
 * off, side by side: `--off bracket` (the default; the bracketed solve after the first infeasible
 * probe), `--off polish` (each plan raised to its shape's best slack) or `--off first-touch` (the
 * first-touch bound on s, docs/planner.md). `--only-baseline` runs only the search with that step
 * off (to run both in two processes at the same time, each with its own CPU clock).
 *
 *   npx tsx bench/objectives-trace.ts                       # class B seed 2, safety, 60 × 4 × 20, 200 s
 *   npx tsx bench/objectives-trace.ts --objective slack --size 200x6x40 --seed 1 --limit 300
 *   npx tsx bench/objectives-trace.ts --baseline            # also without the bracketed solve
 *   npx tsx bench/objectives-trace.ts --baseline --off polish
 *   npx tsx bench/objectives-trace.ts --objective slack --size 200x6x40 --seed 1 --only-baseline --off first-touch
 *
 * Scenarios as bench/objectives.ts (bench/planner-cases.ts: class A tolerances as generated, class B 10–30).
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  configureSolver,
  findPlan,
  type Objective,
  solveWithHighs,
  warmSolver,
} from "../src/planner/index.ts";
import type { SearchTuning } from "../src/planner/search-settings.ts";
import { benchScenario, cpuSeconds, parseBenchSize } from "./planner-cases.ts";

const { values } = parseArgs({
  options: {
    class: { type: "string", default: "B" },
    seed: { type: "string", default: "2" },
    objective: { type: "string", default: "safety" },
    size: { type: "string", default: "60x4x20" },
    limit: { type: "string", default: "200" },
    baseline: { type: "boolean", default: false },
    "only-baseline": { type: "boolean", default: false },
    off: { type: "string", default: "bracket" },
  },
});
if (values.off !== "bracket" && values.off !== "polish" && values.off !== "first-touch") {
  console.error("--off takes bracket, polish or first-touch");
  process.exit(2);
}
const off = values.off;
/** findPlan's search settings with the switch `--off` names on or off. */
const turn = (on: boolean): SearchTuning =>
  off === "first-touch" ? { strengthenings: { firstTouch: on } } : { floor: { [off]: on } };
const size = parseBenchSize(values.size);
const limit = Number(values.limit);
if (!size || !(limit > 0)) {
  console.error("--size takes MOVESxPARTIESxPHASES and --limit a positive number of seconds");
  process.exit(2);
}
const c = benchScenario(Number(values.seed), size, values.class === "B" ? "B" : "A");
let n = 0;
let runCpu = 0;
configureSolver({
  backend: async (milp, options) => {
    const s = milp.colNames.indexOf("s");
    const startedCpu = cpuSeconds();
    const started = performance.now();
    const r = await solveWithHighs(milp, options);
    const used = cpuSeconds() - startedCpu;
    const slack = s >= 0 && r.values ? r.values[s].toFixed(4) : "";
    console.log(
      `| ${n++} | ${s >= 0 ? milp.colLower[s].toFixed(4) : ""} | ${milp.colCost.some((x) => x !== 0) ? "max s" : "probe"} | ` +
        `${r.status}${r.message ? ` (${r.message})` : ""} | ${slack} | ${r.work?.bound?.toFixed(4) ?? ""} | ` +
        `${r.work?.nodes ?? ""} | ${r.work?.lpIterations ?? ""} | ${milp.colLower.length} | ${((performance.now() - started) / 1000).toFixed(2)} | ${used.toFixed(2)} | ` +
        `${(cpuSeconds() - runCpu).toFixed(2)} | ${loadavg()[0].toFixed(1)} |`,
    );
    return r;
  },
});
await warmSolver();

for (const on of values["only-baseline"] ? [false] : values.baseline ? [true, false] : [true]) {
  n = 0;
  console.log(
    `\nclass ${values.class} seed ${values.seed}, ${values.size}, objective ${values.objective}, ` +
      `limit ${limit} s wall, ${off} ${on ? "on" : "off"}; load average ${loadavg()[0].toFixed(1)} ` +
      `(${new Date().toISOString()})\n`,
  );
  console.log(
    "| MILP | floor | kind | status | s | bound | nodes | LP iterations | columns | wall s | CPU s | CPU s so far | load |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  const started = performance.now();
  runCpu = cpuSeconds();
  const r = await findPlan(c, {
    objective: values.objective as Objective,
    timeLimitSeconds: limit,
    search: turn(on),
  });
  console.log(
    `\n${r.status}, ${r.phases} phases, slack ${r.minSlack}, gap ${r.gap ?? 0}, θ* ${r.safety?.theta ?? ""}; ` +
      `${r.stats.solves} MILPs, wall ${((performance.now() - started) / 1000).toFixed(2)} s, ` +
      `CPU ${(cpuSeconds() - runCpu).toFixed(2)} s; load average ${loadavg()[0].toFixed(1)} (${new Date().toISOString()})`,
  );
}
