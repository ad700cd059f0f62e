/** The workbench's charts, as Observable Plot specifications over the analysis figures. */
import * as Plot from "@observablehq/plot";
import { type AnalysisReport, rowIndex } from "../../../src/analysis/index.ts";

/** Whole-number phase ticks (at most about a dozen), so no axis shows "1 1 2 2". */
export function phaseTicks(last: number, first = 0): number[] {
  const step = Math.max(1, Math.ceil((last - first + 1) / 12));
  const ticks: number[] = [];
  for (let k = first; k <= last; k += step) ticks.push(k);
  return ticks;
}

export interface ChartSize {
  width: number;
  height?: number;
}

/** Colours shared by the charts and their legends. */
export const COLORS = {
  within: "#1d4ed8",
  over: "#b91c1c",
  tolerance: "#b45309",
  worst: "#94a3b8",
  alive: "#1d4ed8",
  cause: "#b45309",
} as const;

/** The party names in the scenario's order (the swimlane's, top to bottom). */
const order = (names: Record<string, string>, ids: string[]) => ids.map((id) => names[id] ?? id);

/** The legend of the exposure charts. */
export const EXPOSURE_LEGEND = [
  { label: "exposure within tolerance", color: COLORS.within, shape: "line" },
  { label: "above tolerance", color: COLORS.over, shape: "dot" },
  { label: "tolerance τ", color: COLORS.tolerance, shape: "dashed" },
  { label: "worst case of the value ranges", color: "#cbd5e1", shape: "band" },
] as const satisfies readonly { label: string; color: string; shape: "line" | "dashed" | "dot" | "band" }[];

/** The legend of the margin heat map (a diverging scale around 0). */
export const MARGIN_LEGEND = [
  { label: "M < 0: walking away pays (red, darker = worse)", color: "#d6604d", shape: "band" },
  { label: "M ≈ 0", color: "#f7f7f7", shape: "band" },
  { label: "M > 0: complying pays (blue)", color: "#4393c3", shape: "band" },
] as const satisfies readonly { label: string; color: string; shape: "line" | "dashed" | "dot" | "band" }[];

/**
 * A unit suffix for axis labels. A scenario's `unit` is often a sentence, too long for an axis:
 * a short one goes on the axis, a long one in the chart's note (see unitNote).
 */
export const unitSuffix = (unit?: string) =>
  unit && unit.length <= 24 ? ` (${unit} per phase)` : " (value per phase)";

/** The note under a chart's legend that states a long unit in full. */
export const unitNote = (unit?: string) =>
  unit && unit.length > 24 ? `One unit of value: ${unit}.` : undefined;

/** Exposure per party over phases (one panel each) with its tolerance as a dashed line. */
export function exposureChart(
  report: AnalysisReport,
  names: Record<string, string>,
  size: ChartSize,
  highlight?: string,
  unit?: string,
) {
  const row = rowIndex(report.rows);
  const rows = Object.entries(report.parties).flatMap(([party, f]) =>
    f.exposure.map((e, phase) => ({
      party: names[party] ?? party,
      phase,
      exposure: e,
      worst: f.worst.exposure[phase],
      over: row("exposure", party, phase)?.over ?? false,
      focus: party === highlight,
    })),
  );
  const limits = Object.entries(report.parties).map(([party, f]) => ({
    party: names[party] ?? party,
    tolerance: f.tolerance,
  }));
  const top = Math.max(
    ...rows.map((r) => Math.max(r.exposure, r.worst)),
    ...limits.map((l) => l.tolerance),
    1,
  );
  const parties = order(names, Object.keys(report.parties));
  // On a narrow screen the panels stack (one per row) so their text stays legible.
  const stacked = size.width < 560;
  const facet = stacked ? "fy" : "fx";
  return Plot.plot({
    width: size.width,
    height: size.height ?? (stacked ? 150 * parties.length : 220),
    marginLeft: 48,
    marginBottom: 36,
    marginRight: stacked ? 20 : 10,
    style: { fontSize: size.width < 560 ? "12px" : "11px", background: "white" },
    [facet]: { label: null, domain: parties },
    x: { label: "after phase →", ticks: phaseTicks(report.phases), tickFormat: "d" },
    // A little room below 0, so a tolerance of 0 shows as a line of its own.
    y: { label: `↑ exposure E${unitSuffix(unit)}`, grid: true, domain: [-0.04 * top, 1.08 * top] },
    marks: [
      Plot.areaY(rows, {
        [facet]: "party",
        x: "phase",
        y: "worst",
        fill: COLORS.worst,
        fillOpacity: 0.35,
        curve: "step-after",
      }),
      Plot.line(rows, {
        [facet]: "party",
        x: "phase",
        y: "exposure",
        stroke: (d: { over: boolean }) => (d.over ? COLORS.over : COLORS.within),
        strokeWidth: (d: { focus: boolean }) => (d.focus ? 3 : 2),
        z: "party",
        curve: "step-after",
      }),
      Plot.dot(rows, {
        [facet]: "party",
        x: "phase",
        y: "exposure",
        r: (d: { over: boolean }) => (d.over ? 5 : 2.5),
        fill: (d: { over: boolean }) => (d.over ? COLORS.over : COLORS.within),
        title: (d: { party: string; phase: number; exposure: number }) =>
          `${d.party}, after phase ${d.phase}: exposure ${d.exposure.toFixed(2)}`,
      }),
      // The tolerance goes on top of the data, so a tolerance of 0 is never hidden under it.
      Plot.ruleY(limits, {
        [facet]: "party",
        y: "tolerance",
        stroke: COLORS.tolerance,
        strokeWidth: 2,
        strokeDasharray: "5,3",
      }),
      Plot.text(limits, {
        [facet]: "party",
        y: "tolerance",
        frameAnchor: "right",
        dy: -7,
        text: (d: { tolerance: number }) => `τ ${d.tolerance.toFixed(2)}`,
        fill: COLORS.tolerance,
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
    ],
  });
}

/** Incentive margins: one cell per party and phase where it can defect; red when negative. */
export function marginChart(
  report: AnalysisReport,
  names: Record<string, string>,
  size: ChartSize,
  unit?: string,
) {
  const rows = Object.entries(report.parties).flatMap(([party, f]) =>
    Object.entries(f.margin).map(([phase, margin]) => ({
      party: names[party] ?? party,
      phase: Number(phase),
      margin,
    })),
  );
  return Plot.plot({
    width: size.width,
    height: size.height ?? 40 + 34 * Object.keys(report.parties).length,
    marginLeft: Math.min(130, Math.max(60, size.width / 5)),
    marginBottom: 36,
    style: { fontSize: "11px", background: "white" },
    x: {
      label: `in phase → (M${unitSuffix(unit)})`,
      type: "band",
      domain: Array.from({ length: report.phases }, (_, k) => k + 1),
    },
    y: { label: null, domain: order(names, Object.keys(report.parties)) },
    color: { type: "diverging", scheme: "RdBu", pivot: 0 },
    marks: [
      Plot.cell(rows, { x: "phase", y: "party", fill: "margin", inset: 1 }),
      Plot.text(rows, {
        x: "phase",
        y: "party",
        text: (d: { margin: number }) => d.margin.toFixed(2),
        fill: "black",
        stroke: "white",
        strokeWidth: 3,
      }),
    ],
  });
}

/** Survival S(k): the share of runs with the deal alive after each phase. */
export function survivalChart(points: { phase: number; survival: number }[], size: ChartSize) {
  return Plot.plot({
    width: size.width,
    height: size.height ?? 200,
    style: { fontSize: "11px", background: "white" },
    marginBottom: 36,
    x: { label: "after phase →", ticks: phaseTicks(points.length - 1), tickFormat: "d" },
    y: { label: "↑ runs with the deal alive (%)", domain: [0, 1], grid: true, percent: true },
    marks: [
      Plot.line(points, {
        x: "phase",
        y: "survival",
        curve: "step-after",
        strokeWidth: 2,
        stroke: COLORS.alive,
      }),
      Plot.dot(points, { x: "phase", y: "survival", fill: COLORS.alive }),
    ],
  });
}

/** Each party's realised value across runs: 5–95% range, median (tick) and mean (dot). */
export function valuesChart(
  rows: { party: string; mean: number; p5: number; p50: number; p95: number }[],
  size: ChartSize,
) {
  return Plot.plot({
    width: size.width,
    height: size.height ?? 40 + 36 * rows.length,
    marginLeft: Math.min(130, Math.max(70, size.width / 5)),
    marginBottom: 36,
    style: { fontSize: "11px", background: "white" },
    x: { label: "realised value per phase →", grid: true },
    y: { label: null },
    marks: [
      Plot.ruleY(rows, { y: "party", x1: "p5", x2: "p95", strokeWidth: 6, stroke: "#93c5fd" }),
      Plot.tickX(rows, { y: "party", x: "p50", strokeWidth: 2 }),
      Plot.dot(rows, { y: "party", x: "mean", fill: "#1d4ed8", r: 4 }),
      Plot.ruleX([0]),
    ],
  });
}

/** Horizontal bars: the share of failed runs that ended for each cause. */
export function causesChart(rows: { cause: string; count: number }[], size: ChartSize) {
  return Plot.plot({
    width: size.width,
    height: size.height ?? 30 + 26 * rows.length,
    marginLeft: Math.min(220, Math.max(110, size.width / 3)),
    marginBottom: 36,
    style: { fontSize: "11px", background: "white" },
    x: { label: "share of the runs that failed (%) →", grid: true, percent: true },
    y: { label: null },
    marks: [
      Plot.barX(rows, { x: "count", y: "cause", fill: COLORS.cause, sort: { y: "-x" } }),
      Plot.ruleX([0]),
    ],
  });
}
