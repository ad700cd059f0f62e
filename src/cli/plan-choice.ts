/** Turns a `--plan` option into a plan: a named plan, a doctrine, or the planner's optimum. */
import type { Plan } from "../model/index.ts";
import { choosePlan as choose } from "../planner/index.ts";
import { CliError, EXIT } from "./errors.ts";
import type { LoadedScenario } from "./load.ts";

export async function choosePlan(loaded: LoadedScenario, name: string): Promise<Plan> {
  const choice = await choose(loaded.compiled, name);
  if (choice.ok) return choice.plan;
  if (choice.reason === "unknown-plan") throw new CliError(`--plan: ${choice.message}`);
  throw new CliError(
    `--plan ${name}: ${choice.message}; run 'lockstep plan' to see what it would take`,
    EXIT.infeasible,
  );
}
