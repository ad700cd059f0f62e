/** Turns a `--plan` option into a plan: a named plan, a doctrine, or the planner's optimum. */
import { resolvePlan } from "../analysis/doctrines.ts";
import type { Plan } from "../model/schema.ts";
import { CliError } from "./errors.ts";
import type { LoadedScenario } from "./load.ts";

export async function choosePlan(loaded: LoadedScenario, name: string): Promise<Plan> {
  if (name !== "optimal") {
    const lookup = resolvePlan(loaded.compiled, name);
    if (!lookup.ok) throw new CliError(`--plan: ${lookup.message}`);
    return lookup.plan;
  }
  // The planner is loaded only when asked for: it brings the solver with it.
  const { findPlan } = await import("../planner/index.ts");
  const result = await findPlan(loaded.compiled);
  if (!result.feasible || result.phases === 0) {
    throw new CliError(
      `--plan optimal: the planner found no feasible plan (status ${result.status}); ` +
        "run 'lockstep plan' to see what it would take",
      1,
    );
  }
  return result.plan;
}
