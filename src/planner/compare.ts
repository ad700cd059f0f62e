/**
 * comparePlans: the doctrines, the scenario's own plans and the optimum side by side
 * (MODEL.md §5), each judged by the same analysis.
 */

import type { CompiledScenario } from "../analysis/index.ts";
import { analyzePlan, credibleTo, doctrineNames, resolvePlan, robustnessReport } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { findPlan, PlanOptionError, type PlanOptions } from "./find.ts";
import { progressOf } from "./progress.ts";
import type { ComparisonReport, ComparisonRow } from "./report.ts";

export type Comparison = ComparisonReport;

export interface CompareOptions extends PlanOptions {
  /** Only these rows, by name ('simultaneous', 'upfront:P', a named plan, 'optimal'); default all. */
  plans?: string[];
}

/** Thrown for a plan name that is neither a doctrine, a named plan nor 'optimal'. */
export class UnknownPlanError extends PlanOptionError {}

/** One row of the comparison: the plan judged by the analysis, with its progress and schedule. */
function row(c: CompiledScenario, name: string, kind: ComparisonRow["kind"], plan: Plan): ComparisonRow {
  const analysis = analyzePlan(c, plan);
  const worstExposure: Record<string, number> = {};
  const final: Record<string, number> = {};
  for (const [party, figures] of Object.entries(analysis.parties)) {
    worstExposure[party] = Math.max(...figures.exposure);
    final[party] = figures.final;
  }
  const first = analysis.violations[0];
  const credible = credibleTo(c, analysis);
  return {
    name,
    kind,
    feasible: analysis.feasible,
    phases: analysis.phases,
    minSlack: analysis.minSlack,
    worstExposure,
    final,
    progress: progressOf(c, analysis.schedule),
    plan,
    safety: robustnessReport(c, analysis).safety,
    ...(first ? { firstViolation: first.message } : {}),
    ...(credible ? { credibleTo: credible } : {}),
  };
}

export async function comparePlans(c: CompiledScenario, options: CompareOptions = {}): Promise<Comparison> {
  const { plans: only, ...planOptions } = options;
  const names = only ?? [...doctrineNames(c), ...Object.keys(c.scenario.plans), "optimal"];
  const rows: ComparisonRow[] = [];
  const lookups = names.map((name) => {
    if (name === "optimal") return undefined;
    const lookup = resolvePlan(c, name);
    if (!lookup.ok) throw new UnknownPlanError(lookup.message);
    return lookup.plan;
  });
  for (const [n, name] of names.entries()) {
    const plan = lookups[n];
    if (plan === undefined) rows.push(await optimalRow(c, planOptions));
    else rows.push(row(c, name, c.scenario.plans[name] ? "named" : "doctrine", plan));
  }
  return { scenario: c.scenario.id ?? "scenario", rows };
}

async function optimalRow(c: CompiledScenario, options: PlanOptions): Promise<ComparisonRow> {
  const optimal = await findPlan(c, options);
  if (optimal.feasible) return row(c, "optimal", "optimal", optimal.plan);
  {
    const why =
      optimal.status === "infeasible"
        ? `no feasible plan within the horizon. ${(optimal.binding ?? []).join(" ")}`.trim()
        : `the planner stopped without a plan (${optimal.status})`;
    return {
      name: "optimal",
      kind: "optimal",
      feasible: false,
      phases: null,
      minSlack: null,
      worstExposure: {},
      final: {},
      progress: null,
      plan: null,
      safety: null,
      firstViolation: why,
      ...(credibleTo(c) ? { credibleTo: [] } : {}),
    };
  }
}
