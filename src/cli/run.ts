/**
 * One run of the `lockstep` command: the arguments, the output and environment (src/cli/io.ts)
 * in, the exit status out. src/cli/main.ts, what bin/lockstep.js loads, calls it with the
 * process's own; the tests call it in their process for the variants of a command (bad options,
 * formats, messages), and start the real binary at least once per command.
 *
 * Each command's module is loaded only when it is needed, so a command pays at start-up only for
 * the code it uses (`lockstep --version` loads none of them). Every failure becomes a message and
 * an exit status (2 = bad input), never a stack trace.
 */
import { Command, CommanderError } from "commander";
import { CliError, EXIT } from "./errors.ts";
import { type CliIo, withCliIo } from "./io.ts";

type Register = (program: Command) => void;

/** Each command's module, listed in the order help shows them. */
const sweep = async () => (await import("./commands/sweep.ts")).registerSweep;
const COMMANDS: Record<string, () => Promise<Register>> = {
  validate: async () => (await import("./commands/validate.ts")).registerValidate,
  analyze: async () => (await import("./commands/analyze.ts")).registerAnalyze,
  schema: async () => (await import("./commands/schema.ts")).registerSchema,
  serve: async () => (await import("./commands/serve.ts")).registerServe,
  simulate: async () => (await import("./commands/simulate.ts")).registerSimulate,
  plan: async () => (await import("./commands/plan.ts")).registerPlan,
  compare: async () => (await import("./commands/compare.ts")).registerCompare,
  scenarios: async () => (await import("./commands/scenarios.ts")).registerScenarios,
  new: async () => (await import("./commands/new.ts")).registerNew,
  keys: async () => (await import("./commands/keys.ts")).registerKeys,
  agreement: async () => (await import("./commands/agreement.ts")).registerAgreement,
  event: async () => (await import("./commands/event.ts")).registerEvent,
  amend: async () => (await import("./commands/amend.ts")).registerAmend,
  ledger: async () => (await import("./commands/ledger.ts")).registerLedger,
  status: async () => (await import("./commands/status.ts")).registerStatus,
  replan: async () => (await import("./commands/replan.ts")).registerReplan,
  archive: async () => (await import("./commands/archive.ts")).registerArchive,
  // one module registers both
  sweep,
  worker: sweep,
};

/** The commands these arguments need: the one named, none for a bare --version, else all (help, typos). */
export function commandsFor(args: readonly string[]): string[] {
  const first = args.find((arg) => !arg.startsWith("-"));
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  if (first === undefined && args.length > 0 && args.every((arg) => arg === "--version" || arg === "-V"))
    return [];
  return Object.keys(COMMANDS);
}

/** Runs `lockstep ARGS…` (the arguments after the command name) on `io`; resolves to its exit status. */
export function runCli(args: readonly string[], io: CliIo): Promise<number> {
  return withCliIo(io, async (run) => {
    // a program per run: commander keeps the parsed options on it
    const program = new Command("lockstep")
      .description("Design, stress-test and track phased, reciprocal agreements")
      .version("0.1.0")
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
    try {
      const loaders = new Set(commandsFor(args).map((name) => COMMANDS[name]));
      for (const register of await Promise.all([...loaders].map((load) => load()))) register(program);
      await program.parseAsync(args, { from: "user" });
    } catch (error) {
      run.exitCode = exitStatusOf(error, io);
    }
  });
}

/** The exit status for an error a command threw, after saying what went wrong on stderr. */
function exitStatusOf(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // commander has printed its message; help and version are successful exits, the rest usage errors
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof CliError) {
    io.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`lockstep: internal error: ${(error as Error)?.message ?? String(error)}\n`);
  if (io.env.LOCKSTEP_DEBUG) io.stderr.write(`${(error as Error)?.stack}\n`);
  return EXIT.internal;
}
