/**
 * The default planner path (HiGHS-wasm, warm) beside the native solvers on the same model, in one
 * run. For each case and seed: findPlan with HiGHS records the MILPs it solves; the first one (the
 * model at the plan's number of phases) is exported as free MPS and solved by `glpsol` and `cbc`
 * straight from the file (process start and file reading included, as a user of --export would run
 * them). HiGHS-wasm also solves that same MILP once more on its own, to the end (no stall rule,
 * the time limit alone), with the first plan from the analysis as its start, as findPlan hands it:
 * that is the figure compared with the binaries, which solve the whole model too. findPlan's own
 * first solve may stop early (its stall rule hands over to the floor search), and its total
 * includes the tie-break, so both are printed but neither is the ratio.
 *
 * Times are CPU seconds (user + system: `process.cpuUsage` around the HiGHS solve, `/usr/bin/time`
 * around each binary). On a machine shared by other work the CPU times are the fair comparison:
 * a short native run and a longer wasm run get different shares of the cores, but each uses the
 * same CPU time whatever the load. Wall times are in the JSON lines (`--json`).
 *
 * "Warm": V8 compiles the wasm with its baseline tier first and optimises hot functions only after
 * they have run for a while, so the first MILPs in a process cost several times the later ones
 * (A seed 1: 2.0, 1.3, 0.23, 0.20, 0.18, 0.15, 0.13 CPU-s for the same model). `--warm N` solves N
 * untimed MILPs of other seeds first (default 8, which reaches the plateau here); the server keeps
 * one solver for its lifetime, so the plateau is what it runs at. `--warm 0` shows a cold process.
 *
 * `--native-highs` also solves each MPS file with a native HiGHS when one is at hand: the HiGHS
 * build inside Python's SciPy (`scipy.optimize._highspy`), run with `python3`. It is not a solver
 * the planner can use (nothing on npm or in Debian ships a native HiGHS for Node); it separates
 * what the WebAssembly costs from what HiGHS's own algorithm costs on these models. `--highs-options`
 * applies to it as to the WebAssembly HiGHS.
 *
 * `--first-plan plain,split` runs findPlan once per variant of the phases objective's first plan
 * (phases-first-plan.ts): `plain`, the local search over placements as the eighth session had it; `split`,
 * the default since the ninth (splits of divisible moves, then leximin); `split-full`, the same
 * search scoring every step by a full analysis, as before the eleventh session's incremental scorer
 * (placement-score.ts: the same plan, less CPU). The binaries solve the
 * exported model once per case and seed (the model does not depend on the first plan). The ratio
 * of the bar is findPlan's whole CPU time (the default path: first plan, every MILP, tie-break,
 * floor probes, checks) over the best native solver's; HiGHS loading is printed apart (the server
 * pays it once; `lockstep plan` once per call).
 *
 *   npx tsx bench/planner-solvers.ts [--limit 60] [--repeat 1] [--cases a60,b60,a200,b200,bslack200]
 *     [--seeds 1] [--warm 8] [--first-plan split] [--native-highs]
 *     [--highs-options '{"mip_heuristic_effort":0}']
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
  type SolveOptions,
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
    seeds: { type: "string", default: "1" },
    warm: { type: "string", default: "8" },
    "native-highs": { type: "boolean", default: false },
    "first-plan": { type: "string", default: "split" },
    "highs-options": { type: "string", default: "{}" },
    json: { type: "boolean", default: false },
  },
});
const limit = Number(values.limit);
const highsOptions = JSON.parse(values["highs-options"]) as Record<string, boolean | number | string>;
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

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const variants = values["first-plan"].split(",");
for (const variant of variants) {
  if (variant !== "plain" && variant !== "split" && variant !== "split-full") {
    console.error(`--first-plan: 'plain', 'split' or 'split-full' (got '${variant}')`);
    process.exit(2);
  }
}

const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-solvers-"));
const loadBefore = cpuNow();
await warmSolver();
const loadCpu = cpuNow() - loadBefore;
// Untimed solves of other scenarios of the benchmark's generator (divisible moves included), so
// that V8 has optimised the wasm before the first timed case (see the header).
const warmCosts: number[] = [];
for (let n = 0; warmCosts.length < Number(values.warm); n++) {
  const benchClass: BenchClass = n % 2 === 0 ? "A" : "B";
  configureSolver({
    backend: async (milp, options) => {
      const before = cpuNow();
      const result = await solveWithHighs(milp, options);
      warmCosts.push(cpuNow() - before);
      return result;
    },
  });
  await findPlan(benchScenario(90 + n, { moves: 60, parties: 4, horizon: 20 }, benchClass), {
    timeLimitSeconds: 10,
  });
  configureSolver({});
}
console.log(
  `time limit ${limit} s; load average ${loadavg()[0].toFixed(1)} at start; loading HiGHS ${loadCpu.toFixed(2)} CPU-s; ` +
    `${warmCosts.length} warm-up MILPs, CPU s: ${warmCosts.map((x) => x.toFixed(2)).join(" ")}`,
);
if (Object.keys(highsOptions).length > 0) console.log(`HiGHS options: ${JSON.stringify(highsOptions)}`);
console.log(
  "| case | seed | model | first plan: slack [CPU to first MILP] | findPlan: first MILP [total] | HiGHS-wasm, model alone | glpsol | cbc |" +
    (values["native-highs"] ? " native HiGHS |" : "") +
    " findPlan ÷ best native | model alone ÷ best native |",
);
console.log(`|---|---|---|---|---|---|---|---|${values["native-highs"] ? "---|" : ""}---|---|`);

const TIMED = /^LOCKSTEP_CPU ([\d.]+) ([\d.]+)$/m;

interface Run {
  seconds: number;
  cpu: number;
  status: string;
  objective?: number;
}

function native(binary: "glpsol" | "cbc", file: string): Run {
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

// SciPy's HiGHS, single-threaded, with the planner's tolerances and then --highs-options (the same
// options the WebAssembly side gets, so an option set is compared on both); an option HiGHS does not
// take ends the run with its name as the status. The solve alone is timed (the MPS file is read
// first), in the Python process's own CPU clock.
const NATIVE_HIGHS = `
import sys, time, json
from scipy.optimize._highspy import _core as hc
h = hc._Highs()
h.setOptionValue("output_flag", False)
opts = {"primal_feasibility_tolerance": 1e-9, "mip_feasibility_tolerance": 1e-9, "mip_rel_gap": 1e-9,
        "mip_abs_gap": 1e-10, "threads": 1, "time_limit": float(sys.argv[2])}
opts.update(json.loads(sys.argv[3]))
for k, v in opts.items():
  if h.setOptionValue(k, v) != hc.HighsStatus.kOk:
    print(json.dumps({"cpu": None, "seconds": None, "status": "rejected option " + k}))
    sys.exit(0)
h.readModel(sys.argv[1])
c0 = time.process_time(); w0 = time.perf_counter()
h.run()
status = h.modelStatusToString(h.getModelStatus())
print(json.dumps({"cpu": time.process_time() - c0, "seconds": time.perf_counter() - w0,
  "status": "optimal" if status == "Optimal" else status, "version": h.version()}))
`;

function nativeHighs(file: string): Run & { version?: string } {
  const run = spawnSync("python3", ["-c", NATIVE_HIGHS, file, String(limit), JSON.stringify(highsOptions)], {
    encoding: "utf8",
  });
  try {
    const out = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "");
    // a rejected option has no times (null in JSON)
    return { ...out, seconds: out.seconds ?? Number.NaN, cpu: out.cpu ?? Number.NaN };
  } catch {
    return { seconds: Number.NaN, cpu: Number.NaN, status: "unavailable" };
  }
}

const cell = (r: Run) => `${r.cpu.toFixed(2)} (${r.status})`;
const ratio = (x: number, y: number) => (Number.isFinite(y) && y > 0 ? `${(x / y).toFixed(1)}×` : "—");

/** findPlan with one variant of the first plan, each MILP it solves recorded with its CPU time. */
async function defaultPath(c: ReturnType<typeof benchScenario>, objective: Objective, variant: string) {
  const solved: Array<{ milp: Milp; options: SolveOptions; result: SolveResult; cpu: number }> = [];
  let beforeFirst = Number.NaN;
  const cpuBefore = cpuNow();
  configureSolver({
    backend: async (milp, options) => {
      const before = cpuNow();
      if (solved.length === 0) beforeFirst = before - cpuBefore;
      const result = await solveWithHighs(milp, {
        ...options,
        highsOptions: { ...highsOptions, ...options.highsOptions },
      });
      solved.push({ milp, options, result, cpu: cpuNow() - before });
      return result;
    },
  });
  const report = await findPlan(c, {
    objective,
    timeLimitSeconds: limit,
    search: { firstPlan: { split: variant !== "plain", incremental: variant !== "split-full" } },
  });
  const totalCpu = cpuNow() - cpuBefore;
  configureSolver({});
  return { report, solved, totalCpu, beforeFirst };
}

/** The first plan's slack: the first MILP's start, completed by HiGHS with its integer columns fixed. */
async function startSlack(milp: Milp, start: SolveOptions["start"]) {
  if (!start) return Number.NaN;
  const fixed = structuredClone(milp);
  start.indices.forEach((col, n) => {
    fixed.colLower[col] = start.values[n];
    fixed.colUpper[col] = start.values[n];
  });
  const result = await solveWithHighs(fixed, { timeLimitSeconds: limit });
  return result.objective ?? Number.NaN;
}

for (let r = 0; r < Number(values.repeat); r++) {
  for (const name of values.cases.split(",")) {
    for (const seed of values.seeds.split(",").map(Number)) {
      const { size, objective, benchClass } = CASES[name];
      const [moves, parties, horizon] = size;
      const c = benchScenario(seed, { moves, parties, horizon }, benchClass);
      const runs = [];
      for (const variant of variants) runs.push({ variant, ...(await defaultPath(c, objective, variant)) });
      // The binaries solve the first MILP of the first variant (every variant's first MILP is the
      // same model; only its start differs, and the binaries get none).
      const model = runs[0].solved[0].milp;
      const file = join(dir, `${name}-${seed}.mps`);
      writeFileSync(file, writeModel(model, "mps", { names: exportNames(c, model) }));
      const glpk = native("glpsol", file);
      const cbc = native("cbc", file);
      const nat = values["native-highs"] ? nativeHighs(file) : undefined;
      const optimal = (run: Run) => (run.status === "optimal" ? run.cpu : Number.POSITIVE_INFINITY);
      const bestCpu = Math.min(optimal(glpk), optimal(cbc));
      for (const { variant, report, solved, totalCpu, beforeFirst } of runs) {
        const first = solved[0];
        // The same MILP again, to the end, with the start findPlan gave it.
        const aloneBefore = cpuNow();
        const alone = await solveWithHighs(first.milp, {
          timeLimitSeconds: limit,
          highsOptions,
          ...(first.options.start ? { start: first.options.start } : {}),
        });
        const wasm: Run = { seconds: alone.seconds, cpu: cpuNow() - aloneBefore, status: alone.status };
        const seeded = await startSlack(first.milp, first.options.start);
        const f = first.result;
        const fGap =
          f.gap !== undefined && f.status !== "optimal" ? `, gap ${(f.gap * 100).toFixed(0)}%` : "";
        const proven = report.status === "optimal";
        console.log(
          `| ${name} ${moves}×${parties}×${horizon} ${objective} | ${seed} | ${first.milp.colLower.length}×${first.milp.rowLower.length} | ` +
            `${variant}: ${seeded.toFixed(4)} [${beforeFirst.toFixed(2)}] | ` +
            `${first.cpu.toFixed(2)} (${f.status}${fGap}) [${totalCpu.toFixed(2)}, ${report.status} ${report.minSlack?.toFixed(4)}] | ${cell(wasm)} | ` +
            `${cell(glpk)} | ${cell(cbc)} |${nat ? ` ${cell(nat)} |` : ""} ` +
            `${proven ? ratio(totalCpu, bestCpu) : "—"} | ${wasm.status === "optimal" ? ratio(wasm.cpu, bestCpu) : "—"} |`,
        );
        if (values.json) {
          console.log(
            JSON.stringify({
              name,
              seed,
              variant,
              seeded,
              beforeFirst,
              first: { cpu: first.cpu, status: f.status },
              solves: solved.map((s) => ({ cpu: s.cpu, status: s.result.status, message: s.result.message })),
              totalCpu,
              report: { status: report.status, minSlack: report.minSlack },
              wasm,
              glpk,
              cbc,
              nat,
            }),
          );
        }
      }
    }
  }
}
console.log(`load average ${loadavg()[0].toFixed(1)} at the end`);
rmSync(dir, { recursive: true, force: true });
