/** Exports: files the browser downloads (plan as Markdown/CSV/JSON, charts as SVG/PNG). */
import type { Analysis } from "../../../src/analysis/analyze.ts";
import type { CompiledScenario } from "../../../src/analysis/compile.ts";
import type { Plan } from "../../../src/model/schema.ts";
import { partyName } from "./analysis.ts";

export function download(name: string, data: Blob | string, type = "text/plain"): void {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (!copy.getAttribute("style")?.includes("background")) {
    copy.setAttribute("style", `${copy.getAttribute("style") ?? ""};background:white`);
  }
  return new XMLSerializer().serializeToString(copy);
}

/** Draws the SVG on a canvas at twice its size, for a crisp PNG. */
export async function svgToPng(svg: SVGSVGElement): Promise<Blob> {
  const width = svg.width.baseVal.value || svg.getBoundingClientRect().width;
  const height = svg.height.baseVal.value || svg.getBoundingClientRect().height;
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(width * 2);
    canvas.height = Math.ceil(height * 2);
    const context = canvas.getContext("2d")!;
    context.fillStyle = "white";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG export failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** One row per move and phase with the fraction done then: what a spreadsheet wants. */
export function planRows(compiled: CompiledScenario, analysis: Analysis) {
  const rows: { phase: number; move: string; actor: string; title: string; fraction: number }[] = [];
  const { delta } = analysis.schedule;
  for (let k = 1; k < delta.length; k++) {
    compiled.scenario.moves.forEach((move, m) => {
      if (delta[k][m] > 0) {
        rows.push({
          phase: k,
          move: move.id,
          actor: move.actor,
          title: move.title ?? move.id,
          fraction: delta[k][m],
        });
      }
    });
  }
  return rows;
}

const csvCell = (value: string | number) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function planCsv(compiled: CompiledScenario, analysis: Analysis): string {
  const lines = [["phase", "move", "actor", "title", "fraction"].join(",")];
  for (const r of planRows(compiled, analysis)) {
    lines.push([r.phase, r.move, r.actor, r.title, r.fraction].map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}

export function planJson(name: string, plan: Plan, analysis: Analysis): string {
  const { schedule: _schedule, ...report } = analysis;
  return `${JSON.stringify({ plan: { name, assignments: plan }, analysis: report }, null, 2)}\n`;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

export function planMarkdown(compiled: CompiledScenario, name: string, analysis: Analysis): string {
  const scenario = compiled.scenario;
  const out = [`# ${scenario.title ?? scenario.id}: plan '${name}'`, ""];
  out.push(
    analysis.feasible
      ? `**Feasible** in ${analysis.phases} phases (minimum slack ${num(analysis.minSlack)}${analysis.robustlyFeasible ? ", robust across value ranges" : ", not robust across value ranges"}).`
      : `**Not feasible**: ${analysis.violations.length} violation(s).`,
    "",
  );
  const rows = planRows(compiled, analysis);
  for (let k = 1; k <= analysis.phases; k++) {
    out.push(`## Phase ${k}`, "");
    for (const r of rows.filter((row) => row.phase === k)) {
      const share = r.fraction < 1 ? ` (${pct(r.fraction)})` : "";
      out.push(`- **${partyName(scenario, r.actor)}**: ${r.title}${share}`);
    }
    out.push("");
  }
  out.push(
    "## Exposure and margins",
    "",
    "| party | tolerance | max exposure | min margin | final value |",
    "|---|---|---|---|---|",
  );
  for (const [party, f] of Object.entries(analysis.parties)) {
    const margins = Object.values(f.margin);
    out.push(
      `| ${partyName(scenario, party)} | ${num(f.tolerance)} | ${num(Math.max(...f.exposure))} | ${margins.length ? num(Math.min(...margins)) : "-"} | ${num(f.final)} |`,
    );
  }
  if (analysis.violations.length > 0) {
    out.push("", "## Violations", "");
    for (const [i, v] of analysis.violations.entries()) out.push(`${i + 1}. ${v.message}`);
  }
  return `${out.join("\n")}\n`;
}
