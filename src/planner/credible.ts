/**
 * plan --credible when no plan is both feasible and credible to every party (MODEL.md §9): the
 * best plan feasible in truth, and which beliefs stand in the way of it: for each party that does
 * not find it credible, the smallest correction of one of its beliefs that would make it credible.
 */

import type { CompiledScenario } from "../analysis/index.ts";
import { analysisDocument, analyzePlan, beliefCorrections } from "../analysis/index.ts";
import { findPlan, type PlanOptions } from "./find.ts";
import type { PlanReport } from "./report.ts";
import type { Base } from "./session.ts";

export async function noCrediblePlan(
  c: CompiledScenario,
  options: PlanOptions,
  base: Base,
): Promise<PlanReport> {
  const truth = await findPlan(c, { ...options, credible: false });
  const stats = {
    ...truth.stats,
    solves: truth.stats.solves + base.stats.solves,
    seconds: truth.stats.seconds + base.stats.seconds,
  };
  const horizon = options.horizon ?? c.horizon;
  if (!truth.feasible) {
    const why =
      truth.status === "infeasible"
        ? "no plan is feasible even in truth, so none can be credible; below: what it would take in truth"
        : "no plan is credible to every party, and the search for the best plan feasible in truth stopped undecided";
    return {
      ...truth,
      notes: [...base.notes, ...truth.notes.filter((n) => !base.notes.includes(n)), why],
      stats,
    };
  }
  const analysis = analyzePlan(c, truth.plan);
  const corrections = beliefCorrections(c, analysis);
  return {
    ...base,
    feasible: false,
    status: "infeasible",
    phases: truth.phases,
    plan: truth.plan,
    minSlack: truth.minSlack,
    analysis: analysisDocument(c, analysis),
    binding: [
      `No plan within ${horizon} phases is both feasible and credible to every party. The best plan feasible in truth is below; ` +
        "what stands in its way is what the parties believe:",
      ...corrections.map((x) => x.text),
    ],
    beliefs: corrections.flatMap((x) => (x.correction ? [x.correction] : [])),
    stats,
  };
}
