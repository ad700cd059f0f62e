import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import { type Command, Option } from "commander";
import { defaultPlanName } from "../../analysis/index.ts";
import { MAX_SEED, runSimulation, SimulationInputError } from "../../io/simulation-pool.ts";
import { checkOverrides, RESPONSES, type SimulationOverrides } from "../../simulate/index.ts";
import { CliError } from "../errors.ts";
import { formatSimulation } from "../format/simulation.ts";
import { cliIo, setExitCode, terminalStderr } from "../io.ts";
import { loadScenario } from "../load.ts";
import { choosePlan } from "../plan-choice.ts";

interface SimulateOptions {
  plan?: string;
  runs: string;
  seed: string;
  workers?: string;
  json?: boolean;
  hazard?: string;
  response?: string;
  forgive?: string;
  noise: string[];
}

/** Exit status after Ctrl-C (128 + SIGINT), also when the partial result was printed. */
const INTERRUPTED = 130;

function wholeNumber(flag: string, text: string, least: number, most = Number.MAX_SAFE_INTEGER): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(value >= least && value <= most)) {
    throw new CliError(`${flag}: expected a whole number from ${least} to ${most}, got '${text}'`);
  }
  return value;
}

function probability(flag: string, text: string): number {
  const value = text.trim() === "" ? Number.NaN : Number(text);
  if (!(value >= 0 && value <= 1))
    throw new CliError(`${flag}: expected a probability in [0, 1], got '${text}'`);
  return value;
}

/** `--noise us=0.5,dprk=1` (repeatable) → { us: 0.5, dprk: 1 }. */
function noiseOverrides(items: string[]): Record<string, number> | undefined {
  if (items.length === 0) return undefined;
  const noise: Record<string, number> = {};
  for (const item of items.flatMap((s) => s.split(","))) {
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(item);
    const sigma = match ? Number(match[2]) : Number.NaN;
    if (!match || !(sigma >= 0)) {
      throw new CliError(`--noise: expected PARTY=SIGMA with SIGMA >= 0 (e.g. us=0.5), got '${item}'`);
    }
    noise[match[1]] = sigma;
  }
  return noise;
}

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description(
      "Monte Carlo stress test of a plan: completion, survival, value per party, causes of collapse",
    )
    .argument("<file>", "scenario file (YAML or JSON) or built-in scenario name")
    .option("--plan <name>", "a named plan, 'simultaneous', 'upfront:PARTY' or 'optimal'")
    .option("--runs <n>", "number of runs", "10000")
    .option("--seed <s>", `random seed, a whole number from 0 to ${MAX_SEED}`, "1")
    .option("--workers <k>", `worker threads (default: the machine's cores, ${availableParallelism()})`)
    .option("--json", "print one JSON document")
    .option("--hazard <h>", "override risk.hazard: per-phase probability of collapse")
    .addOption(new Option("--response <policy>", "override risk.response").choices([...RESPONSES]))
    .option("--forgive <p>", "override risk.forgive (with --response generous)")
    .option(
      "--noise <party=sigma>",
      "override risk.noise for a party (repeatable, or comma-separated)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (file: string, options: SimulateOptions) => {
      const runs = wholeNumber("--runs", options.runs, 1);
      const seed = wholeNumber("--seed", options.seed, 0, MAX_SEED);
      const workers =
        options.workers === undefined ? undefined : wholeNumber("--workers", options.workers, 1, 256);
      const overrides: SimulationOverrides = {
        hazard: options.hazard === undefined ? undefined : probability("--hazard", options.hazard),
        response: options.response,
        forgive: options.forgive === undefined ? undefined : probability("--forgive", options.forgive),
        noise: noiseOverrides(options.noise),
      };
      const loaded = loadScenario(file);
      const problems = checkOverrides(loaded.compiled, overrides);
      if (problems.length > 0) throw new CliError(problems.map((p) => `--${p}`).join("\n"));
      const planName = options.plan ?? defaultPlanName(loaded.compiled);
      const plan = await choosePlan(loaded, planName);

      const controller = new AbortController();
      const onInterrupt = () => {
        if (controller.signal.aborted) process.exit(INTERRUPTED); // a second Ctrl-C: stop at once
        controller.abort();
      };
      process.on("SIGINT", onInterrupt);
      const terminal = terminalStderr();
      const progress =
        terminal && !options.json
          ? new cliProgress.SingleBar(
              {
                stream: terminal,
                format: "simulating [{bar}] {percentage}% | {value}/{total} runs | {eta}s left",
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      progress?.start(runs, 0);
      let report: Awaited<ReturnType<typeof runSimulation>>;
      try {
        report = await runSimulation({
          scenario: loaded.scenario,
          plan,
          planName,
          runs,
          seed,
          workers,
          overrides,
          signal: controller.signal,
          onProgress: (done) => progress?.update(done),
        });
      } catch (error) {
        if (error instanceof SimulationInputError) throw new CliError(error.message);
        throw error;
      } finally {
        progress?.stop();
        process.off("SIGINT", onInterrupt);
      }
      if (options.json) cliIo().stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else cliIo().stdout.write(`${formatSimulation(report, runs)}\n`);
      if (report.partial) setExitCode(INTERRUPTED);
    });
}
