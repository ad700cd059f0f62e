/**
 * One scenario: the editor (YAML or tables) on the left, re-analysed in the browser on every
 * edit; the plan view, comparison, planner, simulation and exports on the right. What a reload or
 * a shared link must restore (tab, plan, optimum, objective) lives in the address; unsaved edits
 * are guarded against being lost.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Plan } from "../../../src/model/index.ts";
import type { FrontierPoint } from "../../../src/planner/index.ts";
import { TRUTH } from "../components/Perspectives.tsx";
import { analyse, defaultPlan, type PlanChoice, planChoices } from "../lib/analysis.ts";
import type { Capabilities } from "../lib/api.ts";
import { findPlanInBrowser } from "../lib/in-browser.ts";
import { type PlanReport, plannerOptions } from "../lib/planner.ts";
import { readSimulations, recordSimulation, type SimulationSummary } from "../lib/sim-results.ts";
import { mark } from "../lib/timing.ts";
import { guardNavigation, planParam, readHash, useParam, writeParams, yesNo } from "../lib/url-state.ts";
import { setField } from "../lib/yaml-edit.ts";
import type { SimulationDone } from "./SimulateTab.tsx";
import { AnalysisPane, frontierPlanName, isTab, type Tab } from "./workspace/AnalysisPane.tsx";
import { EditorPane } from "./workspace/EditorPane.tsx";
import { useScenarioSource } from "./workspace/useScenarioSource.ts";

export const UNSAVED_WARNING =
  "This scenario has unsaved edits. Leave anyway? (They stay in this tab until it closes.)";

/** The optimum as the page holds it: the planner's report, or only a plan restored from the link. */
interface Optimum {
  report?: PlanReport;
  /** The plan found, when it is feasible (an infeasible report's plan is only the relaxed one). */
  plan?: Plan;
}

export function Workspace({ id, capabilities }: { id?: string; capabilities?: Capabilities }) {
  const state = useScenarioSource(id);
  const pageId = id ?? "new";
  const initial = useMemo(() => readHash().params, []);
  const [tab, setTab] = useState<Tab>(() => {
    const t = initial.get("tab");
    return isTab(t) ? t : "plan";
  });
  const [planName, setPlanName] = useState<string | undefined>(initial.get("plan") ?? undefined);
  const [objective, setObjective] = useState(initial.get("objective") ?? "phases");
  // The planner's "robust" option (worst case of the value ranges), kept with the objective.
  const [robustParam, setRobustParam] = useParam("robust", "no", yesNo);
  const robust = robustParam === "yes";
  const [optimum, setOptimum] = useState<Optimum | undefined>(() => {
    const plan = planParam(initial, "optimum");
    return plan ? { plan } : undefined;
  });
  const [simulations, setSimulations] = useState<Record<string, SimulationSummary>>(() =>
    readSimulations(pageId),
  );
  const [frontier, setFrontier] = useState<FrontierPoint[] | undefined>();
  // Whose perspective the plan view shows; a party without a view falls back to the truth there.
  const [viewer, setViewer] = useParam("view", TRUTH, (v): v is string => v.length > 0);
  const [frontierPoint, setFrontierPoint] = useState<number | undefined>(() => {
    const n = Number(initial.get("frontier"));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  });
  const titleRef = useRef<HTMLHeadingElement>(null);
  const leaving = useRef(false);

  // The address follows the state, so a reload or a shared link restores it.
  useEffect(() => {
    writeParams({
      tab: tab === "plan" ? undefined : tab,
      plan: planName,
      objective: objective === "phases" ? undefined : objective,
      optimum: optimum?.plan ? JSON.stringify(optimum.plan) : undefined,
      frontier: frontierPoint?.toString(),
    });
  }, [tab, planName, objective, optimum, frontierPoint]);

  // Unsaved edits: warn before the tab closes or reloads, and before the app goes elsewhere
  // (the briefing of this scenario reads the draft, so going there loses nothing).
  const dirty = state.dirty;
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = UNSAVED_WARNING;
    };
    window.addEventListener("beforeunload", beforeUnload);
    const unguard = guardNavigation((to) => {
      if (leaving.current) return true;
      const here = to.path[0] === "s" && to.path[1] === pageId;
      const newHere = !id && to.path[0] === "new";
      return here || newHere || confirm(UNSAVED_WARNING);
    });
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      unguard();
    };
  }, [dirty, pageId, id]);

  const { current, source } = state;
  // A frontier charted for other text would offer plans the scenario may no longer have.
  useEffect(() => setFrontier(undefined), [source]);
  useRestoredSearches(source, initial, objective, robust, optimum, {
    onFrontier: setFrontier,
    // A search run here meanwhile is newer than the link's.
    onReport: (report) => setOptimum((held) => (held?.report ? held : { report, plan: report.plan })),
  });
  const compiled = current?.compiled;
  const title = current?.scenario?.title ?? state.doc?.title ?? id ?? "New scenario";
  useEffect(() => {
    document.title = `${title} — Lockstep workbench`;
  }, [title]);
  // Opening a scenario puts the focus on its title, so reading starts there.
  const loaded = source !== undefined;
  useEffect(() => {
    if (loaded) titleRef.current?.focus({ preventScroll: true });
  }, [loaded]);

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

  if (state.loadError)
    return (
      <main class="error" id="main" tabIndex={-1}>
        {state.loadError}
      </main>
    );
  if (source === undefined)
    return (
      <main id="main" tabIndex={-1}>
        Loading…
      </main>
    );

  const onOptimum = (report: PlanReport) => {
    setOptimum({ report, plan: report.feasible && report.phases > 0 ? report.plan : undefined });
    if (report.frontier) setFrontier(report.frontier);
    setFrontierPoint(undefined);
  };
  const savePlan = (name: string, plan: Plan) =>
    state.editFromOutside(setField(source, ["plans", name], plan));
  const onSimulated = ({ report, planName: plan, risk }: SimulationDone) =>
    setSimulations(recordSimulation(pageId, report, plan, risk));

  return (
    <main class="workspace" id="main" tabIndex={-1}>
      <EditorPane
        state={state}
        title={title}
        titleRef={titleRef}
        onSaved={(created) => {
          leaving.current = true;
          location.hash = `#/s/${encodeURIComponent(created)}`;
        }}
      />
      <AnalysisPane
        compiled={compiled}
        source={source}
        pageId={pageId}
        capabilities={capabilities}
        tab={tab}
        onTab={setTab}
        choices={choices}
        chosen={chosen}
        analysis={analysis}
        onPlan={setPlanName}
        optimal={optimum?.report}
        restoredOptimum={optimum?.report ? undefined : optimum?.plan}
        onOptimum={onOptimum}
        objective={objective}
        onObjective={setObjective}
        robust={robust}
        onRobust={(on) => setRobustParam(on ? "yes" : "no")}
        onSavePlan={savePlan}
        simulations={simulations}
        onSimulated={onSimulated}
        frontier={frontier}
        onFrontier={setFrontier}
        frontierPoint={frontierPoint}
        onFrontierPoint={setFrontierPoint}
        viewer={viewer}
        onViewer={setViewer}
      />
    </main>
  );
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
