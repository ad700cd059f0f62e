/**
 * Where the test suite's time goes, and how it compares with an older suite.
 *
 * Without --baseline: runs vitest (all of it, or the given paths) with the JSON reporter and prints
 * the wall-clock time, the CPU time it took (with every process it waited for: a figure near
 * twice the wall clock on 2 cores means more workers cannot help), the load average before and
 * after, and the slowest files and tests. `--workers N` sets vitest's maxWorkers (vitest.config.ts
 * runs 1 by default); `--full` times the whole `npm test` (type-check and lint beside vitest) instead.
 *
 * With --baseline DIR (a checkout of an older commit with its own `npm ci`): runs the full
 * `npm test` (type-check, lint and every test, as a user runs it) in DIR and here, alternating,
 * `--rounds` times, in one run on the same machine, and prints each time, the load around it and
 * the ratio, so the two suites are measured under the same conditions.
 *
 *   npx tsx bench/test-time.ts [--full] [--workers 2] [--top 15] [test/cli test/server …]
 *   npx tsx bench/test-time.ts --baseline /tmp/lockstep-v1 [--rounds 2] [--top 10]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: "string" },
    full: { type: "boolean", default: false },
    top: { type: "string", default: "15" },
    baseline: { type: "string" },
    rounds: { type: "string", default: "1" },
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
  /** CPU seconds (user + system) of the run and everything it waited for: Chromium, servers, CLIs. */
  cpu: number | undefined;
  loadBefore: string;
  loadAfter: string;
  report: Report;
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

/** One run of `command` in `root` with vitest's JSON report, timed from start to exit. */
function timed(root: string, command: string[], vitestArgs: string[]): Timed {
  const dir = mkdtempSync(path.join(tmpdir(), "lockstep-test-time-"));
  const out = path.join(dir, "report.json");
  const loadBefore = load();
  const cpuBefore = childCpuSeconds();
  const started = performance.now();
  spawnSync(command[0]!, [...command.slice(1), "--reporter=json", `--outputFile=${out}`, ...vitestArgs], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = childCpuSeconds();
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  const loadAfter = load();
  if (!existsSync(out)) throw new Error(`no vitest report from ${command.join(" ")} in ${root}`);
  const report = JSON.parse(readFileSync(out, "utf8")) as Report;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, cpu, loadBefore, loadAfter, report, root };
}

function summary(run: Timed, label: string): string {
  const files = run.report.testResults.length;
  return (
    `${label}: ${run.seconds.toFixed(0)} s wall clock` +
    (run.cpu === undefined ? "" : `, ${run.cpu.toFixed(0)} s CPU`) +
    `, ${run.report.numTotalTests} tests ` +
    `(${run.report.numFailedTests} failed) in ${files} files; load average ${run.loadBefore} before, ` +
    `${run.loadAfter} after`
  );
}

/** The tests that failed, by name, so a timing run that went red says why at once. */
function failures(run: Timed): void {
  for (const file of run.report.testResults)
    for (const test of file.assertionResults)
      if (test.status === "failed") {
        console.log(`  failed: ${path.relative(run.root, file.name)} > ${test.fullName}`);
        // the report is removed after the run: keep the start of why, so a rare failure can be read
        const why = (test.failureMessages ?? []).join("\n").split("\n").slice(0, 12);
        for (const line of why) console.log(`    ${line}`);
      }
}

function slowest(run: Timed, top: number): void {
  const files = run.report.testResults
    .map((f) => ({ file: path.relative(run.root, f.name), seconds: (f.endTime - f.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds);
  const tests = run.report.testResults
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

if (values.baseline) {
  // the full `npm test` in both: what a user waits for, type-check and lint included
  const npmTest = ["npm", "test", "--"];
  const baseline = path.resolve(values.baseline);
  const runs: { before: Timed; now: Timed }[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const before = timed(baseline, npmTest, []);
    console.log(summary(before, `round ${round + 1} baseline (${baseline})`));
    failures(before);
    const now = timed(process.cwd(), npmTest, workerArgs);
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
} else {
  const command = values.full ? ["npm", "test", "--"] : ["npx", "vitest", "run"];
  const run = timed(process.cwd(), command, [...positionals, ...workerArgs]);
  console.log(summary(run, `${command.join(" ")} with ${values.workers ?? "the configured"} worker(s)`));
  failures(run);
  slowest(run, top);
}
