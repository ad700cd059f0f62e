/**
 * A plan by name, where the name may be 'optimal': the one place that turns 'optimal' into the
 * planner's answer (the CLI's `--plan`, the API's `plan` field). Every other name is a doctrine or
 * one of the scenario's own plans (analysis/doctrines.ts).
 */
import type { CompiledScenario } from "../analysis/index.ts";
import { resolvePlan } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { findPlan } from "./find.ts";

export const OPTIMAL = "optimal";

export type PlanChoice =
  | { ok: true; plan: Plan }
  | { ok: false; reason: "unknown-plan" | "no-feasible-plan"; message: string };

export async function choosePlan(c: CompiledScenario, name: string): Promise<PlanChoice> {
  if (name !== OPTIMAL) {
    const lookup = resolvePlan(c, name);
    return lookup.ok ? lookup : { ok: false, reason: "unknown-plan", message: lookup.message };
  }
  const result = await findPlan(c);
  if (!result.feasible || result.phases === 0) {
    return {
      ok: false,
      reason: "no-feasible-plan",
      message: `the planner found no feasible plan (status ${result.status})`,
    };
  }
  return { ok: true, plan: result.plan };
}
