/**
 * The printable briefing: the scenario in brief, the recommended plan, why the alternatives fail,
 * and the risks that remain. Built from the same analysis as the workbench.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { Analysis, CompiledScenario, Safety } from "../../../src/analysis/index.ts";
import type { Scenario } from "../../../src/model/index.ts";
import { Chart } from "../components/Chart.tsx";
import { exposureSummary } from "../components/chart-summaries.ts";
import { EXPOSURE_LEGEND, exposureChart } from "../components/charts.ts";
import { FrontierChart, frontierSummary } from "../components/Frontier.tsx";
import { exposedParties, partyNames } from "../components/PlanView.tsx";
import { robustnessOf, thetaText } from "../components/Robustness.tsx";
import { Swimlane } from "../components/Swimlane.tsx";
import { analyse, type PlanChoice, partyName, planChoices, readSource } from "../lib/analysis.ts";
import type { Capabilities } from "../lib/api.ts";
import { download } from "../lib/export.ts";
import { useScenarioText } from "../lib/hooks.ts";
import { findPlanInBrowser } from "../lib/in-browser.ts";
import { type PlanReport, plannerOptions } from "../lib/planner.ts";
import { describeSimulation, readSimulations, type SimulationSummary } from "../lib/sim-results.ts";
import { readHash, writeParams } from "../lib/url-state.ts";
import { frontierPlanName } from "./workspace/AnalysisPane.tsx";

interface Ranked {
  choice: PlanChoice;
  analysis: Analysis;
  /** θ* (MODEL.md §7): Infinity when unbounded, -1 when the plan is infeasible. */
  theta: number;
}

/** Feasible plans first, the safest (largest θ*) leading, then fewer phases, then more slack. */
function rank(a: Ranked, b: Ranked): number {
  const score = (r: Ranked) => (r.analysis.feasible ? 0 : 1);
  return (
    score(a) - score(b) ||
    (a.analysis.feasible
      ? b.theta - a.theta || a.analysis.phases - b.analysis.phases
      : a.analysis.violations.length - b.analysis.violations.length) ||
    b.analysis.minSlack - a.analysis.minSlack
  );
}

function thetaValue(safety: Safety | null): number {
  if (!safety) return -1;
  return safety.unbounded || safety.theta === null ? Number.POSITIVE_INFINITY : safety.theta;
}

export function Briefing({ id }: { id: string; capabilities?: Capabilities }) {
  const { source, loadError } = useScenarioText(id);
  const { optimal, plannerNote } = useSafestPlan(source);
  // The plan the briefing covers: chosen here (kept in the address) or the recommended one.
  const [chosenName, setChosenName] = useState<string | undefined>(
    () => readHash().params.get("plan") ?? undefined,
  );
  useEffect(() => writeParams({ plan: chosenName }), [chosenName]);
  const simulations = useMemo(() => readSimulations(id), [id]);
  const ws = useMemo(() => (source ? readSource(source, id) : undefined), [source, id]);
  useEffect(() => {
    const title = ws?.scenario?.title ?? id;
    document.title = `${title}: briefing — Lockstep workbench`;
  }, [ws, id]);
  if (loadError)
    return (
      <main class="error" id="main" tabIndex={-1}>
        {loadError}
      </main>
    );
  if (!ws)
    return (
      <main id="main" tabIndex={-1}>
        Loading…
      </main>
    );
  if (!ws.compiled || !ws.scenario) {
    return (
      <main class="error">The scenario has {ws.issues.length} problem(s); fix them in the editor first.</main>
    );
  }
  const compiled = ws.compiled;
  const scenario = ws.scenario;
  const ranked = rankedPlans(compiled, optimal);
  // The safest plan leads; a frontier point with the same θ* is the same advice, listed after it.
  const recommended = ranked.find((r) => r.choice.name === "safest" && r.analysis.feasible) ?? ranked[0];
  const best = ranked.find((r) => r.choice.name === chosenName) ?? recommended;
  // The frontier's other points are in its chart; listing each again would bury the doctrines.
  const others = ranked.filter(
    (r) => r !== best && (!r.choice.name.startsWith("frontier-") || r.choice.name === chosenName),
  );
  const plan = { compiled, scenario, best, recommended };

  return (
    <main class="briefing" data-testid="briefing" id="main" tabIndex={-1}>
      <BriefingNav
        {...{ id, scenario, ranked, best, recommended }}
        onChoose={(name) => setChosenName(name === recommended.choice.name ? undefined : name)}
      />
      <h1>{scenario.title ?? scenario.id}: briefing</h1>
      <ScenarioInBrief compiled={compiled} scenario={scenario} />
      {optimal?.frontier && (
        <FrontierSection
          frontier={optimal.frontier}
          stopped={optimal.status === "time-limit"}
          best={best}
          onChoose={setChosenName}
        />
      )}
      {!optimal && !plannerNote && (
        <p class="muted" role="status">
          Looking for the safest plan and the frontier…
        </p>
      )}
      <ChosenPlan
        {...plan}
        optimal={optimal}
        plannerNote={plannerNote}
        simulated={simulations[best.choice.name]}
      />
      <OtherPlans {...plan} others={others} />
      <Risks {...plan} />
    </main>
  );
}

/**
 * The safest plan and the frontier, which lead the briefing (MODEL.md §7), or why the planner gave
 * none. The planner runs in a browser worker, so the optimum does not depend on the server's build.
 */
function useSafestPlan(source: string | undefined) {
  const [optimal, setOptimal] = useState<PlanReport | undefined>();
  const [plannerNote, setPlannerNote] = useState<string | undefined>();
  useEffect(() => {
    if (!source) return;
    // Leaving the briefing before the answer gives the search up, so it does not hold up the
    // workbench's next one.
    const leave = new AbortController();
    findPlanInBrowser(source, plannerOptions("safety", false), leave.signal)
      .then(({ result }) => setOptimal(result))
      .catch((e: Error) => {
        if (!leave.signal.aborted) setPlannerNote(`The planner failed: ${e.message}`);
      });
    return () => leave.abort();
  }, [source]);
  return { optimal, plannerNote };
}

/** Every plan the briefing weighs (the scenario's, the safest and the frontier's), ranked. */
function rankedPlans(compiled: CompiledScenario, optimal: PlanReport | undefined): Ranked[] {
  const found: PlanChoice[] = optimal?.feasible
    ? [{ name: "safest", label: "the safest plan (found by the planner)", plan: optimal.plan }]
    : [];
  for (const point of optimal?.frontier ?? []) {
    found.push({
      name: frontierPlanName(point.phases),
      label: `the safest plan within ${point.phases} phases (frontier)`,
      plan: point.plan,
    });
  }
  return planChoices(compiled, found)
    .map((choice) => {
      const analysis = analyse(compiled, choice.plan);
      return { choice, analysis, theta: thetaValue(robustnessOf(compiled, analysis).safety) };
    })
    .sort(rank);
}

/** What the sections about the plan covered need. */
interface PlanCovered {
  compiled: CompiledScenario;
  scenario: Scenario;
  best: Ranked;
  recommended: Ranked;
}

/** Back, the plan covered (the recommended one unless another is chosen), Print and Download. */
function BriefingNav({
  id,
  scenario,
  ranked,
  best,
  recommended,
  onChoose,
}: {
  id: string;
  scenario: Scenario;
  ranked: Ranked[];
  best: Ranked;
  recommended: Ranked;
  onChoose(name: string): void;
}) {
  return (
    <nav class="no-print toolbar">
      <a href={`#/s/${encodeURIComponent(id)}`}>← Back to the workbench</a>
      <label>
        Plan covered{" "}
        <select
          data-testid="briefing-plan"
          value={best.choice.name}
          onChange={(e) => onChoose(e.currentTarget.value)}
        >
          {ranked.map((r) => (
            <option key={r.choice.name} value={r.choice.name}>
              {r.choice.name}
              {r === recommended ? " (recommended)" : ""}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => window.print()}>
        Print
      </button>
      <button
        type="button"
        data-testid="download-briefing"
        onClick={() =>
          download(
            `${scenario.id}-briefing.html`,
            `<!doctype html><html><head><meta charset="utf-8"><title>${scenario.title ?? scenario.id}: briefing</title><style>${[...document.querySelectorAll("style")].map((s) => s.textContent).join("\n")}</style></head><body>${document.querySelector(".briefing")?.outerHTML ?? ""}</body></html>`,
            "text/html",
          )
        }
      >
        Download HTML
      </button>
    </nav>
  );
}

/** The scenario in brief: what it is about, who takes part, its size. */
function ScenarioInBrief({ compiled, scenario }: { compiled: CompiledScenario; scenario: Scenario }) {
  return (
    <section>
      <h2>The scenario</h2>
      {scenario.description && <p>{scenario.description}</p>}
      {scenario.history && <p class="muted">{scenario.history}</p>}
      <p>
        {scenario.parties.length} parties ({scenario.parties.map((p) => p.name ?? p.id).join(", ")}),{" "}
        {scenario.moves.length} moves, horizon {compiled.horizon} phases
        {scenario.unit ? `; one unit of value is ${scenario.unit}` : ""}.
      </p>
    </section>
  );
}

/** The frontier: the safest plan for each number of phases; a point picked becomes the plan covered. */
function FrontierSection({
  frontier,
  stopped,
  best,
  onChoose,
}: {
  frontier: NonNullable<PlanReport["frontier"]>;
  stopped: boolean;
  best: Ranked;
  onChoose(name: string): void;
}) {
  return (
    <section data-testid="briefing-frontier">
      <h2>How much safety each extra phase buys</h2>
      <p data-testid="frontier-lead">{frontierSummary(frontier)}</p>
      <FrontierChart
        points={frontier}
        stopped={stopped}
        selected={frontier.find((p) => frontierPlanName(p.phases) === best.choice.name)?.phases}
        onSelect={(p) => onChoose(frontierPlanName(p.phases))}
        fileName="briefing-frontier"
      />
    </section>
  );
}

/** The plan covered: why, how safe, how it fared in simulation, its timeline and exposure. */
function ChosenPlan({
  compiled,
  scenario,
  best,
  recommended,
  optimal,
  plannerNote,
  simulated,
}: PlanCovered & {
  optimal: PlanReport | undefined;
  plannerNote: string | undefined;
  simulated: SimulationSummary | undefined;
}) {
  const names = partyNames(compiled);
  const exposed = exposedParties(best.analysis);
  return (
    <section>
      <h2>
        {best === recommended ? "Recommended plan" : "Plan chosen"}: {best.choice.name}
      </h2>
      {best !== recommended && (
        <p data-testid="recommended-instead">
          The analysis recommends <strong>{recommended.choice.name}</strong>; this briefing covers the plan
          chosen instead.
        </p>
      )}
      <p data-testid="recommendation">
        {best.analysis.feasible
          ? `${best.choice.label}: feasible in ${best.analysis.phases} phases with minimum slack ${best.analysis.minSlack.toFixed(2)}${best.analysis.robustlyFeasible ? ", and it holds across the value ranges" : ", though not at the worst case of the value ranges"}.`
          : `No plan considered is feasible. The least bad is ${best.choice.label}, with ${best.analysis.violations.length} violation(s).`}
      </p>
      {plannerNote && <p class="muted">{plannerNote}</p>}
      {(() => {
        const safety = robustnessOf(compiled, best.analysis).safety;
        return (
          <p data-testid="briefing-safety">
            {safety
              ? `Safety factor θ* ${thetaText(safety)}: the plan survives estimation errors up to ${thetaText(safety)} times the stated uncertainty of the values.${safety.breaksFirst ? ` What breaks first: ${safety.breaksFirst.text.replace(/^first to break:\s*/i, "")}` : ""}`
              : "The plan is not feasible at the stated values, so it has no safety factor."}
          </p>
        );
      })()}
      {simulated && <p data-testid="briefing-simulation">Simulated: {describeSimulation(simulated)}.</p>}
      {optimal && !optimal.feasible && optimal.relaxation && (
        <p>
          What it would take:{" "}
          {Object.entries(optimal.relaxation)
            .filter(([, r]) => r.tolerance > 0 || r.inducement > 0)
            .map(
              ([p, r]) =>
                `${partyName(scenario, p)} +${r.tolerance.toFixed(2)} tolerance, +${r.inducement.toFixed(2)} inducement`,
            )
            .join("; ") || "nothing measurable"}
          .
        </p>
      )}
      <Swimlane compiled={compiled} analysis={best.analysis} exposed={exposed} />
      <Chart
        title={`Exposure E per party under plan '${best.choice.name}', against tolerance τ`}
        fileName="briefing-exposure"
        summary={exposureSummary(best.analysis, names)}
        legend={EXPOSURE_LEGEND}
        terms={["E", "tau", "worst", "lag"]}
        deps={[best.analysis]}
        render={(width) => exposureChart(best.analysis, names, { width }, undefined, scenario.unit)}
      />
    </section>
  );
}

/** The other plans weighed: why each fails, or how it compares when it does not. */
function OtherPlans({ compiled, best, recommended, others }: PlanCovered & { others: Ranked[] }) {
  return (
    <section>
      <h2>{best === recommended ? "Why the alternatives fail" : "The other plans"}</h2>
      <ul data-testid="alternatives">
        {others.map(({ choice, analysis }) => (
          <li key={choice.name}>
            <strong>{choice.name}</strong>:{" "}
            {analysis.feasible
              ? `feasible too: ${analysis.phases} phases, θ* ${thetaText(robustnessOf(compiled, analysis).safety)}, slack ${analysis.minSlack.toFixed(2)}${analysis.robustlyFeasible ? "" : " (not robust)"}.`
              : (analysis.violations[0]?.message ?? "not feasible.")}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The risks that remain under the plan covered: per party, and the outside shocks. */
function Risks({ compiled, scenario, best }: PlanCovered) {
  const names = partyNames(compiled);
  return (
    <section>
      <h2>Risks</h2>
      <ul>
        {Object.entries(best.analysis.parties).map(([party, f]) => {
          const worstPeak = Math.max(...f.worst.exposure);
          const margins = Object.values(f.margin);
          const tightest = margins.length ? Math.min(...margins) : undefined;
          return (
            <li key={party}>
              <strong>{names[party]}</strong>: peak exposure {Math.max(...f.exposure).toFixed(2)} (worst case{" "}
              {worstPeak.toFixed(2)}) against tolerance {f.tolerance.toFixed(2)}
              {tightest !== undefined ? `; tightest incentive margin ${tightest.toFixed(2)}` : ""}; final
              value {f.final.toFixed(2)} (worst case {f.worst.final.toFixed(2)}).
            </li>
          );
        })}
        {scenario.risk.hazard > 0 && (
          <li>
            Outside shocks: a {Math.round(scenario.risk.hazard * 100)}% chance per phase that the deal
            collapses for reasons outside it, so even a perfect {best.analysis.phases}-phase plan completes
            with probability about {((1 - scenario.risk.hazard) ** best.analysis.phases * 100).toFixed(0)}%.
          </li>
        )}
      </ul>
    </section>
  );
}
