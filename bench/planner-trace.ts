/**
 * Each MILP findPlan solves on benchmark cases, with its CPU time, status, the slack column's
 * bounds, HiGHS's nodes and LP iterations, and the planner function that asked for it (the first
 * frames of the stack below `solveMilp`): where a search's time goes after its first MILP.
 *
 *   npx tsx bench/planner-trace.ts [--cases B3,B4] [--size 60x4x20] [--limit 600]
 *
 * CPU seconds (`process.cpuUsage`), so the figures hold under load; with `--limit 600` no
 * wall-clock share (the direct MILP's, the tie-break's backstop) ends a solve, and the path is the
 * one a near-idle 60 s run takes.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { configureSolver, findPlan, solveWithHighs, warmSolver } from "../src/planner/index.ts";
import { type BenchClass, benchScenario } from "./planner-cases.ts";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "B3,B4" },
    size: { type: "string", default: "60x4x20" },
    limit: { type: "string", default: "600" },
  },
});
const [moves, parties, horizon] = values.size.split("x").map(Number);
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/** The planner functions between `solveMilp` and findPlan, innermost first. */
const callers = (stack: string) =>
  stack
    .split("\n")
    .slice(3, 7)
    .map((line) => /at (?:async )?(\S+)/.exec(line)?.[1] ?? "?")
    .join(" < ");

await warmSolver();
console.log(`limit ${values.limit} s; load average ${loadavg()[0].toFixed(1)}`);
for (const id of values.cases.split(",")) {
  const c = benchScenario(Number(id.slice(1)), { moves, parties, horizon }, id[0] as BenchClass);
  const lines: string[] = [];
  configureSolver({
    backend: async (milp, options) => {
      const caller = callers(new Error().stack ?? "");
      const s = milp.colNames.indexOf("s");
      const before = cpuNow();
      const r = await solveWithHighs(milp, options);
      lines.push(
        `  ${(cpuNow() - before).toFixed(3)} ${r.status}${r.message ? ` (${r.message})` : ""} objective ${r.objective?.toFixed(5)} ` +
          `s in [${milp.colLower[s]}, ${milp.colUpper[s]?.toFixed(4)}] nodes ${r.work?.nodes} LP ${r.work?.lpIterations}` +
          `${options.highsOptions ? ` ${JSON.stringify(options.highsOptions)}` : ""} :: ${caller}`,
      );
      return r;
    },
  });
  const before = cpuNow();
  const report = await findPlan(c, { timeLimitSeconds: Number(values.limit) });
  const total = cpuNow() - before;
  configureSolver({});
  console.log(
    `${id}: ${total.toFixed(2)} CPU-s, ${report.status} ${report.minSlack} at ${report.phases} phases`,
  );
  for (const line of lines) console.log(line);
}
console.log(`load average ${loadavg()[0].toFixed(1)} at the end`);
