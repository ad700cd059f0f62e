/**
 * The right pane: the view tabs (Plan, Compare, Find the best plan, Simulate, Export) over the
 * analysis of the chosen plan.
 */

import { useState } from "preact/hooks";
import type { Analysis, CompiledScenario } from "../../../../src/analysis/index.ts";
import type { Plan } from "../../../../src/model/index.ts";
import type { FrontierPoint } from "../../../../src/planner/index.ts";
import { FrontierChart } from "../../components/Frontier.tsx";
import { HelpLink } from "../../components/Glossary.tsx";
import { PlanSelect } from "../../components/PlanSelect.tsx";
import { PlanView, partyNames } from "../../components/PlanView.tsx";
import { Tabs, tabPanelProps } from "../../components/Tabs.tsx";
import type { PlanChoice } from "../../lib/analysis.ts";
import type { Capabilities } from "../../lib/api.ts";
import { useFormAction } from "../../lib/form-action.ts";
import { findPlanInBrowser, type Where } from "../../lib/in-browser.ts";
import type { PlanReport } from "../../lib/planner.ts";
import { plannerOptions } from "../../lib/planner.ts";
import type { SimulationSummary } from "../../lib/sim-results.ts";
import { BestPlanTab, WhereNote } from "../BestPlanTab.tsx";
import { CompareTab } from "../CompareTab.tsx";
import { SimulateTab, type SimulationDone } from "../SimulateTab.tsx";
import { ExportTab } from "./ExportTab.tsx";

export type Tab = "plan" | "compare" | "best" | "simulate" | "export";
export const TABS: { id: Tab; label: string }[] = [
  { id: "plan", label: "Plan" },
  { id: "compare", label: "Compare" },
  { id: "best", label: "Find the best plan" },
  { id: "simulate", label: "Simulate" },
  { id: "export", label: "Export" },
];
export const isTab = (t: string | null): t is Tab => TABS.some((x) => x.id === t);

interface Props {
  compiled?: CompiledScenario;
  source: string;
  pageId: string;
  capabilities?: Capabilities;
  tab: Tab;
  onTab(tab: Tab): void;
  choices: PlanChoice[];
  chosen?: PlanChoice;
  analysis?: Analysis;
  onPlan(name: string): void;
  optimal?: PlanReport;
  restoredOptimum?: Plan;
  onOptimum(report: PlanReport): void;
  objective: string;
  onObjective(objective: string): void;
  /** The planner's "robust" option (kept in the address). */
  robust: boolean;
  onRobust(robust: boolean): void;
  onSavePlan(name: string, plan: Plan): void;
  simulations: Record<string, SimulationSummary>;
  onSimulated(done: SimulationDone): void;
  /** The safety frontier, once charted (here or by the safest objective). */
  frontier?: FrontierPoint[];
  onFrontier(points: FrontierPoint[]): void;
  /** The frontier point the best-plan tab shows (its number of phases). */
  frontierPoint?: number;
  onFrontierPoint(phases: number | undefined): void;
  /** Whose perspective the plan view shows (MODEL.md §9; kept in the address). */
  viewer: string;
  onViewer(viewer: string): void;
}

/** The plan choice a frontier point becomes: the safest plan within that many phases. */
export const frontierPlanName = (phases: number) => `frontier-${phases}`;

/**
 * The safety frontier under the plan view: charted on request (the planner solves one search per
 * number of phases), and each point, picked, becomes the plan the view above shows.
 */
function FrontierPanel({
  source,
  points,
  chosen,
  onFrontier,
  onPlan,
}: {
  source: string;
  points?: FrontierPoint[];
  chosen: string;
  onFrontier(points: FrontierPoint[]): void;
  onPlan(name: string): void;
}) {
  const action = useFormAction();
  const [where, setWhere] = useState<Where | undefined>();
  const [said, setSaid] = useState("");
  const chart = () =>
    action.run(async () => {
      const { result, where } = await findPlanInBrowser(source, plannerOptions("safety", false));
      setWhere(where);
      if (result.status === "time-limit")
        action.say({ ok: false, text: "The search stopped at its time limit before it found a plan." });
      else if (result.frontier) onFrontier(result.frontier);
      else
        action.say({ ok: false, text: `The planner found no plan within the horizon (${result.status}).` });
    });
  const selected = points?.find((p) => frontierPlanName(p.phases) === chosen)?.phases;
  return (
    <section class="frontier-panel" aria-labelledby="frontier-heading" data-testid="frontier-panel">
      <h2 id="frontier-heading">
        How much safety each extra phase buys
        <HelpLink terms={["frontier", "theta"]} />
      </h2>
      {!points && (
        <p class="toolbar">
          <button type="button" disabled={action.busy} onClick={chart} data-testid="chart-frontier">
            {action.busy ? "Charting…" : "Chart the safety frontier"}
          </button>
          <span class="muted">
            the safest plan for each number of phases, from the fewest feasible to the horizon
          </span>
        </p>
      )}
      {action.error && (
        <p class="error" role="alert">
          {action.error}
        </p>
      )}
      <WhereNote where={where} />
      {points && (
        <FrontierChart
          points={points}
          selected={selected}
          fileName="frontier"
          onSelect={(p) => {
            onPlan(frontierPlanName(p.phases));
            setSaid(
              `The plan view above now shows the safest plan within ${p.phases} phases (θ* ${p.theta.toFixed(2)}).`,
            );
          }}
        />
      )}
      <p class="sr-only" role="status">
        {said}
      </p>
    </section>
  );
}

export function AnalysisPane(props: Props) {
  const { compiled, chosen, analysis, tab, choices, source } = props;
  return (
    <section class="pane pane-right" aria-label="Analysis">
      <div class="toolbar">
        <Tabs label="Views" idPrefix="view" tabs={TABS} selected={tab} onSelect={props.onTab} />
      </div>
      <div {...tabPanelProps("view", tab)}>
        {/* The view's own heading, under the scenario's h1, so the views' h3s skip no level. */}
        <h2 class="sr-only">{TABS.find((t) => t.id === tab)?.label}</h2>
        {compiled && chosen && analysis ? (
          <>
            {(tab === "plan" || tab === "simulate" || tab === "export") && (
              <PlanSelect
                labelClass="plan-select"
                testId="plan-select"
                choices={choices}
                chosen={chosen}
                onPlan={props.onPlan}
              >
                Plan{" "}
              </PlanSelect>
            )}
            {tab === "plan" && (
              <>
                <PlanView
                  compiled={compiled}
                  analysis={analysis}
                  planName={chosen.name}
                  viewer={props.viewer}
                  onViewer={props.onViewer}
                />
                <FrontierPanel
                  source={source}
                  points={props.frontier}
                  chosen={chosen.name}
                  onFrontier={props.onFrontier}
                  onPlan={props.onPlan}
                />
              </>
            )}
            {tab === "compare" && (
              <CompareTab
                compiled={compiled}
                choices={choices}
                source={source}
                simulations={props.simulations}
                onOptimum={props.onOptimum}
                onOpen={(name) => {
                  props.onPlan(name);
                  props.onTab("plan");
                }}
              />
            )}
            {tab === "best" && (
              <BestPlanTab
                compiled={compiled}
                source={source}
                report={props.optimal}
                restored={props.restoredOptimum}
                objective={props.objective}
                onObjective={props.onObjective}
                robust={props.robust}
                onRobust={props.onRobust}
                onReport={props.onOptimum}
                onSave={props.onSavePlan}
                frontierPoint={props.frontierPoint}
                onFrontierPoint={props.onFrontierPoint}
                onUse={() => {
                  props.onPlan("optimal");
                  props.onTab("plan");
                }}
              />
            )}
            {tab === "simulate" && (
              <SimulateTab
                compiled={compiled}
                source={source}
                plan={chosen.plan}
                planName={chosen.name}
                names={partyNames(compiled)}
                capabilities={props.capabilities}
                onDone={props.onSimulated}
              />
            )}
            {tab === "export" && (
              <ExportTab compiled={compiled} chosen={chosen} analysis={analysis} pageId={props.pageId} />
            )}
          </>
        ) : (
          <p class="notice">Fix the problems in the scenario to see its analysis.</p>
        )}
      </div>
    </section>
  );
}
