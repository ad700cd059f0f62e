/**
 * One-paragraph text alternatives for the charts: what a sighted reader takes from each picture
 * (peaks, crossings, the worst cell), for screen readers and for anyone who cannot see the SVG.
 */
import { type AnalysisReport, rowIndex } from "../../../src/analysis/index.ts";

const name = (names: Record<string, string>, id: string) => names[id] ?? id;
const fixed = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Per party: the peak exposure, its phase, the tolerance, and the first phase above it. */
export function exposureSummary(report: AnalysisReport, names: Record<string, string>): string {
  const row = rowIndex(report.rows);
  const parts = Object.entries(report.parties).map(([party, f]) => {
    const peak = Math.max(...f.exposure);
    const peakPhase = f.exposure.indexOf(peak);
    const firstOver = f.exposure.findIndex((_, k) => row("exposure", party, k)?.over);
    const over = firstOver < 0 ? "within tolerance throughout" : `above tolerance from phase ${firstOver}`;
    const high =
      peakPhase === 0
        ? `is highest at the start, ${fixed(peak)},`
        : `peaks at ${fixed(peak)} after phase ${peakPhase}`;
    return `${name(names, party)} ${high} against a tolerance of ${fixed(f.tolerance)}, ${over}`;
  });
  return `Over ${report.phases} phases: ${parts.join("; ")}.`;
}

/** The lowest margin per party and how many cells are negative. */
export function marginSummary(report: AnalysisReport, names: Record<string, string>): string {
  const row = rowIndex(report.rows);
  const parts = Object.entries(report.parties).flatMap(([party, f]) => {
    const cells = Object.entries(f.margin);
    if (cells.length === 0) return [];
    const [phase, lowest] = cells.reduce((low, cell) => (cell[1] < low[1] ? cell : low));
    const negative = cells.filter(([k]) => row("margin", party, Number(k))?.over).length;
    return [
      `${name(names, party)} lowest ${fixed(lowest)} at phase ${phase}${negative > 0 ? `, negative in ${negative} phase${negative === 1 ? "" : "s"}` : ""}`,
    ];
  });
  return parts.length > 0 ? `Incentive margins: ${parts.join("; ")}.` : "No phase where a party can defect.";
}

/** Where survival ends and the phase where it falls most. */
export function survivalSummary(points: { phase: number; survival: number }[]): string {
  const last = points.at(-1);
  if (!last) return "No runs.";
  let steepest = { phase: 0, drop: 0 };
  for (let i = 1; i < points.length; i++) {
    const drop = (points[i - 1]?.survival ?? 0) - (points[i]?.survival ?? 0);
    if (drop > steepest.drop) steepest = { phase: points[i]?.phase ?? i, drop };
  }
  const fall =
    steepest.drop > 0 ? `; the largest fall, ${pct(steepest.drop)}, is at phase ${steepest.phase}` : "";
  return `${pct(last.survival)} of runs are alive after phase ${last.phase}${fall}.`;
}

export function valuesSummary(rows: { party: string; mean: number; p5: number; p95: number }[]): string {
  return rows
    .map((r) => `${r.party}: mean ${fixed(r.mean)}, 5–95% from ${fixed(r.p5)} to ${fixed(r.p95)}`)
    .join("; ")
    .concat(".");
}

export function causesSummary(rows: { cause: string; count: number }[]): string {
  const sorted = [...rows].sort((a, b) => b.count - a.count);
  return sorted.length === 0
    ? "No run collapsed."
    : `Causes of collapse, largest first: ${sorted.map((r) => `${r.cause} ${pct(r.count)}`).join("; ")}.`;
}
