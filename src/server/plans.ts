/** Turning a request's plan (a name or a plan object) into a plan, with clear 4xx answers. */
import type { CompiledScenario } from "../analysis/compile.ts";
import { defaultPlanName, resolvePlan } from "../analysis/doctrines.ts";
import { checkPlan } from "../model/index.ts";
import type { Plan } from "../model/schema.ts";
import type { Capabilities } from "./capabilities.ts";
import { HttpError } from "./errors.ts";

export interface ResolvedPlan {
  name: string;
  assignments: Plan;
}

/** Pulls the plan out of whatever the planner returns (`{ plan }` or `{ plan: { assignments } }`). */
export function planFromPlannerResult(result: unknown): Plan | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const plan = (result as { plan?: unknown }).plan;
  if (typeof plan !== "object" || plan === null) return undefined;
  const inner =
    (plan as { assignments?: unknown; plan?: unknown }).assignments ?? (plan as { plan?: unknown }).plan;
  const candidate = typeof inner === "object" && inner !== null ? inner : plan;
  return Object.values(candidate).every((v) => typeof v === "number" || (typeof v === "object" && v !== null))
    ? (candidate as Plan)
    : undefined;
}

export async function choosePlan(
  compiled: CompiledScenario,
  requested: string | Plan | undefined,
  capabilities: Capabilities,
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
  if (name === "optimal") {
    const planner = capabilities.planner.module;
    if (!planner) throw unavailable("the planner", capabilities.planner.reason);
    const report = await planner.findPlan(compiled, {});
    if (!report.feasible) {
      throw new HttpError(
        409,
        "no-feasible-plan",
        `no feasible plan exists for this scenario (${report.status})`,
      );
    }
    return { name, assignments: report.plan };
  }
  const lookup = resolvePlan(compiled, name);
  if (!lookup.ok) throw new HttpError(400, "unknown-plan", lookup.message);
  return { name, assignments: lookup.plan };
}

export const unavailable = (what: string, reason?: string) =>
  new HttpError(
    501,
    "not-available",
    `${what} is not available in this build${reason ? ` (${reason})` : ""}; the rest of the workbench works`,
  );
