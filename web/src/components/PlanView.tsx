/**
 * One plan analysed: the verdict, the swimlane, exposure against tolerance, incentive margins, and
 * the violations, each linked to the phase and moves it names.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/index.ts";
import {
  type Analysis,
  analyzePerspectives,
  analyzeSchedule,
  compileViews,
  hasViews,
  partiesOver,
} from "../../../src/analysis/index.ts";
import { useAfterFirstFrame } from "../lib/first-frame.ts";
import { mark } from "../lib/timing.ts";
import { Chart } from "./Chart.tsx";
import { exposureSummary, marginSummary } from "./chart-summaries.ts";
import { EXPOSURE_LEGEND, exposureChart, MARGIN_LEGEND, marginChart, unitNote } from "./charts.ts";
import { PerspectiveFindings, PerspectiveSwitcher, TRUTH } from "./Perspectives.tsx";
import { robustnessOf, SafetyBadge, Tornado } from "./Robustness.tsx";
import { Swimlane } from "./Swimlane.tsx";
import { highlightOf, Violations } from "./Violations.tsx";

interface Props {
  compiled: CompiledScenario;
  analysis: Analysis;
  planName: string;
  /** Extra lines under the verdict (the safety factor, when the analysis has it). */
  children?: ComponentChildren;
  /** Whose perspective the charts show, when the page keeps it (the plan tab, in the address). */
  viewer?: string;
  onViewer?(viewer: string): void;
}

export function partyNames(compiled: CompiledScenario): Record<string, string> {
  return Object.fromEntries(compiled.scenario.parties.map((p) => [p.id, p.name ?? p.id]));
}

/** Parties whose exposure goes above tolerance at some phase (the analysis's own rows say so). */
export function exposedParties(analysis: Analysis): Set<string> {
  return partiesOver(analysis.rows, "exposure");
}

export function Verdict({ analysis }: { analysis: Analysis }) {
  const label = analysis.feasible
    ? analysis.robustlyFeasible
      ? "Feasible (robust)"
      : "Feasible at midpoints, not robust"
    : "Not feasible";
  return (
    <span data-testid="verdict" class={`verdict ${analysis.feasible ? "good" : "bad"}`}>
      {label}
    </span>
  );
}

/** Move id → title, for reading violations in the swimlane's words. */
export function moveTitles(compiled: CompiledScenario): Record<string, string> {
  return Object.fromEntries(compiled.scenario.moves.map((m) => [m.id, m.title ?? m.id]));
}

export function PlanView({ compiled, analysis, planName, children, ...kept }: Props) {
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const names = useMemo(() => partyNames(compiled), [compiled]);
  const titles = useMemo(() => moveTitles(compiled), [compiled]);
  const lane = useRef<HTMLDivElement>(null);
  const unit = compiled.scenario.unit;
  // Perspectives (MODEL.md §9): the charts can be redrawn as one party sees the plan.
  const views = useMemo(() => (hasViews(compiled) ? compileViews(compiled) : []), [compiled]);
  // What lies below the two main charts (the tornado, the perspectives' findings, whose analysis
  // costs more than the plan's own) waits for the page's first frame to be painted.
  const below = useAfterFirstFrame();
  const perspectives = useMemo(
    () => (below && views.length > 0 ? analyzePerspectives(compiled, analysis) : undefined),
    [below, views, compiled, analysis],
  );
  const [ownViewer, setOwnViewer] = useState(TRUTH);
  const viewer = kept.viewer ?? ownViewer;
  const setViewer = kept.onViewer ?? setOwnViewer;
  const robustness = useMemo(() => robustnessOf(compiled, analysis), [compiled, analysis]);
  mark("plan-view-render");
  const view = views.find((v) => v.viewer === viewer);
  const shown = useMemo(
    () => (view ? analyzeSchedule(view.compiled, analysis.schedule) : analysis),
    [view, analysis],
  );
  const seenBy = view ? ` — as ${names[view.viewer] ?? view.viewer} sees it` : "";
  const exposed = useMemo(() => exposedParties(analysis), [analysis]);
  const violation = selected === undefined ? undefined : analysis.violations[selected];
  const highlight = violation ? highlightOf(violation) : undefined;
  const focusParty = highlight?.party ?? [...exposed][0];
  // The lit lane may be far above the violation picked: bring it into view (then the list
  // item keeps the focus, so a keyboard user carries on where they were).
  useEffect(() => {
    if (!highlight) return;
    const target =
      lane.current?.querySelector(".chip.is-highlighted") ?? lane.current?.querySelector(".is-highlighted");
    target?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [selected, analysis]);
  return (
    <section class="plan-view" aria-label={`Plan ${planName}`}>
      <header class="plan-summary">
        <Verdict analysis={analysis} />
        <span>
          {analysis.phases} phase{analysis.phases === 1 ? "" : "s"} · minimum slack{" "}
          {analysis.minSlack.toFixed(2)} · {analysis.violations.length} violation
          {analysis.violations.length === 1 ? "" : "s"}
        </span>
        <SafetyBadge safety={robustness.safety} />
        {children}
      </header>
      <div ref={lane}>
        <Swimlane compiled={compiled} analysis={analysis} highlight={highlight} exposed={exposed} />
      </div>
      <ul class="exposure-legend" data-testid="exposure-legend" aria-label="Largest exposure per party">
        {Object.entries(analysis.parties).map(([party, f]) => {
          const peak = Math.max(...f.exposure);
          const over = exposed.has(party);
          return (
            <li key={party} data-party={party} class={over ? "over" : ""}>
              <strong>{names[party]}</strong>: peak exposure {peak.toFixed(2)} vs tolerance{" "}
              {f.tolerance.toFixed(2)}
              {over ? " — above tolerance" : ""}
            </li>
          );
        })}
      </ul>
      {views.length > 0 && (
        <PerspectiveSwitcher compiled={compiled} viewer={viewer} onViewer={setViewer} names={names} />
      )}
      <div class="chart-row">
        <Chart
          title={`Exposure E per party after each phase, against tolerance τ — plan '${planName}'${seenBy}`}
          fileName={`exposure-${planName.replace(/[^a-z0-9-]+/gi, "-")}`}
          testId="exposure-chart"
          summary={exposureSummary(shown, names)}
          legend={EXPOSURE_LEGEND}
          note={unitNote(unit)}
          terms={["E", "tau", "worst", "lag"]}
          deps={[shown, focusParty, unit]}
          render={(width) => exposureChart(shown, names, { width }, focusParty, unit)}
        />
        <Chart
          title={`Incentive margin M per party and phase — plan '${planName}'${seenBy}`}
          fileName={`margins-${planName.replace(/[^a-z0-9-]+/gi, "-")}`}
          testId="margin-chart"
          summary={marginSummary(shown, names)}
          legend={MARGIN_LEGEND}
          note={unitNote(unit)}
          terms={["M", "delta", "slack"]}
          deps={[shown, unit]}
          render={(width) => marginChart(shown, names, { width }, unit)}
        />
      </div>
      {below && <Tornado compiled={compiled} points={robustness.breakingPoints} planName={planName} />}
      {perspectives && <PerspectiveFindings perspectives={perspectives} names={names} planName={planName} />}
      <h2>Violations, in the order they bite</h2>
      <Violations
        violations={analysis.violations}
        selected={selected}
        onSelect={setSelected}
        names={names}
        titles={titles}
      />
      {/* Says what the highlight now covers, for those who cannot see the swimlane light up. */}
      <p class="sr-only" role="status" data-testid="highlight-status">
        {highlight
          ? `Highlighted${highlight.phase !== undefined ? ` phase ${highlight.phase}` : ""}${highlight.party ? `, ${names[highlight.party] ?? highlight.party}'s lane` : ""}${highlight.moves.length > 0 ? `, moves ${highlight.moves.map((m) => titles[m] ?? m).join(", ")}` : ""}.`
          : ""}
      </p>
    </section>
  );
}
