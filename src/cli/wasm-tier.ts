/**
 * How V8 compiles HiGHS's WebAssembly (3.5 MB) in a `lockstep` process.
 *
 * V8 first compiles wasm with its baseline compiler (Liftoff), then recompiles the functions that
 * run hot with its optimising compiler (TurboFan), on background threads. HiGHS's hot functions are
 * large, and that recompilation costs about 2–3 CPU-seconds: more than a short process ever wins
 * back. `plan korea-2018 --json` took about 3.5–4.2 CPU-s with it and 1.2–1.8 without; in one
 * long-lived process, where the optimised code is reused, a warm solve of a 60-move case took
 * 0.34–0.42 CPU-s with it and 0.50–0.55 without (docs/benchmarks.md, "CLI start-up"). So the
 * commands that live long and solve many times (`serve`, `worker`) keep V8's default, and every
 * other command runs on the baseline code.
 *
 * `LOCKSTEP_WASM_TIER=optimizing` keeps V8's default for every command (a long `plan --time-limit`
 * of a large case); `LOCKSTEP_WASM_TIER=baseline` uses the baseline code for every command,
 * servers and sweep workers included.
 */
import { setFlagsFromString } from "node:v8";

/** Commands that solve many times in one process, where TurboFan's code pays for its compilation. */
const LONG_LIVED = new Set(["serve", "worker"]);

/** Before any WebAssembly is compiled: V8 reads the flag when it compiles a module. */
export function chooseWasmTier(command: string | undefined): void {
  const chosen = process.env.LOCKSTEP_WASM_TIER;
  if (chosen === "optimizing") return;
  if (chosen !== "baseline" && command !== undefined && LONG_LIVED.has(command)) return;
  setFlagsFromString("--liftoff-only");
}
