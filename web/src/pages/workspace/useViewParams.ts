/**
 * The part of the workspace's view that lives in the address (lib/url-state.ts): the tab, the plan
 * chosen, the planner's objective and robust option, whose perspective the plan view shows and the
 * frontier point chosen. Read once when the page opens; the address then follows every change, so
 * a reload or a shared link opens the page as it was left.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { TRUTH } from "../../components/Perspectives.tsx";
import { readHash, useParam, writeParams, yesNo } from "../../lib/url-state.ts";
import { isTab, type Tab } from "./AnalysisPane.tsx";
import type { Optimum } from "./usePlannerResults.ts";

export type ViewParams = ReturnType<typeof useViewParams>;

export function useViewParams() {
  // The address as the page opened, also what the restored searches read (usePlannerResults.ts).
  const initial = useMemo(() => readHash().params, []);
  const [tab, setTab] = useState<Tab>(() => {
    const t = initial.get("tab");
    return isTab(t) ? t : "plan";
  });
  const [planName, setPlanName] = useState<string | undefined>(initial.get("plan") ?? undefined);
  const [objective, setObjective] = useState(initial.get("objective") ?? "phases");
  // The planner's "robust" option (worst case of the value ranges), kept with the objective.
  const [robustParam, setRobustParam] = useParam("robust", "no", yesNo);
  // Whose perspective the plan view shows; a party without a view falls back to the truth there.
  const [viewer, setViewer] = useParam("view", TRUTH, (v): v is string => v.length > 0);
  const [frontierPoint, setFrontierPoint] = useState<number | undefined>(() => {
    const n = Number(initial.get("frontier"));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  });
  return {
    initial,
    tab,
    setTab,
    planName,
    setPlanName,
    objective,
    setObjective,
    robust: robustParam === "yes",
    setRobust: (on: boolean) => setRobustParam(on ? "yes" : "no"),
    viewer,
    setViewer,
    frontierPoint,
    setFrontierPoint,
  };
}

/** The address follows the view and the optimum found (robust and view follow in useParam). */
export function useViewInAddress(view: ViewParams, optimum: Optimum | undefined): void {
  const { tab, planName, objective, frontierPoint } = view;
  useEffect(() => {
    writeParams({
      tab: tab === "plan" ? undefined : tab,
      plan: planName,
      objective: objective === "phases" ? undefined : objective,
      optimum: optimum?.plan ? JSON.stringify(optimum.plan) : undefined,
      frontier: frontierPoint?.toString(),
    });
  }, [tab, planName, objective, optimum, frontierPoint]);
}
