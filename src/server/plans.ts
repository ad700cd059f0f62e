/** Turning a request's plan (a name or a plan object) into a plan, with clear 4xx answers. */
import { defaultPlanName } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { checkPlan } from "../model/index.ts";
import { choosePlan, OPTIMAL } from "../planner/index.ts";
import { HttpError } from "./errors.ts";
import type { ServerPlanner } from "./planner.ts";
import type { LoadedScenario } from "./scenarios.ts";

export interface ResolvedPlan {
  name: string;
  assignments: Plan;
}

/** A plan named 'optimal' is found by the planner, on its threads. */
export async function resolveRequestedPlan(
  { scenario, compiled }: LoadedScenario,
  requested: string | Plan | undefined,
  planner: ServerPlanner,
): Promise<ResolvedPlan> {
  if (typeof requested === "object") {
    // the same checks as a plan in a file: known moves, phases 1..horizon, fractions summing to 1
    const problems = checkPlan(compiled.scenario, requested);
    if (problems.length > 0) {
      const issues = problems.map((p) => ({ path: p.at.join("."), code: p.code, message: p.message }));
      const first = issues[0];
      throw new HttpError(400, "invalid-plan", `invalid plan: ${first.path}: ${first.message}`, issues);
    }
    return { name: "custom", assignments: requested };
  }
  const name = requested ?? defaultPlanName(compiled);
  // only 'optimal' solves; a doctrine or a named plan is looked up here
  const choice = name === OPTIMAL ? await planner.choose(scenario, name) : await choosePlan(compiled, name);
  if (choice.ok) return { name, assignments: choice.plan };
  if (choice.reason === "unknown-plan") throw new HttpError(400, "unknown-plan", choice.message);
  throw new HttpError(
    409,
    "no-feasible-plan",
    `no feasible plan exists for this scenario: ${choice.message}`,
  );
}
