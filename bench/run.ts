/**
 * `npm run bench`: every benchmark in bench/, one after the other, each in its own process with
 * its default settings (each prints its own table; see docs/benchmarks.md for the commands and the
 * recorded figures). Modules that export what benchmarks share (generate.ts, two-party.ts, …) and
 * the processes bench/streams.ts starts (streams-get.ts, streams-server.ts) are not benchmarks,
 * and test-time.ts (which runs the whole test suite) runs only when named. Extra arguments name
 * benchmarks to run instead of all: `npm run bench -- analysis startup`.
 * Exits 1 if any benchmark fails.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// The child processes of bench/streams.ts (run alone, the server would never exit). Modules the
// benchmarks import (generate.ts, two-party.ts, …) are told apart by their exports, below.
const NOT_BENCHMARKS = new Set(["run", "streams-get", "streams-server"]);
const ONLY_WHEN_NAMED = new Set(["test-time"]);
const all = readdirSync(new URL(".", import.meta.url))
  .filter((file) => file.endsWith(".ts"))
  .filter((file) => !/^export /m.test(readFileSync(new URL(file, import.meta.url), "utf8")))
  .map((file) => file.replace(/\.ts$/, ""))
  .filter((name) => !NOT_BENCHMARKS.has(name))
  .sort();
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")} (benchmarks: ${all.join(", ")})`);
  process.exit(2);
}
const failed: string[] = [];
for (const name of asked.length > 0 ? asked : all.filter((n) => !ONLY_WHEN_NAMED.has(n))) {
  console.log(`\n== bench/${name}.ts`);
  const result = spawnSync(process.execPath, ["--import", "tsx", `bench/${name}.ts`], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")}`);
  process.exitCode = 1;
}
