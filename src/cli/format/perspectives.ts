/** The human face of perspectives (MODEL.md §9): each view beside the truth, surprises and fears. */
import { type PerspectiveAnalysis, rowHolds } from "../../analysis/index.ts";
import { num, renderTable } from "./table.ts";

export function formatPerspectives(p: PerspectiveAnalysis): string {
  const viewers = Object.keys(p.report.credible);
  const out = [
    "Perspectives: each party's view beside the truth",
    `  credible to: ${viewers.map((v) => `${v} ${p.report.credible[v] ? "yes" : "NO"}`).join(", ")}`,
  ];
  if (p.rows.length === 0) {
    out.push("  every view agrees with the truth on whether each row of this plan holds");
    return out.join("\n");
  }
  const cell = (g: number) => (rowHolds(g) ? num(g) : `${num(g)}!`);
  const rows = p.rows.map((r) => [
    `${r.kind} ${r.party}${r.phase === null ? "" : `, phase ${r.phase}`}`,
    cell(r.truth),
    ...viewers.map((v) => cell(r.byView[v])),
  ]);
  out.push(
    "",
    renderTable(["row (slack g, holds when >= 0)", "truth", ...viewers.map((v) => `${v}'s view`)], rows),
  );
  const list = (title: string, items: PerspectiveAnalysis["report"]["surprises"]) => {
    if (items.length === 0) return;
    out.push("", title);
    items.forEach((f, n) => {
      out.push(`${String(n + 1).padStart(3)}. [${f.view}'s view] ${f.text}`);
    });
  };
  list("Surprises (the viewer expects what would not happen):", p.report.surprises);
  list("Fears (the viewer would refuse a plan that works):", p.report.fears);
  return out.join("\n");
}
