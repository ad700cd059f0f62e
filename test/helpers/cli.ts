/**
 * Runs `lockstep`: the real process, as a user would (`lockstep`, `lockstepAsync`,
 * `lockstepWatched`), or the same run inside the test's process (`lockstepInProcess`).
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/run.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/lockstep.js", import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function lockstep(
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, ...options.env, FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `lockstep ARGS…` in this process, through `runCli`, the function the binary calls
 * (src/cli/main.ts): the same commands, messages and exit statuses without a Node start and the
 * command's modules each time (0.1–0.3 CPU-s a run). For the variants of a command (bad options,
 * formats, messages); every command also keeps a test through the real process. The working
 * directory is this process's, the repository root, and `--solver`/`--export` plug a solver into
 * the planner for the whole process: run those through the real process.
 */
export async function lockstepInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  if (process.cwd() !== ROOT.replace(/\/$/, ""))
    throw new Error(`in-process runs need the working directory ${ROOT}`);
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env, ...env, FORCE_COLOR: "0" },
  });
  return { status, stdout, stderr };
}

/** The real process, asynchronously, so several can run side by side (or beside a server under test). */
export function lockstepAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return lockstepWatched(args, env).result;
}

/**
 * The real process, asynchronously, with a way to wait for a line on its stderr while it runs
 * (`lockstep sweep --queue` says when its jobs are queued and then waits for workers: a worker
 * started before that line may find the queue empty and stop).
 */
export function lockstepWatched(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { result: Promise<CliResult>; stderrLine: (pattern: RegExp) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let closed = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
    notify();
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      closed = true;
      notify();
      resolve({ status, stdout, stderr });
    });
  });
  // no time limit of its own: the test's limit ends a hung wait, and the process's exit ends this one
  const stderrLine = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stderr.match(pattern);
        if (!match && !closed) return;
        waiters.delete(check);
        if (match) resolve(match);
        else
          reject(
            new Error(`lockstep ${args.join(" ")} exited before printing ${pattern}: ${stdout}${stderr}`),
          );
      };
      waiters.add(check);
      check();
    });
  return { result, stderrLine };
}
