/**
 * The `lockstep` command. Each command lives in its own module; this file wires them up and turns
 * every failure into a message and an exit status (2 = bad input), never a stack trace.
 */
import { Command, CommanderError } from "commander";
import { registerAgreement } from "./commands/agreement.ts";
import { registerAnalyze } from "./commands/analyze.ts";
import { registerCompare } from "./commands/compare.ts";
import { registerEvent } from "./commands/event.ts";
import { registerKeys } from "./commands/keys.ts";
import { registerLedger } from "./commands/ledger.ts";
import { registerNew } from "./commands/new.ts";
import { registerPlan } from "./commands/plan.ts";
import { registerScenarios } from "./commands/scenarios.ts";
import { registerSchema } from "./commands/schema.ts";
import { registerServe } from "./commands/serve.ts";
import { registerSimulate } from "./commands/simulate.ts";
import { registerStatus } from "./commands/status.ts";
import { registerSweep } from "./commands/sweep.ts";
import { registerValidate } from "./commands/validate.ts";
import { CliError, EXIT } from "./errors.ts";

const program = new Command("lockstep")
  .description("Design, stress-test and track phased, reciprocal agreements")
  .version("0.1.0")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

for (const register of [
  registerValidate,
  registerAnalyze,
  registerSchema,
  registerServe,
  registerSimulate,
  registerPlan,
  registerCompare,
  registerScenarios,
  registerNew,
  registerKeys,
  registerAgreement,
  registerEvent,
  registerLedger,
  registerStatus,
  registerSweep,
])
  register(program);

try {
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
