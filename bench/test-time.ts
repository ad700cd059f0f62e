/**
 * Where the test suite's time goes: runs vitest (all of it, or the given paths) with the JSON
 * reporter and prints the wall-clock time, the load average before and after, and the slowest files
 * and tests. `--workers N` sets vitest's maxWorkers (its default on a 2-core machine is 1: the
 * available parallelism minus one), so runs with 1 and 2 workers can be set side by side.
 *
 *   npx tsx bench/test-time.ts [--workers 2] [--top 15] [test/cli test/server …]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: "string" }, top: { type: "string", default: "15" } },
});

interface Report {
  numTotalTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    startTime: number;
    endTime: number;
    assertionResults: { fullName: string; duration?: number | null; status: string }[];
  }[];
}

const dir = mkdtempSync(path.join(tmpdir(), "lockstep-test-time-"));
const out = path.join(dir, "report.json");
const args = ["vitest", "run", "--reporter=json", `--outputFile=${out}`, ...positionals];
if (values.workers) args.push(`--maxWorkers=${values.workers}`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");
const loadBefore = load();
const started = performance.now();
spawnSync("npx", args, { stdio: ["ignore", "ignore", "inherit"] });
const seconds = (performance.now() - started) / 1000;
const report = JSON.parse(readFileSync(out, "utf8")) as Report;
rmSync(dir, { recursive: true, force: true });

const root = process.cwd();
const files = report.testResults
  .map((f) => ({ file: path.relative(root, f.name), seconds: (f.endTime - f.startTime) / 1000 }))
  .sort((a, b) => b.seconds - a.seconds);
const tests = report.testResults
  .flatMap((f) => f.assertionResults.map((t) => ({ name: t.fullName, seconds: (t.duration ?? 0) / 1000 })))
  .sort((a, b) => b.seconds - a.seconds);
const top = Number(values.top);
const sum = files.reduce((s, f) => s + f.seconds, 0);

console.log(
  `${report.numTotalTests} tests (${report.numFailedTests} failed) in ${files.length} files: ` +
    `${seconds.toFixed(0)} s wall clock with ${values.workers ?? "vitest's default"} worker(s); ` +
    `files add up to ${sum.toFixed(0)} s; load average ${loadBefore} before, ${load()} after`,
);
console.log(`\nslowest files:`);
for (const f of files.slice(0, top)) console.log(`  ${f.seconds.toFixed(1).padStart(7)} s  ${f.file}`);
console.log(`\nslowest tests:`);
for (const t of tests.slice(0, top)) console.log(`  ${t.seconds.toFixed(1).padStart(7)} s  ${t.name}`);
