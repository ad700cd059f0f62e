import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parseDocument } from "yaml";
import type { Plan } from "../../model/index.ts";
import { DOCTRINE_NAMES, parseScenario } from "../../model/index.ts";
import { findPlan, type Objective, PlanOptionError, type PlanOptions } from "../../planner/index.ts";
import { CliError, EXIT } from "../errors.ts";
import { formatPlanReport } from "../format/plan.ts";
import { plannerProgress } from "../format/planner-progress.ts";
import { cliIo, setExitCode } from "../io.ts";
import { type LoadedScenario, loadScenario } from "../load.ts";
import { EXPORT_HELP, SOLVER_HELP, type SolverFlags, useSolverFlags } from "../solver-flags.ts";

/** 'optimal' itself is reserved for the planner's live answer (a doctrine name), so a saved one differs. */
export const DEFAULT_PLAN_NAME = "optimised";

interface PlanFlags extends SolverFlags {
  objective?: string;
  horizon?: string;
  timeLimit?: string;
  robust?: boolean;
  frontier?: boolean;
  json?: boolean;
  write?: boolean;
  name: string;
}

/** Parses the shared planner flags; a bad value is a usage error (exit 2). */
export function plannerOptions(flags: {
  objective?: string;
  horizon?: string;
  timeLimit?: string;
  robust?: boolean;
  credible?: boolean;
}) {
  const options: PlanOptions = { robust: flags.robust ?? false };
  if (flags.credible) options.credible = true;
  if (flags.objective !== undefined) options.objective = flags.objective as Objective;
  if (flags.horizon !== undefined) {
    if (!/^-?\d+$/.test(flags.horizon.trim())) {
      throw new CliError(`--horizon: expected a whole number of phases, got '${flags.horizon}'`);
    }
    options.horizon = Number(flags.horizon);
  }
  if (flags.timeLimit !== undefined) {
    const seconds = Number(flags.timeLimit);
    if (flags.timeLimit.trim() === "" || !Number.isFinite(seconds)) {
      throw new CliError(`--time-limit: expected a number of seconds, got '${flags.timeLimit}'`);
    }
    options.timeLimitSeconds = seconds;
  }
  return options;
}

export function plannerError(error: unknown): never {
  if (error instanceof PlanOptionError) throw new CliError(error.message);
  throw error;
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("find the optimal phased plan, or prove there is none and say what it would take")
    .argument("<file>", "scenario file (YAML or JSON) or built-in scenario name")
    .option(
      "--objective <name>",
      "phases (fewest phases, then largest slack) | slack | welfare | maxmin | nash",
    )
    .option("--horizon <n>", "most phases a plan may use (default: the scenario's horizon)")
    .option("--time-limit <seconds>", "stop the solver after this long and return the best plan with its gap")
    .option("--robust", "the plan must hold for every value in the scenario's ranges")
    .option(
      "--frontier",
      "with the safety objective: the largest θ* for each number of phases, as a table and a chart",
    )
    .option("--credible", "the plan must also be credible to every party, in its own view (scenario 'views')")
    .option("--json", "print one JSON document")
    .option("--write", "add the plan to the scenario file as a named plan (comments and order kept)")
    .option("--name <name>", "name of the plan --write adds", DEFAULT_PLAN_NAME)
    .option("--solver <name>", SOLVER_HELP)
    .option("--export <file>", EXPORT_HELP)
    .action(async (file: string, flags: PlanFlags) => {
      const loaded = loadScenario(file);
      const options = plannerOptions(flags);
      if (flags.write) checkWritable(loaded, flags.name);
      const solver = await useSolverFlags(flags);
      const progress = plannerProgress(flags.json);
      const report = await findPlan(loaded.compiled, {
        ...options,
        frontier: flags.frontier,
        onProgress: progress.onProgress,
      })
        .catch(plannerError)
        .finally(progress.done);
      solver.finish(loaded.compiled, report, loaded.scenario.id ?? file);
      if (flags.json) cliIo().stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const horizon = options.horizon ?? loaded.compiled.horizon;
        cliIo().stdout.write(
          `${formatPlanReport(report, loaded.scenario.id ?? file, horizon, loaded.scenario.unit)}\n`,
        );
      }
      if (flags.write) {
        if (report.feasible) {
          writePlan(loaded, flags.name, report.plan);
          const verb = flags.name in loaded.scenario.plans ? "replaced" : "written";
          cliIo().stderr.write(`${loaded.source.file}: plan '${flags.name}' ${verb}\n`);
        } else {
          cliIo().stderr.write(`${loaded.source.file}: no feasible plan, nothing written\n`);
        }
      }
      setExitCode(
        report.feasible ? EXIT.ok : report.status === "infeasible" ? EXIT.infeasible : EXIT.undecided,
      );
    });
}

function checkWritable(loaded: LoadedScenario, name: string): void {
  if (loaded.source.builtin) {
    throw new CliError(
      `--write: '${loaded.source.file}' is a built-in scenario and is not changed; ` +
        "copy it first with 'lockstep new' and plan on the copy",
    );
  }
  if (name.trim() === "") throw new CliError("--name: expected a plan name");
  if ((DOCTRINE_NAMES as readonly string[]).includes(name) || name.startsWith("upfront:")) {
    throw new CliError(`--name: '${name}' is a doctrine name; choose another name for the saved plan`);
  }
}

/** Adds the plan under `plans.NAME`, keeping everything else in the file as it was. */
function writePlan(loaded: LoadedScenario, name: string, plan: Plan): void {
  const { file, text } = loaded.source;
  let updated: string;
  if (/\.json$/i.test(file)) {
    const data = JSON.parse(text) as { plans?: Record<string, Plan> };
    data.plans = { ...data.plans, [name]: plan };
    updated = `${JSON.stringify(data, null, 2)}\n`;
  } else {
    const doc = parseDocument(text);
    doc.setIn(["plans", name], doc.createNode(plan));
    updated = doc.toString();
  }
  // Never leave a file the tool itself cannot read back.
  const check = parseScenario(updated, file);
  if (!check.ok)
    throw new CliError(
      `--write: the updated file would not parse (${check.issues[0]?.message}); not written`,
    );
  writeFileSync(file, updated);
}
