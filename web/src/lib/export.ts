/** Exports: files the browser downloads (plan as Markdown/CSV/JSON, charts as SVG/PNG). */
import type { Analysis, CompiledScenario } from "../../../src/analysis/index.ts";
import type { Plan } from "../../../src/model/index.ts";
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

const SVG_NS = "http://www.w3.org/2000/svg";

/** Splits text into lines of at most `chars` characters, at spaces. */
function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > chars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export interface Frame {
  title: string;
  legend?: readonly { label: string; color: string; shape: "line" | "dashed" | "dot" | "band" }[];
  summary?: string;
}

/**
 * The chart as a file should show it: its title above, the legend under the title and the summary
 * as a caption below, so an exported SVG or PNG stands on its own.
 */
export function framedSvg(chart: SVGSVGElement, frame: Frame): SVGSVGElement {
  const width = chart.width.baseVal.value || chart.getBoundingClientRect().width || 600;
  const height = chart.height.baseVal.value || chart.getBoundingClientRect().height || 300;
  const make = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>) => {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  };
  const out = make("svg", { xmlns: SVG_NS, "font-family": "system-ui, sans-serif" });
  const chars = Math.max(30, Math.floor(width / 7));
  let y = 0;
  const text = (content: string, size: number, weight = "normal") => {
    y += size + 6;
    const t = make("text", { x: 8, y, "font-size": size, "font-weight": weight, fill: "#1f2937" });
    t.textContent = content;
    out.append(t);
  };
  for (const line of wrap(frame.title, Math.floor(chars * 0.85))) text(line, 14, "bold");
  if (frame.legend?.length) {
    y += 8;
    let x = 8;
    for (const item of frame.legend) {
      const w = 30 + item.label.length * 6.5;
      if (x + w > width && x > 8) {
        x = 8;
        y += 18;
      }
      const g = make("g", { transform: `translate(${x},${y})` });
      if (item.shape === "band")
        g.append(make("rect", { x: 0, y: -9, width: 22, height: 10, fill: item.color }));
      else if (item.shape === "dot") g.append(make("circle", { cx: 11, cy: -4, r: 4, fill: item.color }));
      else
        g.append(
          make("line", {
            x1: 0,
            x2: 22,
            y1: -4,
            y2: -4,
            stroke: item.color,
            "stroke-width": 2.5,
            ...(item.shape === "dashed" ? { "stroke-dasharray": "4,3" } : {}),
          }),
        );
      const t = make("text", { x: 27, y: 0, "font-size": 11, fill: "#1f2937" });
      t.textContent = item.label;
      g.append(t);
      out.append(g);
      x += w;
    }
    y += 6;
  }
  y += 6;
  const body = chart.cloneNode(true) as SVGSVGElement;
  body.removeAttribute("aria-hidden");
  body.setAttribute("x", "0");
  body.setAttribute("y", String(y));
  body.setAttribute("width", String(width));
  body.setAttribute("height", String(height));
  out.append(body);
  y += height + 4;
  if (frame.summary) for (const line of wrap(frame.summary, chars)) text(line, 11);
  y += 8;
  out.setAttribute("width", String(width));
  out.setAttribute("height", String(Math.ceil(y)));
  out.setAttribute("viewBox", `0 0 ${width} ${Math.ceil(y)}`);
  out.setAttribute("style", "background:white");
  return out;
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
