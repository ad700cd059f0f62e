/**
 * One scenario: the editor (YAML or tables) on the left, re-analysed in the browser on every
 * edit; the plan view, comparison, planner, simulation and exports on the right. Each step is a
 * hook of its own in workspace/: the text (useScenarioSource), what the address keeps
 * (useViewParams), what the planner found (usePlannerResults), the plans offered and the chosen
 * one's analysis (usePlanChoices), and the guard on unsaved edits (useUnsavedGuard).
 */
import { useState } from "preact/hooks";
import type { Plan } from "../../../src/model/index.ts";
import type { Capabilities } from "../lib/api.ts";
import { usePageTitle } from "../lib/hooks.ts";
import type { PlanReport } from "../lib/planner.ts";
import { readSimulations, recordSimulation, type SimulationSummary } from "../lib/sim-results.ts";
import { setField } from "../lib/yaml-edit.ts";
import type { SimulationDone } from "./SimulateTab.tsx";
import { AnalysisPane } from "./workspace/AnalysisPane.tsx";
import { EditorPane } from "./workspace/EditorPane.tsx";
import { usePlanChoices } from "./workspace/usePlanChoices.ts";
import { usePlannerResults } from "./workspace/usePlannerResults.ts";
import { useScenarioSource } from "./workspace/useScenarioSource.ts";
import { useUnsavedGuard } from "./workspace/useUnsavedGuard.ts";
import { useViewInAddress, useViewParams } from "./workspace/useViewParams.ts";

export function Workspace({ id, capabilities }: { id?: string; capabilities?: Capabilities }) {
  const state = useScenarioSource(id);
  const { current, source } = state;
  const pageId = id ?? "new";
  const view = useViewParams();
  const found = usePlannerResults(view.initial, source, view.objective, view.robust);
  useViewInAddress(view, found.optimum);
  const leave = useUnsavedGuard(state.dirty, pageId, id);
  const title = current?.scenario?.title ?? state.doc?.title ?? id ?? "New scenario";
  const titleRef = usePageTitle(title, source !== undefined);
  const compiled = current?.compiled;
  const { choices, chosen, analysis } = usePlanChoices(
    compiled,
    found.optimum,
    found.frontier,
    view.planName,
  );
  const [simulations, onSimulated] = useSimulations(pageId);

  if (state.loadError || source === undefined) return <NotLoaded error={state.loadError} />;
  const onOptimum = (report: PlanReport) => {
    found.onOptimum(report);
    view.setFrontierPoint(undefined);
  };
  const savePlan = (name: string, plan: Plan) =>
    state.editFromOutside(setField(source, ["plans", name], plan));
  const onSaved = (created: string) => {
    leave();
    location.hash = `#/s/${encodeURIComponent(created)}`;
  };

  return (
    <main class="workspace" id="main" tabIndex={-1}>
      <EditorPane state={state} title={title} titleRef={titleRef} onSaved={onSaved} />
      <AnalysisPane
        {...{ compiled, source, pageId, capabilities, choices, chosen, analysis, simulations, onSimulated }}
        tab={view.tab}
        onTab={view.setTab}
        onPlan={view.setPlanName}
        optimal={found.optimum?.report}
        restoredOptimum={found.optimum?.report ? undefined : found.optimum?.plan}
        onOptimum={onOptimum}
        objective={view.objective}
        onObjective={view.setObjective}
        robust={view.robust}
        onRobust={view.setRobust}
        onSavePlan={savePlan}
        frontier={found.frontier}
        onFrontier={found.setFrontier}
        frontierPoint={view.frontierPoint}
        onFrontierPoint={view.setFrontierPoint}
        viewer={view.viewer}
        onViewer={view.setViewer}
      />
    </main>
  );
}

/** The page while the scenario loads, or why it did not. */
function NotLoaded({ error }: { error: string | undefined }) {
  return (
    <main class={error ? "error" : undefined} id="main" tabIndex={-1}>
      {error || "Loading…"}
    </main>
  );
}

/** The simulations run for this page in this tab, and the handler that records a new one. */
function useSimulations(pageId: string) {
  const [simulations, setSimulations] = useState<Record<string, SimulationSummary>>(() =>
    readSimulations(pageId),
  );
  const onSimulated = ({ report, planName, risk }: SimulationDone) =>
    setSimulations(recordSimulation(pageId, report, planName, risk));
  return [simulations, onSimulated] as const;
}
