/**
 * What the planner found for the workspace: the optimum (its report, or only a plan restored from
 * the link) and the safety frontier. Both are searched again, once, when the address names them
 * but only a search can give them back.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Plan } from "../../../../src/model/index.ts";
import type { FrontierPoint } from "../../../../src/planner/index.ts";
import { findPlanInBrowser } from "../../lib/in-browser.ts";
import { type PlanReport, plannerOptions } from "../../lib/planner.ts";
import { planParam } from "../../lib/url-state.ts";

/** The optimum as the page holds it: the planner's report, or only a plan restored from the link. */
export interface Optimum {
  report?: PlanReport;
  /** The plan found, when it is feasible (an infeasible report's plan is only the relaxed one). */
  plan?: Plan;
}

export function usePlannerResults(
  initial: URLSearchParams,
  source: string | undefined,
  objective: string,
  robust: boolean,
) {
  const [optimum, setOptimum] = useState<Optimum | undefined>(() => {
    const plan = planParam(initial, "optimum");
    return plan ? { plan } : undefined;
  });
  const [frontier, setFrontier] = useState<FrontierPoint[] | undefined>();
  // A frontier charted for other text would offer plans the scenario may no longer have.
  useEffect(() => setFrontier(undefined), [source]);
  useRestoredSearches(source, initial, objective, robust, optimum, {
    onFrontier: setFrontier,
    // A search run here meanwhile is newer than the link's.
    onReport: (report) => setOptimum((held) => (held?.report ? held : { report, plan: report.plan })),
  });
  /** A search run on this page: its plan becomes the optimum, its frontier (if any) the frontier. */
  const onOptimum = (report: PlanReport) => {
    setOptimum({ report, plan: report.feasible && report.phases > 0 ? report.plan : undefined });
    if (report.frontier) setFrontier(report.frontier);
  };
  return { optimum, frontier, setFrontier, onOptimum };
}

/** A plan's JSON with its keys in order, so two equal plans compare equal. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/**
 * What the address names but only a search can give back, asked once when the scenario first
 * loads: the frontier behind a `plan=frontier-N`, and the planner's full report behind an
 * `optimum` (taken only when the search finds that same plan). In this tab the answers are kept
 * (plan-cache.ts), so a reload shows them at once; a shared link searches again.
 */
function useRestoredSearches(
  source: string | undefined,
  initial: URLSearchParams,
  objective: string,
  robust: boolean,
  optimum: Optimum | undefined,
  restore: { onFrontier(points: FrontierPoint[]): void; onReport(report: PlanReport): void },
): void {
  const asked = useRef(false);
  // Leaving the page gives the searches up; a later edit of the text does not.
  const leave = useRef(new AbortController());
  useEffect(() => () => leave.current.abort(), []);
  useEffect(() => {
    if (source === undefined || asked.current) return;
    asked.current = true;
    const { signal } = leave.current;
    const ignore = () => undefined;
    const linked = optimum?.report ? undefined : optimum?.plan;
    if (linked) {
      findPlanInBrowser(source, plannerOptions(objective, robust), signal)
        .then(({ result }) => {
          if (!result.feasible || canonical(result.plan) !== canonical(linked)) return;
          restore.onReport(result);
          if (result.frontier) restore.onFrontier(result.frontier);
        })
        .catch(ignore);
    }
    if (initial.get("plan")?.startsWith("frontier-")) {
      findPlanInBrowser(source, plannerOptions("safety", false), signal)
        .then(({ result }) => result.frontier && restore.onFrontier(result.frontier))
        .catch(ignore);
    }
    // Only the first text loaded: later edits make a different scenario than the link's.
  }, [source]);
}
