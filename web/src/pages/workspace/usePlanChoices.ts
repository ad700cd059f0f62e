/**
 * The plans the workspace offers (the scenario's own, the optimum found, the frontier's points),
 * the one chosen (by name, else the scenario's default) and its analysis.
 */
import { useMemo } from "preact/hooks";
import type { CompiledScenario } from "../../../../src/analysis/index.ts";
import type { FrontierPoint } from "../../../../src/planner/index.ts";
import { analyse, defaultPlan, type PlanChoice, planChoices } from "../../lib/analysis.ts";
import { mark } from "../../lib/timing.ts";
import { frontierPlanName } from "./AnalysisPane.tsx";
import type { Optimum } from "./usePlannerResults.ts";

export function usePlanChoices(
  compiled: CompiledScenario | undefined,
  optimum: Optimum | undefined,
  frontier: FrontierPoint[] | undefined,
  planName: string | undefined,
) {
  const choices = useMemo(() => {
    const found: PlanChoice[] = optimum?.plan
      ? [{ name: "optimal", label: "optimal (found by the planner)", plan: optimum.plan }]
      : [];
    for (const point of frontier ?? []) {
      found.push({
        name: frontierPlanName(point.phases),
        label: `safest within ${point.phases} phases (frontier, θ* ${point.theta.toFixed(2)})`,
        plan: point.plan,
      });
    }
    return compiled ? planChoices(compiled, found) : [];
  }, [compiled, optimum, frontier]);
  const chosen =
    choices.find((c) => c.name === planName) ??
    choices.find((c) => compiled && c.name === defaultPlan(compiled));
  const analysis = useMemo(() => {
    if (!compiled || !chosen) return undefined;
    const result = analyse(compiled, chosen.plan);
    mark("analysed");
    return result;
  }, [compiled, chosen]);
  return { choices, chosen, analysis };
}
