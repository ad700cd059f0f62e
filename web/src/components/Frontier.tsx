/**
 * The safety frontier (MODEL.md §7): for each number of phases from the fewest feasible to the
 * horizon, the largest safety factor θ* a plan reaches, as bars. A bar (or the button beside it,
 * for keyboards and screen readers) picks that point's plan. How much safety each extra phase buys
 * is the figure a briefing leads with.
 */
import * as Plot from "@observablehq/plot";
import type { FrontierPoint } from "../../../src/planner/index.ts";
import { Chart } from "./Chart.tsx";
import { COLORS } from "./charts.ts";

const thetaOf = (p: FrontierPoint) => `${p.safety?.capped ? "≥ " : ""}${p.theta.toFixed(2)}`;

/** One paragraph: where the frontier starts, where it stops rising, and what it reaches. */
export function frontierSummary(points: FrontierPoint[]): string {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return "No plan is feasible within the horizon, so there is no frontier.";
  const best = Math.max(...points.map((p) => p.theta));
  const reached = points.find((p) => p.theta >= best - 1e-3) ?? last;
  const steps = points
    .map((p) => `${p.phases} phases θ* ${thetaOf(p)}${p.proven ? "" : " (time limit)"}`)
    .join("; ");
  const rise =
    reached.phases === first.phases
      ? `Extra phases buy no safety: θ* is ${thetaOf(first)} from ${first.phases} phases on.`
      : `θ* rises from ${thetaOf(first)} with ${first.phases} phases to ${thetaOf(reached)} with ${reached.phases}${reached.phases < last.phases ? "; more phases add nothing" : ""}.`;
  return `${rise} ${steps}.`;
}

interface Props {
  points: FrontierPoint[];
  /** The phases of the point shown, if one is. */
  selected?: number;
  onSelect(point: FrontierPoint): void;
  /** Names the chart's exports. */
  fileName?: string;
  /** The search stopped at its time limit with no plan (so an empty frontier says nothing). */
  stopped?: boolean;
}

export function FrontierChart({ points, selected, onSelect, fileName = "frontier", stopped }: Props) {
  if (points.length === 0) {
    return (
      <p class="notice" data-testid="frontier-empty">
        {stopped
          ? "The search stopped at its time limit before it found a plan, so there is no frontier to chart yet."
          : "No plan is feasible within the horizon, so there is no frontier to chart."}
      </p>
    );
  }
  const rows = points.map((p) => ({
    phases: String(p.phases),
    theta: p.theta,
    chosen: p.phases === selected,
    robust: p.theta >= 1,
  }));
  const top = Math.max(1.2, ...points.map((p) => p.theta)) * 1.1;
  return (
    <div class="frontier" data-testid="frontier">
      <Chart
        title="Safety frontier: the largest safety factor θ* for each number of phases"
        fileName={fileName}
        testId="frontier-chart"
        summary={frontierSummary(points)}
        legend={[
          { label: "best θ* with at most that many phases", color: COLORS.within, shape: "band" },
          { label: "the plan shown", color: COLORS.tolerance, shape: "band" },
          { label: "θ* = 1: holds across every stated range", color: COLORS.over, shape: "dashed" },
        ]}
        note="θ* is a multiple of the stated uncertainty of the values (1× = each value anywhere in its range). Pick a bar, or a button below, to see its plan."
        terms={["theta", "frontier"]}
        deps={[points, selected]}
        render={(width) => {
          const svg = Plot.plot({
            width,
            height: 220,
            marginLeft: 48,
            marginBottom: 40,
            style: { fontSize: width < 560 ? "12px" : "11px", background: "white" },
            x: { label: "at most this many phases →", domain: rows.map((r) => r.phases) },
            y: { label: "↑ θ* (× the stated uncertainty)", grid: true, domain: [0, top] },
            marks: [
              Plot.barY(rows, {
                x: "phases",
                y: "theta",
                fill: (d: { chosen: boolean }) => (d.chosen ? COLORS.tolerance : COLORS.within),
                title: (d: { phases: string; theta: number }) =>
                  `at most ${d.phases} phases: θ* ${d.theta.toFixed(2)}`,
              }),
              Plot.text(rows, {
                x: "phases",
                y: "theta",
                text: (d: { theta: number }) => d.theta.toFixed(2),
                dy: -7,
              }),
              Plot.ruleY([1], { stroke: COLORS.over, strokeDasharray: "4,3", strokeWidth: 1.5 }),
              Plot.ruleY([0]),
            ],
          }) as SVGSVGElement;
          // The bars are drawn in the points' order: a click on one picks its plan.
          svg.querySelectorAll("g[aria-label=bar] rect").forEach((rect, i) => {
            const point = points[i];
            if (!point) return;
            rect.setAttribute("style", "cursor: pointer");
            rect.addEventListener("click", () => onSelect(point));
          });
          return svg;
        }}
      />
      <ul class="frontier-points" aria-label="Frontier points: pick one to see its plan">
        {points.map((p) => (
          <li key={p.phases}>
            <button
              type="button"
              class="small"
              aria-pressed={p.phases === selected}
              data-testid={`frontier-point-${p.phases}`}
              onClick={() => onSelect(p)}
            >
              ≤ {p.phases} phases: θ* {thetaOf(p)}
              {p.proven ? "" : " (time limit)"}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
