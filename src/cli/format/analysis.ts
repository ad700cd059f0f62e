/** The human face of an analysis: a parties × phases table with violations underneath. */
import type { AnalysisReport } from "../../analysis/report.ts";
import { num, renderTable } from "./table.ts";

export function formatAnalysis(report: AnalysisReport, heading: string): string {
  const phases = Array.from({ length: report.phases + 1 }, (_, k) => k);
  const header = ["party", "figure", "limit", ...phases.map(String), "final"];
  const rows: string[][] = [];
  for (const [party, figures] of Object.entries(report.parties)) {
    const exposure = phases.map((k) => {
      const e = figures.exposure[k];
      return e > figures.tolerance + 1e-9 ? `${num(e)}!` : num(e);
    });
    rows.push([party, "exposure E", `<=${num(figures.tolerance)}`, ...exposure, num(figures.final)]);
    const margin = phases.map((k) => {
      const m = figures.margin[k];
      if (m === undefined) return "-";
      return m < -1e-9 ? `${num(m)}!` : num(m);
    });
    rows.push([
      "",
      "margin M",
      ">=0",
      ...margin,
      figures.final < figures.reservation - 1e-9 ? `<${num(figures.reservation)}!` : "",
    ]);
  }
  const verdict = report.feasible
    ? `FEASIBLE (minimum slack ${num(report.minSlack)}${report.robustlyFeasible ? ", robust across value ranges" : ", but NOT robust across value ranges"})`
    : `NOT FEASIBLE (${report.violations.length} violation${report.violations.length === 1 ? "" : "s"}, minimum slack ${num(report.minSlack)})`;
  const out = [
    `${heading}: ${report.phases} phase${report.phases === 1 ? "" : "s"}, ${verdict}`,
    "",
    renderTable(header, rows, 3),
  ];
  if (report.violations.length > 0) {
    out.push("", "Violations, in the order they bite:");
    report.violations.forEach((v, n) => {
      const where = [v.party, v.phase === undefined ? undefined : `phase ${v.phase}`]
        .filter(Boolean)
        .join(", ");
      out.push(`${String(n + 1).padStart(3)}. [${v.kind}${where ? ` ${where}` : ""}] ${v.message}`);
    });
  }
  if (report.feasible && !report.robustlyFeasible) out.push("", robustnessNote(report));
  out.push(
    "",
    "Legend: E = exposure if the deal collapsed after the phase; M = gain from complying rather than walking away; ! = violated.",
  );
  return out.join("\n");
}

/** Names the worst-case breach when a plan is feasible only at the midpoints of its ranges. */
function robustnessNote(report: AnalysisReport): string {
  for (const [party, f] of Object.entries(report.parties)) {
    const k = f.worst.exposure.findIndex((e) => e > f.tolerance + 1e-9);
    if (k >= 0)
      return `At the worst case of the value ranges, ${party}'s exposure reaches ${num(f.worst.exposure[k])} after phase ${k} (tolerance ${num(f.tolerance)}).`;
    const bad = Object.entries(f.worst.margin).find(([, m]) => m < -1e-9);
    if (bad)
      return `At the worst case of the value ranges, ${party}'s margin in phase ${bad[0]} falls to ${num(bad[1])}.`;
    if (f.worst.final < f.reservation - 1e-9)
      return `At the worst case of the value ranges, ${party} ends below its reservation (${num(f.worst.final)}).`;
  }
  return "";
}
