/**
 * Where a command's output goes, what environment it reads and the exit status it sets: the
 * process's own for `lockstep` (src/cli/main.ts), or a caller's for a run inside another process
 * (`runCli` in src/cli/run.ts, which the tests call for the variants of a command: every start of
 * a process costs a Node start and the command's modules, about 0.1–0.3 CPU-s).
 *
 * The commands reach the run they belong to through `cliIo()` rather than a parameter threaded
 * through every helper; an AsyncLocalStorage keeps two runs in one process (tests side by side)
 * apart.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/** Where text goes: the process's stream, or a buffer a caller reads. */
export interface CliWriter {
  write(text: string): unknown;
  /** True only for the process's own stream on a terminal (progress lines, bars). */
  readonly isTTY?: boolean;
}

export interface CliIo {
  stdout: CliWriter;
  stderr: CliWriter;
  /** The environment the command reads (LOCKSTEP_TOKEN, LOCKSTEP_DATABASE_URL, …). */
  env: NodeJS.ProcessEnv;
}

interface Run {
  io: CliIo;
  exitCode: number;
}

const current = new AsyncLocalStorage<Run>();

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** The output, environment and exit status of the run this code belongs to. */
export function cliIo(): CliIo {
  return current.getStore()?.io ?? processIo();
}

/** Sets the run's exit status (the process's, outside a run). */
export function setExitCode(code: number): void {
  const run = current.getStore();
  if (run) run.exitCode = code;
  else process.exitCode = code;
}

/** Runs `body` as one command run on `io`; resolves to the exit status it set (0 if none). */
export async function withCliIo(
  io: CliIo,
  body: (run: { exitCode: number }) => Promise<void>,
): Promise<number> {
  const run: Run = { io, exitCode: 0 };
  await current.run(run, () => body(run));
  return run.exitCode;
}

/**
 * The process's stderr when this run writes to it and it is a terminal, for progress bars that
 * need a real stream; undefined in a pipe and in a run inside another process.
 */
export function terminalStderr(): NodeJS.WriteStream | undefined {
  const { stderr } = cliIo();
  return stderr === process.stderr && process.stderr.isTTY ? process.stderr : undefined;
}
