/**
 * The `lockstep` process (bin/lockstep.js loads this file's build): its arguments, streams and
 * environment through one run of the command (src/cli/run.ts), and the exit status back.
 */
import { processIo } from "./io.ts";
import { runCli } from "./run.ts";
import { chooseWasmTier } from "./wasm-tier.ts";

const args = process.argv.slice(2);
// a choice for the whole process (V8's flags), so here and not in runCli
chooseWasmTier(args.find((arg) => !arg.startsWith("-")));
process.exitCode = await runCli(args, processIo());
