/**
 * The `lockstep` command. Each command lives in its own module; this file wires them up and turns
 * every failure into a message and an exit status (2 = bad input), never a stack trace.
 */
import { Command, CommanderError } from "commander";
import { CliError, EXIT } from "./errors.ts";
import { chooseWasmTier } from "./wasm-tier.ts";

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when it is needed: a command pays at start-up only for the
 * code it uses (`lockstep --version` loads none of them). Listed in the order help shows them.
 */
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

const program = new Command("lockstep")
  .description("Design, stress-test and track phased, reciprocal agreements")
  .version("0.1.0")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

try {
  chooseWasmTier(process.argv.slice(2).find((arg) => !arg.startsWith("-")));
  const loaders = new Set(commandsFor(process.argv.slice(2)).map((name) => COMMANDS[name]));
  for (const register of await Promise.all([...loaders].map((load) => load()))) register(program);
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // help and version are successful exits; everything else is a usage error
    process.exitCode = error.exitCode === 0 ? 0 : EXIT.badInput;
  } else if (error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`lockstep: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    if (process.env.LOCKSTEP_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
    process.exitCode = EXIT.internal;
  }
}
