/**
 * Writes test/durations.json, the per-file seconds test/sequencer.ts orders the test files by
 * (the longest first), from one or more vitest JSON reports (`.ci/run` leaves one in
 * test-artifacts/vitest.json). With several reports each file gets its mean. Use reports of
 * near-idle runs: the order only needs the files' relative lengths, which load blurs.
 *
 *   npx tsx scripts/test-durations.ts test-artifacts/vitest.json [more reports …]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DURATIONS_FILE } from "../test/sequencer.ts";

interface Report {
  testResults: { name: string; startTime: number; endTime: number }[];
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const reports = process.argv.slice(2);
if (reports.length === 0) {
  console.error("usage: npx tsx scripts/test-durations.ts REPORT.json [REPORT.json …]");
  process.exit(2);
}

const seconds = new Map<string, number[]>();
for (const file of reports) {
  const report = JSON.parse(readFileSync(file, "utf8")) as Report;
  for (const result of report.testResults) {
    // the report names files by absolute path, wherever that clone was: keep the part from test/
    const absolute = result.name.split("\\").join("/");
    const at = absolute.lastIndexOf("/test/");
    const key = at >= 0 ? absolute.slice(at + 1) : relative(ROOT, absolute);
    seconds.set(key, [...(seconds.get(key) ?? []), (result.endTime - result.startTime) / 1000]);
  }
}

const durations = Object.fromEntries(
  [...seconds]
    .map(
      ([key, values]) =>
        [key, Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10] as const,
    )
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
);
writeFileSync(DURATIONS_FILE, `${JSON.stringify(durations, null, 2)}\n`);
console.log(`${Object.keys(durations).length} files written to ${fileURLToPath(DURATIONS_FILE)}`);
