/** The sweep report as text: where feasibility flips, the tornadoes, and an optional heatmap. */
import type { Flip, Heatmap, SweepReport } from "../../sweep/index.ts";

const num = (x: number) => String(Number(x.toPrecision(6)));
const share = (x: number) => `${Math.round(x * 1000) / 10}%`;

function others(flip: Flip): string {
  const parts = Object.entries(flip.others).map(([k, v]) => `${k} ${num(v)}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function side(flip: Flip): string {
  return `feasible ${flip.feasible} ${num(flip.threshold)} (between ${num(flip.between[0])} and ${num(flip.between[1])})`;
}

export function formatSweepReport(report: SweepReport): string {
  const lines: string[] = [];
  lines.push(report.title ?? `${report.scenario} sweep`);
  const what =
    report.sampling === "grid"
      ? `grid of ${report.points} points`
      : `${report.points} Latin-hypercube points`;
  const errors = report.errors ? ` · ${report.errors} failed` : "";
  lines.push(`scenario ${report.scenario} · ${what} · ${report.done} done${errors}`);
  if (report.feasibility && report.feasibleShare !== null) {
    lines.push(`feasible at ${share(report.feasibleShare)} of the points (${report.feasibility})`);
  }
  const width = Math.max(...report.variables.map((v) => v.name.length), 8) + 2;
  if (report.feasibility) {
    lines.push("", "Where feasibility flips:");
    for (const f of report.flips) {
      const head = `  ${f.variable.padEnd(width)}`;
      if (f.low === null || f.high === null) {
        lines.push(`${head}never flips feasibility over ${f.lines} line${f.lines === 1 ? "" : "s"}`);
        continue;
      }
      const range = f.low === f.high ? `at ${num(f.low)}` : `between ${num(f.low)} and ${num(f.high)}`;
      lines.push(`${head}flips on ${f.flipped} of ${f.lines} lines, ${range}`);
      if (f.asWritten)
        lines.push(`  ${" ".repeat(width)}as written${others(f.asWritten)}: ${side(f.asWritten)}`);
    }
  }
  for (const [figure, bars] of Object.entries(report.tornado)) {
    lines.push("", `Tornado — ${figure} (mean at the low end → at the high end of each variable):`);
    const largest = Math.max(...bars.map((b) => b.swing), 0);
    for (const b of bars) {
      const bar = largest > 0 ? "█".repeat(Math.round((b.swing / largest) * 30)) : "";
      lines.push(
        `  ${b.variable.padEnd(width)}${num(b.atLow).padStart(10)} → ${num(b.atHigh).padEnd(10)} ${bar}`,
      );
    }
  }
  return lines.join("\n");
}

export function formatHeatmap(map: Heatmap): string {
  const cell = (x: number | null) => (x === null ? "·" : num(Math.round(x * 1000) / 1000)).padStart(8);
  const lines = [`Heatmap — ${map.metric}: ${map.y} (rows) × ${map.x} (columns)`];
  lines.push(`${"".padStart(10)}${map.xs.map((x) => num(x).padStart(8)).join("")}`);
  map.ys.forEach((y, r) => {
    lines.push(`${num(y).padStart(10)}${map.cells[r].map(cell).join("")}`);
  });
  return lines.join("\n");
}
