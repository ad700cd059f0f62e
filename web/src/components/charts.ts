/** The workbench's charts, as Observable Plot specifications over the analysis figures. */
import * as Plot from "@observablehq/plot";
import type { AnalysisReport } from "../../../src/analysis/report.ts";

const EPS = 1e-9;

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

/** Exposure per party over phases (one panel each) with its tolerance as a dashed line. */
export function exposureChart(
  report: AnalysisReport,
  names: Record<string, string>,
  size: ChartSize,
  highlight?: string,
) {
  const rows = Object.entries(report.parties).flatMap(([party, f]) =>
    f.exposure.map((e, phase) => ({
      party: names[party] ?? party,
      phase,
      exposure: e,
      worst: f.worst.exposure[phase],
      over: e > f.tolerance + EPS,
      focus: party === highlight,
    })),
  );
  const limits = Object.entries(report.parties).map(([party, f]) => ({
    party: names[party] ?? party,
    tolerance: f.tolerance,
  }));
  return Plot.plot({
    width: size.width,
    height: size.height ?? 200,
    marginLeft: 40,
    marginBottom: 32,
    style: { fontSize: "11px", background: "white" },
    fx: { label: null },
    x: { label: "phase", ticks: phaseTicks(report.phases), tickFormat: "d" },
    y: { label: "exposure", grid: true, zero: true },
    marks: [
      Plot.ruleY(limits, { fx: "party", y: "tolerance", stroke: "#b45309", strokeDasharray: "4,3" }),
      Plot.areaY(rows, {
        fx: "party",
        x: "phase",
        y: "worst",
        fill: "#94a3b8",
        fillOpacity: 0.25,
        curve: "step-after",
      }),
      Plot.line(rows, {
        fx: "party",
        x: "phase",
        y: "exposure",
        stroke: (d: { over: boolean }) => (d.over ? "#b91c1c" : "#1d4ed8"),
        strokeWidth: (d: { focus: boolean }) => (d.focus ? 3 : 2),
        z: "party",
        curve: "step-after",
      }),
      Plot.dot(rows, {
        fx: "party",
        x: "phase",
        y: "exposure",
        r: (d: { over: boolean }) => (d.over ? 5 : 2.5),
        fill: (d: { over: boolean }) => (d.over ? "#b91c1c" : "#1d4ed8"),
        title: (d: { party: string; phase: number; exposure: number }) =>
          `${d.party}, after phase ${d.phase}: exposure ${d.exposure.toFixed(2)}`,
      }),
    ],
  });
}

/** Incentive margins: one cell per party and phase where it can defect; red when negative. */
export function marginChart(report: AnalysisReport, names: Record<string, string>, size: ChartSize) {
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
    marginLeft: 110,
    style: { fontSize: "11px", background: "white" },
    x: { label: "phase", type: "band", domain: Array.from({ length: report.phases }, (_, k) => k + 1) },
    y: { label: null },
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
    x: { label: "phase", ticks: phaseTicks(points.length - 1), tickFormat: "d" },
    y: { label: "P(deal alive)", domain: [0, 1], grid: true, percent: false },
    marks: [
      Plot.line(points, { x: "phase", y: "survival", curve: "step-after", strokeWidth: 2 }),
      Plot.dot(points, { x: "phase", y: "survival" }),
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
    marginLeft: 130,
    style: { fontSize: "11px", background: "white" },
    x: { label: "realised value per phase (5–95% of runs; tick: median; dot: mean)", grid: true },
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
    marginLeft: 180,
    style: { fontSize: "11px", background: "white" },
    x: { label: "share of the runs that failed (%)", grid: true, percent: true },
    y: { label: null },
    marks: [Plot.barX(rows, { x: "count", y: "cause", fill: "#b45309", sort: { y: "-x" } }), Plot.ruleX([0])],
  });
}
