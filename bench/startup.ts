/**
 * Benchmark: start-up of the compiled CLI, side by side with an empty Node process (the floor any
 * Node CLI pays) and with the TypeScript sources run through tsx (how bin/ ran before the build).
 * Each round runs the three commands once, in turn, so machine load hits all of them alike.
 * Usage: npx tsx bench/startup.ts [--rounds 20] [--args "--version"]
 * Needs a build (`npm run build`). Exits 1 when the median exceeds 4× `node -e 0`'s.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: { rounds: { type: "string", default: "20" }, args: { type: "string", default: "--version" } },
});
const args = values.args.split(" ").filter(Boolean);
const commands: Record<string, string[]> = {
  "node -e 0": ["-e", "0"],
  [`lockstep ${values.args} (dist)`]: ["bin/lockstep.js", ...args],
  [`lockstep ${values.args} (tsx)`]: ["--import", "tsx", "src/cli/main.ts", ...args],
};

function timeOnce(argv: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, argv, { cwd: ROOT, encoding: "utf8" });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${argv.join(" ")} failed: ${result.stderr}`);
  return elapsed;
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (const argv of Object.values(commands)) timeOnce(argv); // warm the file cache
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, argv] of Object.entries(commands)) times[name].push(timeOnce(argv));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(times["node -e 0"]);
console.log(`rounds: ${values.rounds}`);
console.log("command                              min ms  median ms  max ms  median / node -e 0");
for (const [name, xs] of Object.entries(times)) {
  const cells = [Math.min(...xs), median(xs), Math.max(...xs)].map((x) => x.toFixed(0).padStart(7));
  console.log(
    `${name.padEnd(36)}${cells[0]}  ${cells[1].padStart(9)} ${cells[2]}  ${(median(xs) / floor).toFixed(2)}×`,
  );
}
const ratio = median(times[`lockstep ${values.args} (dist)`]) / floor;
if (ratio > 4) {
  console.log(
    `FAIL: the compiled CLI's median start-up is ${ratio.toFixed(2)}× node -e 0 (goal: at most 4×)`,
  );
  process.exitCode = 1;
}
