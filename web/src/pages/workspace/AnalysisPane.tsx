/**
 * The right pane: the view tabs (Plan, Compare, Find the best plan, Simulate, Export) over the
 * analysis of the chosen plan.
 */
import type { Analysis, CompiledScenario } from "../../../../src/analysis/index.ts";
import type { Plan } from "../../../../src/model/index.ts";
import { PlanView, partyNames } from "../../components/PlanView.tsx";
import { Tabs, tabPanelProps } from "../../components/Tabs.tsx";
import type { PlanChoice } from "../../lib/analysis.ts";
import type { Capabilities } from "../../lib/api.ts";
import type { PlanReport } from "../../lib/planner.ts";
import type { SimulationSummary } from "../../lib/sim-results.ts";
import { BestPlanTab } from "../BestPlanTab.tsx";
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
  onSavePlan(name: string, plan: Plan): void;
  simulations: Record<string, SimulationSummary>;
  onSimulated(done: SimulationDone): void;
}

export function AnalysisPane(props: Props) {
  const { compiled, chosen, analysis, tab, choices, source } = props;
  return (
    <section class="pane pane-right" aria-label="Analysis">
      <div class="toolbar">
        <Tabs label="Views" idPrefix="view" tabs={TABS} selected={tab} onSelect={props.onTab} />
      </div>
      <div {...tabPanelProps("view", tab)}>
        {compiled && chosen && analysis ? (
          <>
            {(tab === "plan" || tab === "simulate" || tab === "export") && (
              <label class="plan-select">
                Plan{" "}
                <select
                  data-testid="plan-select"
                  value={chosen.name}
                  onChange={(e) => props.onPlan(e.currentTarget.value)}
                >
                  {choices.map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {tab === "plan" && <PlanView compiled={compiled} analysis={analysis} planName={chosen.name} />}
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
                onReport={props.onOptimum}
                onSave={props.onSavePlan}
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
