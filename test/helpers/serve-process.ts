/** `lockstep serve` as a real process, for the tests that meet the server the way a user starts it. */
import { spawn } from "node:child_process";
import { BIN, ROOT } from "./cli.ts";

/**
 * Starts `lockstep serve` (or, with `viaNpm`, `npm start -- …` as the README has a user do) and
 * resolves with its URL (and the admin token in it) once it prints it.
 *
 * Its planner threads start at the first request that plans, not with the server
 * (LOCKSTEP_WARM_PLANNER=0: about 0.5 CPU-s a start in tests that never plan); `env` may set it
 * to "1" for a test that measures the server as users start it.
 *
 * The server writes its lines one after another, but they reach this process in chunks of the
 * pipe's choosing: a line printed after the URL may arrive later. `waitForOutput` reads on until a
 * line arrives, instead of checking `output()` at one moment.
 */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}, viaNpm = false) {
  const { DATABASE_URL: _unset, LOCKSTEP_DB: _unset2, ...inherited } = process.env;
  const [command, ...rest] = viaNpm
    ? ["npm", "start", "--silent", "--", "--port", "0", ...args]
    : [process.execPath, BIN, "serve", "--port", "0", ...args];
  // npm runs the server in a shell below it: its own process group, so stop() reaches all of them
  const child = spawn(command, rest, {
    cwd: ROOT,
    env: { ...inherited, LOCKSTEP_WARM_PLANNER: "0", ...env },
    detached: viaNpm,
  });
  let token = "";
  let out = "";
  let err = "";
  let exited = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    notify();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  child.on("exit", () => {
    exited = true;
    notify();
  });

  /** Resolves with the first match of `pattern` in stdout, once it has arrived. */
  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`serve printed no ${pattern} within ${timeoutMs} ms: ${out}${err}`));
      }, timeoutMs);
      function check() {
        const match = out.match(pattern);
        if (match || exited) {
          clearTimeout(timer);
          waiters.delete(check);
          if (match) resolve(match);
          else reject(new Error(`serve exited before printing ${pattern}: ${out}${err}`));
        }
      }
      waiters.add(check);
      check();
    });

  const url = waitForOutput(
    /Lockstep workbench: (http:\/\/127\.0\.0\.1:\d+)\/(?:#admin=(\S+))?\n/,
    120_000,
  ).then((match) => {
    token = match[2] ?? "";
    return match[1]!;
  });
  // a test that never awaits the URL must not see an unhandled rejection when the server stops
  url.catch(() => {});
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((resolve) => child.on("exit", resolve));
    if (viaNpm) process.kill(-child.pid!, "SIGTERM");
    else child.kill("SIGTERM");
    await done;
  };
  /** kill -9, as a crash would: resolves once the process is gone. */
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((resolve) => child.on("exit", resolve));
    if (viaNpm) process.kill(-child.pid!, "SIGKILL");
    else child.kill("SIGKILL");
    await done;
  };
  return {
    url,
    stop,
    kill,
    waitForOutput,
    /** The admin token printed in the URL ("" with --open). */
    token: () => token,
    auth: () => ({ authorization: `Bearer ${token}` }),
    /** Stdout so far: only the lines that have arrived (see waitForOutput). */
    output: () => out,
  };
}
