/**
 * What a sweep found: for each variable, where feasibility flips; a tornado of each variable's
 * effect on the numeric figures; a heatmap over any two variables; CSV and JSON export. Works on
 * however many points are done, so a running sweep can be shown as it fills in.
 */

import { readTarget } from "./apply.ts";
import type { PointResult, SweepDocument } from "./evaluate.ts";
import { levels } from "./points.ts";
import type { Flip, Heatmap, SweepReport, TornadoBar, VariableFlips } from "./report-schema.ts";
import { targetOf, variableName } from "./schema.ts";

/** Figures a tornado is drawn for, when measured (interval ends and words are left out). */
const TORNADO_FIGURES = ["safety.theta", "simulation.completion", "analysis.minSlack", "optimum.phases"];

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const tidy = (x: number) => Math.round(x * 1e9) / 1e9;

function numeric(r: PointResult, key: string): number | undefined {
  const v = r.metrics[key];
  // θ* is undefined for a plan infeasible at nominal values (no safety at all): counted as 0 so
  // the tornado shows how a variable takes the plan from safe to broken
  if (key === "safety.theta" && v === null && r.metrics["safety.unbounded"] === null) return 0;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** The metric names present, in first-seen order. */
function metricNames(results: readonly PointResult[]): string[] {
  const names = new Set<string>();
  for (const r of results) for (const k of Object.keys(r.metrics)) names.add(k);
  return [...names];
}

function feasibilityMetric(results: readonly PointResult[]): string | null {
  const names = metricNames(results);
  for (const key of ["analysis.feasible", "optimum.feasible"]) if (names.includes(key)) return key;
  return null;
}

/** Grid: group by the other variables' values and look along each line for a change. */
function gridFlips(doc: SweepDocument, ok: readonly PointResult[], key: string, j: number): VariableFlips {
  const names = doc.sweep.vary.map(variableName);
  const lines = new Map<string, PointResult[]>();
  for (const r of ok) {
    if (typeof r.metrics[key] !== "boolean") continue;
    const id = r.values.map((x, k) => (k === j ? "*" : String(x))).join("|");
    const line = lines.get(id) ?? [];
    line.push(r);
    lines.set(id, line);
  }
  const flips: Flip[] = [];
  let flipped = 0;
  // the line nearest the scenario as written: each other variable at its level closest to the
  // scenario's own value
  const base = doc.sweep.vary.map((v) => {
    const own = readTarget(doc.scenario, targetOf(v));
    return levels(v).reduce((best, x) => (Math.abs(x - own) < Math.abs(best - own) ? x : best));
  });
  const baseLine = base.map((x, k) => (k === j ? "*" : String(x))).join("|");
  let asWritten: Flip | null = null;
  for (const [id, line] of lines) {
    line.sort((a, b) => a.values[j] - b.values[j]);
    let any = false;
    for (let k = 1; k < line.length; k++) {
      const before = line[k - 1].metrics[key];
      const after = line[k].metrics[key];
      if (before === after) continue;
      any = true;
      const [a, b] = [line[k - 1].values[j], line[k].values[j]];
      const others: Record<string, number> = {};
      line[k].values.forEach((x, i) => {
        if (i !== j) others[names[i]] = x;
      });
      const flip: Flip = {
        threshold: tidy((a + b) / 2),
        between: [a, b],
        feasible: before ? "below" : "above",
        others,
      };
      flips.push(flip);
      if (id === baseLine) asWritten ??= flip;
    }
    if (any) flipped += 1;
  }
  return summarizeFlips(names[j], lines.size, flipped, flips, asWritten);
}

/**
 * Latin hypercube: no two points share the other variables, so the points are cut into ten bins
 * by the variable and a flip is where the feasible share crosses one half between adjacent bins.
 */
function sampledFlips(doc: SweepDocument, ok: readonly PointResult[], key: string, j: number): VariableFlips {
  const name = variableName(doc.sweep.vary[j]);
  const points = ok
    .filter((r) => typeof r.metrics[key] === "boolean")
    .sort((a, b) => a.values[j] - b.values[j]);
  const bins = Math.min(10, Math.floor(points.length / 5));
  const flips: Flip[] = [];
  if (bins >= 2) {
    const share: number[] = [];
    const centre: number[] = [];
    for (let b = 0; b < bins; b++) {
      const slice = points.slice(
        Math.floor((b * points.length) / bins),
        Math.floor(((b + 1) * points.length) / bins),
      );
      share.push(mean(slice.map((r) => (r.metrics[key] ? 1 : 0))));
      centre.push(mean(slice.map((r) => r.values[j])));
    }
    for (let b = 1; b < bins; b++) {
      if (share[b - 1] >= 0.5 === share[b] >= 0.5) continue;
      flips.push({
        threshold: tidy((centre[b - 1] + centre[b]) / 2),
        between: [tidy(centre[b - 1]), tidy(centre[b])],
        feasible: share[b - 1] >= 0.5 ? "below" : "above",
        others: {},
      });
    }
  }
  return summarizeFlips(name, 1, flips.length > 0 ? 1 : 0, flips, flips[0] ?? null);
}

function summarizeFlips(
  variable: string,
  lines: number,
  flipped: number,
  flips: Flip[],
  asWritten: Flip | null,
): VariableFlips {
  const ts = flips.map((f) => f.threshold);
  return {
    variable,
    lines,
    flipped,
    low: ts.length ? Math.min(...ts) : null,
    high: ts.length ? Math.max(...ts) : null,
    asWritten,
    flips,
  };
}

/**
 * Each variable's effect on a figure: its mean at the variable's lowest level against its mean at
 * the highest (grid), or over the lowest and highest quarter of the points (Latin hypercube).
 */
function tornado(doc: SweepDocument, ok: readonly PointResult[], key: string): TornadoBar[] {
  const bars = doc.sweep.vary.map((v, j) => {
    const points = ok.filter((r) => numeric(r, key) !== undefined);
    let low: PointResult[];
    let high: PointResult[];
    if (doc.sweep.sampling === "grid") {
      const ls = levels(v);
      const [min, max] = [Math.min(...ls), Math.max(...ls)];
      low = points.filter((r) => r.values[j] === min);
      high = points.filter((r) => r.values[j] === max);
    } else {
      const sorted = [...points].sort((a, b) => a.values[j] - b.values[j]);
      const quarter = Math.max(1, Math.floor(sorted.length / 4));
      low = sorted.slice(0, quarter);
      high = sorted.slice(sorted.length - quarter);
    }
    const atLow = mean(low.map((r) => numeric(r, key) as number));
    const atHigh = mean(high.map((r) => numeric(r, key) as number));
    return {
      variable: variableName(v),
      atLow: tidy(atLow),
      atHigh: tidy(atHigh),
      swing: tidy(Math.abs(atHigh - atLow)),
    };
  });
  return bars.filter((b) => Number.isFinite(b.swing)).sort((a, b) => b.swing - a.swing);
}

/** The mean of a figure over two variables: their levels (grid) or eight bins each (sampled). */
export function heatmap(
  doc: SweepDocument,
  results: readonly PointResult[],
  x: number,
  y: number,
  metric: string,
): Heatmap {
  const vary = doc.sweep.vary;
  const axis = (j: number): number[] => {
    if (doc.sweep.sampling === "grid") return [...levels(vary[j])].sort((a, b) => a - b);
    const v = vary[j];
    if (v.values) return [...new Set(v.values)].sort((a, b) => a - b);
    const [low, high] = v.range ?? [0, 0];
    return Array.from({ length: 8 }, (_, k) => tidy(low + ((high - low) * (k + 0.5)) / 8));
  };
  const xs = axis(x);
  const ys = axis(y);
  const nearest = (axisValues: number[], value: number) => {
    let best = 0;
    for (let k = 1; k < axisValues.length; k++)
      if (Math.abs(axisValues[k] - value) < Math.abs(axisValues[best] - value)) best = k;
    return best;
  };
  const sums = ys.map(() => xs.map(() => ({ total: 0, n: 0 })));
  for (const r of results) {
    const value = numeric(r, metric);
    if (value === undefined || r.error) continue;
    const cell = sums[nearest(ys, r.values[y])][nearest(xs, r.values[x])];
    cell.total += value;
    cell.n += 1;
  }
  return {
    x: variableName(vary[x]),
    y: variableName(vary[y]),
    metric,
    xs,
    ys,
    cells: sums.map((row) => row.map((c) => (c.n ? tidy(c.total / c.n) : null))),
  };
}

export function sweepReport(doc: SweepDocument, results: readonly PointResult[]): SweepReport {
  const ok = results.filter((r) => !r.error);
  const key = feasibilityMetric(ok);
  const flips = key
    ? doc.sweep.vary.map((_, j) =>
        doc.sweep.sampling === "grid" ? gridFlips(doc, ok, key, j) : sampledFlips(doc, ok, key, j),
      )
    : [];
  const measured = metricNames(ok);
  const figures = TORNADO_FIGURES.filter((m) => measured.includes(m));
  const tornadoes: Record<string, TornadoBar[]> = {};
  for (const m of figures) tornadoes[m] = tornado(doc, ok, m);
  const decided = key ? ok.filter((r) => typeof r.metrics[key] === "boolean") : [];
  return {
    ...(doc.sweep.title ? { title: doc.sweep.title } : {}),
    scenario: doc.scenarioName,
    points: doc.points,
    done: results.length,
    errors: results.length - ok.length,
    sampling: doc.sweep.sampling === "grid" ? "grid" : "latin",
    variables: doc.sweep.vary.map((v) => {
      const ls = v.values ?? v.range ?? [0];
      return { name: variableName(v), low: Math.min(...ls), high: Math.max(...ls) };
    }),
    feasibility: key,
    feasibleShare: decided.length ? tidy(mean(decided.map((r) => (r.metrics[key as string] ? 1 : 0)))) : null,
    flips,
    tornado: tornadoes,
  };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per point, in index order: index, seed, each variable, each figure, error. */
export function toCsv(doc: SweepDocument, results: readonly PointResult[]): string {
  const metrics = metricNames(results);
  const header = ["point", "seed", ...doc.sweep.vary.map(variableName), ...metrics, "error"];
  const rows = [...results]
    .sort((a, b) => a.index - b.index)
    .map((r) => [r.index, r.seed, ...r.values, ...metrics.map((m) => r.metrics[m]), r.error]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\n")}\n`;
}

/** The JSON export: the report with every point. */
export function toJson(doc: SweepDocument, results: readonly PointResult[]) {
  return {
    report: sweepReport(doc, results),
    variables: doc.sweep.vary.map(variableName),
    points: [...results].sort((a, b) => a.index - b.index),
  };
}
