/**
 * Where the test suite's time goes, and how it compares with an older suite.
 *
 * Without --baseline: runs vitest (all of it, or the given paths) with the JSON reporter and prints
 * the wall-clock time, the CPU time of its whole process tree (bench/proc-cpu.ts: Chromium, servers
 * and CLIs included, also those that outlive their parent), the whole machine's busy CPU over the
 * same time (others' work included: near idle the two agree), the load average before and after,
 * and the slowest files and tests. `--workers N` sets vitest's maxWorkers (vitest.config.ts runs 2);
 * `--full` times the whole `npm test` (type-check and lint beside vitest) instead.
 *
 * `--per-file` runs each test file under the given paths in a vitest run of its own and prints
 * its CPU and wall clock, after a run that selects no test (vitest's start and the global setup). `--command "npx tsc --noEmit -p ."` times
 * any other command the same way (no report).
 *
 * With --baseline DIR (a checkout of an older commit with its own `npm ci`): runs the full
 * `npm test` (type-check, lint and every test, as a user runs it) in DIR and here, alternating,
 * `--rounds` times, in one run on the same machine, and prints each time, the load around it and
 * the ratio, so the two suites are measured under the same conditions.
 *
 *   npx tsx bench/test-time.ts [--full] [--workers 2] [--top 15] [test/cli test/server …]
 *   npx tsx bench/test-time.ts --workers 1 --per-file test/ledger test/sweep …
 *   npx tsx bench/test-time.ts --command "npx biome check ."
 *   npx tsx bench/test-time.ts --baseline /tmp/lockstep-v1 [--rounds 2] [--top 10]
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineBusySeconds, TreeSampler } from "./proc-cpu.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: "string" },
    full: { type: "boolean", default: false },
    top: { type: "string", default: "15" },
    baseline: { type: "string" },
    rounds: { type: "string", default: "1" },
    "per-file": { type: "boolean", default: false },
    command: { type: "string" },
  },
});

interface Report {
  numTotalTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    startTime: number;
    endTime: number;
    assertionResults: {
      fullName: string;
      duration?: number | null;
      status: string;
      failureMessages?: string[];
    }[];
  }[];
}

interface Timed {
  seconds: number;
  /** CPU seconds (user + system) of the run's whole process tree: Chromium, servers, CLIs. */
  cpu: number | undefined;
  /** The part of `cpu` that `/usr/bin/time` would miss: processes that outlived their parent. */
  orphanCpu: number;
  /** Busy CPU-seconds of the whole machine over the same time: others' work included. */
  machineCpu: number | undefined;
  sampler: TreeSampler;
  started: number;
  loadBefore: string;
  loadAfter: string;
  report: Report | undefined;
  root: string;
}

/**
 * CPU time of this process's reaped descendants (user + system, /proc/self/stat fields 16–17):
 * vitest and, through it, every process it waited for. Linux only; undefined elsewhere.
 */
function childCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // after "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

/**
 * One run of `command` in `root` (with vitest's JSON report unless `report` is false), timed from
 * start to exit, its process tree sampled meanwhile.
 */
async function timed(root: string, command: string[], vitestArgs: string[], report = true): Promise<Timed> {
  const dir = mkdtempSync(path.join(tmpdir(), "lockstep-test-time-"));
  const out = path.join(dir, "report.json");
  const loadBefore = load();
  const cpuBefore = childCpuSeconds();
  const machineBefore = machineBusySeconds();
  const startedAt = Date.now();
  const started = performance.now();
  const args = report
    ? [...command.slice(1), "--reporter=json", `--outputFile=${out}`, ...vitestArgs]
    : command.slice(1);
  const child = spawn(command[0]!, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const sampler = new TreeSampler(child.pid!);
  await new Promise((resolve) => child.on("close", resolve));
  sampler.stop();
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = childCpuSeconds();
  const machineAfter = machineBusySeconds();
  const orphanCpu = sampler.orphanSeconds();
  const cpu =
    cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore + orphanCpu;
  const machineCpu =
    machineBefore === undefined || machineAfter === undefined ? undefined : machineAfter - machineBefore;
  const loadAfter = load();
  const left = sampler.leftRunning();
  if (left.length > 0) console.log(`  left running after the run: pids ${left.join(", ")}`);
  let parsed: Report | undefined;
  if (report) {
    if (!existsSync(out)) throw new Error(`no vitest report from ${command.join(" ")} in ${root}`);
    parsed = JSON.parse(readFileSync(out, "utf8")) as Report;
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    seconds,
    cpu,
    orphanCpu,
    machineCpu,
    sampler,
    started: startedAt,
    loadBefore,
    loadAfter,
    report: parsed,
    root,
  };
}

function summary(run: Timed, label: string): string {
  const cpu =
    (run.cpu === undefined ? "" : `, ${run.cpu.toFixed(0)} CPU-s in its process tree`) +
    (run.orphanCpu >= 0.5
      ? ` (${run.orphanCpu.toFixed(0)} of them in processes that outlived their parent)`
      : "") +
    (run.machineCpu === undefined ? "" : `, ${run.machineCpu.toFixed(0)} CPU-s busy on the whole machine`);
  const tests = run.report
    ? `, ${run.report.numTotalTests} tests (${run.report.numFailedTests} failed) in ${run.report.testResults.length} files`
    : "";
  return `${label}: ${run.seconds.toFixed(0)} s wall clock${cpu}${tests}; load average ${run.loadBefore} before, ${run.loadAfter} after`;
}

/** The tests that failed, by name, so a timing run that went red says why at once. */
function failures(run: Timed): void {
  for (const file of run.report?.testResults ?? [])
    for (const test of file.assertionResults)
      if (test.status === "failed") {
        console.log(`  failed: ${path.relative(run.root, file.name)} > ${test.fullName}`);
        // the report is removed after the run: keep the start of why, so a rare failure can be read
        const why = (test.failureMessages ?? []).join("\n").split("\n").slice(0, 12);
        for (const line of why) console.log(`    ${line}`);
      }
}

function slowest(run: Timed, top: number): void {
  const results = run.report?.testResults ?? [];
  const files = results
    .map((f) => ({ file: path.relative(run.root, f.name), seconds: (f.endTime - f.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
  const tests = results
    .flatMap((f) => f.assertionResults.map((t) => ({ name: t.fullName, seconds: (t.duration ?? 0) / 1000 })))
    .sort((a, b) => b.seconds - a.seconds);
  const sum = files.reduce((s, f) => s + f.seconds, 0);
  console.log(`  files add up to ${sum.toFixed(0)} s; slowest files:`);
  for (const f of files.slice(0, top)) console.log(`  ${f.seconds.toFixed(1).padStart(7)} s  ${f.file}`);
  console.log(`  slowest tests:`);
  for (const t of tests.slice(0, top)) console.log(`  ${t.seconds.toFixed(1).padStart(7)} s  ${t.name}`);
}

const top = Number(values.top);
const workerArgs = values.workers ? [`--maxWorkers=${values.workers}`] : [];

/** The test files under the given paths (files or directories), in name order. */
function testFiles(paths: string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith(".test.ts"))
          .sort()
          .map((f) => path.join(p, f))
      : [p],
  );
}

/**
 * Each file in a vitest run of its own, one after another: its CPU (whole tree) and wall clock.
 * vitest's report cannot split one run by file: with isolate: false its files' start and end
 * times overlap and nest even with one worker, so CPU between them would be counted twice. Each
 * run includes vitest's start and the global setup: the first line, a run that selects no test,
 * is that fixed cost, to subtract.
 */
async function perFile(paths: string[]): Promise<void> {
  const command = ["npx", "vitest", "run"];
  const files = testFiles(paths);
  console.log(`  ${"CPU-s".padStart(7)} ${"wall s".padStart(7)}  file (each in its own run)`);
  const line = (run: Timed, name: string) =>
    console.log(
      `  ${(run.cpu ?? Number.NaN).toFixed(1).padStart(7)} ${run.seconds.toFixed(1).padStart(7)}  ${name}`,
    );
  line(
    await timed(process.cwd(), command, [files[0]!, "--testNamePattern", "^zzz-no-test$", ...workerArgs]),
    "(no test: vitest's start, the global setup and the teardown)",
  );
  for (const file of files) {
    const run = await timed(process.cwd(), command, [file, ...workerArgs]);
    line(run, file);
    failures(run);
  }
}

if (values.command) {
  const command = values.command.split(" ").filter(Boolean);
  const run = await timed(process.cwd(), command, [], false);
  console.log(summary(run, values.command));
} else if (values.baseline) {
  // the full `npm test` in both: what a user waits for, type-check and lint included
  const npmTest = ["npm", "test", "--"];
  const baseline = path.resolve(values.baseline);
  const runs: { before: Timed; now: Timed }[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const before = await timed(baseline, npmTest, []);
    console.log(summary(before, `round ${round + 1} baseline (${baseline})`));
    failures(before);
    const now = await timed(process.cwd(), npmTest, workerArgs);
    console.log(summary(now, `round ${round + 1} current`));
    failures(now);
    console.log(`  current ÷ baseline: ${(now.seconds / before.seconds).toFixed(2)}`);
    runs.push({ before, now });
  }
  const ratios = runs.map((r) => r.now.seconds / r.before.seconds);
  console.log(
    `\ncurrent ÷ baseline over ${runs.length} round(s): ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
  );
  console.log("\nbaseline, last round:");
  slowest(runs.at(-1)!.before, top);
  console.log("\ncurrent, last round:");
  slowest(runs.at(-1)!.now, top);
} else if (values["per-file"]) {
  await perFile(positionals);
} else {
  const command = values.full ? ["npm", "test", "--"] : ["npx", "vitest", "run"];
  const run = await timed(process.cwd(), command, [...positionals, ...workerArgs]);
  console.log(summary(run, `${command.join(" ")} with ${values.workers ?? "the configured"} worker(s)`));
  failures(run);
  slowest(run, top);
}
