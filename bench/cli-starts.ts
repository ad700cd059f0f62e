/**
 * Benchmark: the CPU time of one `lockstep` process, per command, for one or more builds side by
 * side. The tests start the CLI several hundred times, so a tenth of a CPU-second per start is tens
 * of seconds of the suite. Each round runs every command once with every build, in turn, so machine
 * load hits all of them alike; CPU time (user + system of the reaped child, from /proc/self/stat,
 * Linux only) says more than the wall clock on a loaded machine.
 *
 *   npx tsx bench/cli-starts.ts [--rounds 10] [--builds DIR,DIR] [--commands="--version;analyze korea-2018"]
 *
 * A build is a directory holding bin/lockstep.js and its dist/ (default: this checkout, which must
 * be built: `npm run build`). To compare with another commit: `git worktree add --detach /tmp/old
 * COMMIT && (cd /tmp/old && npm ci && npm run build)`, then `--builds /tmp/old,.`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    builds: { type: "string", default: "." },
    commands: {
      type: "string",
      default: "--version;validate scenarios/korea-2018.yaml;analyze korea-2018;plan korea-2018",
    },
  },
});
const builds = values.builds.split(",").map((dir) => path.resolve(ROOT, dir));
const commands = values.commands.split(";").map((command) => command.split(" ").filter(Boolean));
const rounds = Number(values.rounds);

/** CPU seconds of this process's reaped children (fields 16 and 17 of /proc/self/stat, in ticks of 1/100 s). */
function childCpu(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function once(build: string, args: string[]): { cpu: number; wall: number } {
  const cpu = childCpu();
  const started = performance.now();
  const result = spawnSync(process.execPath, [path.join(build, "bin/lockstep.js"), ...args], {
    cwd: build,
    encoding: "utf8",
  });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${build}: lockstep ${args.join(" ")} failed: ${result.stderr}`);
  return { cpu: childCpu() - cpu, wall };
}

const key = (build: string, args: string[]) => `${args.join(" ")}  [${path.relative(ROOT, build) || "."}]`;
const cpu = new Map<string, number[]>();
const wall = new Map<string, number[]>();
const loadBefore = loadavg().map((x) => x.toFixed(1));
for (const build of builds) for (const args of commands) once(build, args); // warm the file cache
for (let round = 0; round < rounds; round++) {
  for (const args of commands) {
    for (const build of builds) {
      const t = once(build, args);
      cpu.set(key(build, args), [...(cpu.get(key(build, args)) ?? []), t.cpu]);
      wall.set(key(build, args), [...(wall.get(key(build, args)) ?? []), t.wall]);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `${rounds} rounds; load average ${loadBefore.join(" ")} before, ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} after`,
);
console.log(`${"command [build]".padEnd(60)} CPU-s median (min–max)   wall s median`);
for (const [name, xs] of cpu) {
  const range = `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  console.log(`${name.padEnd(60)} ${range.padEnd(24)} ${median(wall.get(name)!).toFixed(2)}`);
}
