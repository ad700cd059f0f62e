/**
 * The safety factor, what breaks first and the tornado of breaking points (MODEL.md §7), in words
 * and as a text table. Reads only the analysis document: every figure comes from src/analysis.
 */

import type { AnalysisReport, BreakingPoint, RowRef, Safety } from "../../analysis/index.ts";
import { breaksInsideRange, tornadoOrder } from "../../analysis/index.ts";
import { num, renderTable } from "./table.ts";

/** Rows shown in the tornado before "… and N more". */
const TORNADO_ROWS = 20;

/** θ with two significant decimals where it is small, fewer where it is large ("1.7", "0.16", "12"). */
export function formatTheta(theta: number): string {
  if (theta >= 10) return theta.toFixed(0);
  if (theta >= 1) return String(Number(theta.toFixed(1)));
  return String(Number(theta.toPrecision(2)));
}

/** The safety-factor sentence and what breaks first. */
export function safetySentences(safety: Safety | null): string[] {
  if (safety === null) {
    return ["Safety factor: none, the plan is not feasible at nominal values (fix the violations first)."];
  }
  if (safety.unbounded) {
    return [
      "Safety factor: unbounded. No uncertain values enter this plan's figures, so no error within the ranges can break it.",
    ];
  }
  const theta = safety.theta ?? 0;
  const lines = safety.capped
    ? [
        `Safety factor θ* ≥ ${formatTheta(theta)}: this plan survives estimation errors up to at least ${formatTheta(theta)}× ` +
          "the stated uncertainty (beyond that a value would change sign, and the model would no longer apply as written).",
      ]
    : [
        `Safety factor θ* = ${formatTheta(theta)}: this plan survives estimation errors up to ${formatTheta(theta)}× the stated uncertainty` +
          (theta >= 1 ? "." : ", less than the ranges themselves: it is not robust across them."),
      ];
  if (safety.breaksFirst)
    lines.push(`What breaks first: ${safety.breaksFirst.text.replace(/^first to break: /, "")}.`);
  return lines;
}

function rowName(row: RowRef | null): string {
  if (!row) return "-";
  return row.phase === null ? `${row.kind} ${row.party}` : `${row.kind} ${row.party} phase ${row.phase}`;
}

function label(p: BreakingPoint): string {
  return p.field === "value" ? `${p.move} → ${p.party}` : `${p.field} of ${p.party}`;
}

function amount(x: number | null, width: number): string {
  if (x === null) return "none";
  return width > 0 ? `${num(x)} (${formatTheta(x / width)}×)` : num(x);
}

/** The tornado: values sorted by how soon (in half-widths) they break, then tolerances and reservations. */
export function tornadoTable(points: readonly BreakingPoint[], unit?: string): string[] {
  const relevant = points.filter((p) => p.down !== null || p.up !== null);
  if (relevant.length === 0)
    return ["Breaking points: no single value, tolerance or reservation can break this plan alone."];
  const values = tornadoOrder(relevant.filter((p) => p.field === "value"));
  const others = relevant.filter((p) => p.field !== "value");
  const shown = [...values, ...others];
  const rows = shown
    .slice(0, TORNADO_ROWS)
    .map((p) => [
      `${label(p)}${breaksInsideRange(p) ? " !" : ""}`,
      num(p.nominal),
      p.width > 0 ? num(p.width) : "-",
      amount(p.down, p.width),
      rowName(p.downRow),
      amount(p.up, p.width),
      rowName(p.upRow),
    ]);
  const out = [
    "Breaking points: how far each figure may move alone (the others at their midpoints) before the plan breaks,",
    `in its own unit and as a multiple (×) of its range's half-width w.${unit ? ` Unit: ${unit}.` : ""}`,
    "",
    renderTable(["figure", "nominal", "w", "may fall", "then breaks", "may rise", "then breaks"], rows, 1),
  ];
  if (shown.length > TORNADO_ROWS)
    out.push(`… and ${shown.length - TORNADO_ROWS} more (--json lists every one).`);
  if (shown.some(breaksInsideRange)) out.push("! = breaks inside its own range.");
  return out;
}

/** The whole robustness section of `lockstep analyze`, or nothing when the document has none. */
export function formatRobustness(report: AnalysisReport, unit?: string): string[] {
  if (report.safety === undefined) return [];
  const out = ["", ...safetySentences(report.safety)];
  if (report.safety !== null && report.breakingPoints)
    out.push("", ...tornadoTable(report.breakingPoints, unit));
  return out;
}
