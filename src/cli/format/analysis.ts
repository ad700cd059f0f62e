/** The human face of an analysis: a parties × phases table with violations underneath. */
import { type AnalysisReport, rowIndex } from "../../analysis/index.ts";
import { formatRobustness } from "./robustness.ts";
import { num, renderTable } from "./table.ts";

export function formatAnalysis(report: AnalysisReport, heading: string, unit?: string): string {
  const phases = Array.from({ length: report.phases + 1 }, (_, k) => k);
  const header = ["party", "figure", "limit", ...phases.map(String), "final"];
  const rows: string[][] = [];
  const row = rowIndex(report.rows); // the analysis's own judgement of each figure
  for (const [party, figures] of Object.entries(report.parties)) {
    const exposure = phases.map((k) => {
      const e = figures.exposure[k];
      return row("exposure", party, k)?.over ? `${num(e)}!` : num(e);
    });
    rows.push([party, "exposure E", `<=${num(figures.tolerance)}`, ...exposure, num(figures.final)]);
    const margin = phases.map((k) => {
      const m = figures.margin[k];
      if (m === undefined) return "-";
      return row("margin", party, k)?.over ? `${num(m)}!` : num(m);
    });
    rows.push([
      "",
      "margin M",
      ">=0",
      ...margin,
      row("reservation", party, null)?.over ? `<${num(figures.reservation)}!` : "",
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
  out.push(...formatRobustness(report, unit));
  out.push(
    "",
    "Legend: E = exposure if the deal collapsed after the phase; M = gain from complying rather than walking away; ! = violated.",
  );
  return out.join("\n");
}

/** Names the worst-case breach when a plan is feasible only at the midpoints of its ranges. */
function robustnessNote(report: AnalysisReport): string {
  const breach = report.rows.find((r) => r.worstOver);
  if (!breach) return "";
  const f = report.parties[breach.party];
  if (breach.kind === "exposure")
    return `At the worst case of the value ranges, ${breach.party}'s exposure reaches ${num(f.worst.exposure[breach.phase!])} after phase ${breach.phase} (tolerance ${num(f.tolerance)}).`;
  if (breach.kind === "margin")
    return `At the worst case of the value ranges, ${breach.party}'s margin in phase ${breach.phase} falls to ${num(breach.worstSlack)}.`;
  return `At the worst case of the value ranges, ${breach.party} ends below its reservation (${num(f.worst.final)}).`;
}
