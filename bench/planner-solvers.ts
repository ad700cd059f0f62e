/**
 * The default planner path (HiGHS-wasm, warm) beside the native solvers on the same model, in one
 * run. For each case: findPlan with HiGHS records the MILPs it solves; the first one (the model at
 * the plan's number of phases) is exported as free MPS and solved by `glpsol` and `cbc` straight
 * from the file (process start and file reading included, as a user of --export would run them).
 * Printed: HiGHS's time on that MILP, findPlan's total, each binary's wall time and status, and
 * HiGHS ÷ best native. Each time is wall clock and, in brackets, CPU seconds (user + system:
 * `process.cpuUsage` around the HiGHS solve, `/usr/bin/time` around each binary). On a loaded
 * machine the CPU times are the fairer comparison: a short native run and a longer wasm run get
 * different shares of the cores, but each uses the same CPU time whatever the load. The ratio is
 * given both ways.
 *
 *   npx tsx bench/planner-solvers.ts [--limit 60] [--repeat 1] [--cases a60,b200,bslack200]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  configureSolver,
  exportNames,
  findPlan,
  type Milp,
  type Objective,
  type SolveResult,
  solveWithHighs,
  warmSolver,
  writeModel,
} from "../src/planner/index.ts";
import { type BenchClass, benchScenario } from "./planner-cases.ts";

const { values } = parseArgs({
  options: {
    limit: { type: "string", default: "60" },
    repeat: { type: "string", default: "1" },
    cases: { type: "string", default: "a60,b60,a200,b200,bslack200" },
  },
});
const limit = Number(values.limit);
const CASES: Record<
  string,
  { size: [number, number, number]; objective: Objective; benchClass: BenchClass }
> = {
  a60: { size: [60, 4, 20], objective: "phases", benchClass: "A" },
  b60: { size: [60, 4, 20], objective: "phases", benchClass: "B" },
  a200: { size: [200, 6, 40], objective: "phases", benchClass: "A" },
  b200: { size: [200, 6, 40], objective: "phases", benchClass: "B" },
  bslack200: { size: [200, 6, 40], objective: "slack", benchClass: "B" },
};

const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-solvers-"));
await warmSolver();
// One untimed solve of another scenario of the same size: the first solve in a process runs the
// wasm before V8 has optimised it, and would otherwise be charged to whichever case runs first.
// The same generator settings as the cases (divisible moves included): a warm-up without them
// left a60's first round at 3.6 CPU-s against 0.9 in the second (30 Nov, 14:0x UTC).
await findPlan(benchScenario(99, { moves: 60, parties: 4, horizon: 20 }), { timeLimitSeconds: 10 });
console.log(`time limit ${limit} s; load average ${loadavg()[0].toFixed(1)} at start`);
console.log(
  "| case | model | HiGHS first MILP s [CPU s] | findPlan total s | glpsol s [CPU s] | cbc s [CPU s] | HiGHS ÷ best native, wall [CPU] |",
);
console.log("|---|---|---|---|---|---|---|");

const TIMED = /^LOCKSTEP_CPU ([\d.]+) ([\d.]+)$/m;

function native(binary: "glpsol" | "cbc", file: string): { seconds: number; cpu: number; status: string } {
  const args =
    binary === "glpsol"
      ? ["--freemps", file, "--tmlim", String(limit), "--mipgap", "1e-9"]
      : ["-import", file, "-sec", String(limit), "-ratioGap", "1e-9", "-solve"];
  const started = performance.now();
  // /usr/bin/time reports the child's CPU time on stderr (GNU time's -f format).
  const run = spawnSync("/usr/bin/time", ["-f", "LOCKSTEP_CPU %U %S", binary, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const timed = TIMED.exec(run.stderr ?? "");
  const cpu = timed ? Number(timed[1]) + Number(timed[2]) : Number.NaN;
  const out = run.stdout ?? "";
  const status =
    binary === "glpsol"
      ? /INTEGER OPTIMAL/.test(out)
        ? "optimal"
        : /TIME LIMIT/.test(out)
          ? "limit"
          : "other"
      : /Result - Optimal/.test(out)
        ? "optimal"
        : /Stopped on time/.test(out)
          ? "limit"
          : "other";
  return { seconds, cpu, status };
}

for (let r = 0; r < Number(values.repeat); r++) {
  for (const name of values.cases.split(",")) {
    const { size, objective, benchClass } = CASES[name];
    const [moves, parties, horizon] = size;
    const c = benchScenario(1, { moves, parties, horizon }, benchClass);
    const solved: Array<{ milp: Milp; result: SolveResult; cpu: number }> = [];
    configureSolver({
      backend: async (milp, options) => {
        const before = process.cpuUsage();
        const result = await solveWithHighs(milp, options);
        const used = process.cpuUsage(before);
        solved.push({ milp, result, cpu: (used.user + used.system) / 1e6 });
        return result;
      },
    });
    const started = performance.now();
    const report = await findPlan(c, { objective, timeLimitSeconds: limit });
    const total = (performance.now() - started) / 1000;
    configureSolver({});
    const first = solved[0];
    const file = join(dir, `${name}.mps`);
    writeFileSync(file, writeModel(first.milp, "mps", { names: exportNames(c, first.milp) }));
    const glpk = native("glpsol", file);
    const cbc = native("cbc", file);
    const optimal = (run: { status: string }, x: number) =>
      run.status === "optimal" ? x : Number.POSITIVE_INFINITY;
    const best = Math.min(optimal(glpk, glpk.seconds), optimal(cbc, cbc.seconds));
    const bestCpu = Math.min(optimal(glpk, glpk.cpu), optimal(cbc, cbc.cpu));
    const h = first.result;
    const gap = h.gap !== undefined && h.status !== "optimal" ? `, gap ${(h.gap * 100).toFixed(0)}%` : "";
    const ratio = (x: number, y: number) => (Number.isFinite(y) ? `${(x / y).toFixed(1)}×` : "—");
    console.log(
      `| ${name} ${moves}×${parties}×${horizon} ${objective} | ${first.milp.colLower.length}×${first.milp.rowLower.length} | ` +
        `${h.seconds.toFixed(2)} [${first.cpu.toFixed(2)}] (${h.status}${gap}) | ${total.toFixed(2)} (${report.status}) | ` +
        `${glpk.seconds.toFixed(2)} [${glpk.cpu.toFixed(2)}] (${glpk.status}) | ${cbc.seconds.toFixed(2)} [${cbc.cpu.toFixed(2)}] (${cbc.status}) | ` +
        `${ratio(h.seconds, best)} [${ratio(first.cpu, bestCpu)}] |`,
    );
  }
}
console.log(`load average ${loadavg()[0].toFixed(1)} at the end`);
rmSync(dir, { recursive: true, force: true });
