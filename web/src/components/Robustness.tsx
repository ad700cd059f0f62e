/**
 * Robustness (MODEL.md §7) wherever a plan is shown: the safety factor θ* beside the verdict with
 * what breaks first, and the tornado of breaking points (which assumptions matter most).
 */
import * as Plot from "@observablehq/plot";
import type { Analysis, BreakingPoint, CompiledScenario, Safety } from "../../../src/analysis/index.ts";
import { robustnessReport, tornadoOrder } from "../../../src/analysis/index.ts";
import { Chart } from "./Chart.tsx";
import { COLORS } from "./charts.ts";
import { HelpLink } from "./Glossary.tsx";

export function robustnessOf(compiled: CompiledScenario, analysis: Analysis) {
  return robustnessReport(compiled, analysis);
}

/** "θ* 1.35", "θ* ≥ 2.00", "θ* unbounded", or "—" for a plan infeasible at nominal values. */
export function thetaText(safety: Safety | null): string {
  if (!safety) return "—";
  if (safety.unbounded || safety.theta === null) return "unbounded";
  return `${safety.capped ? "≥ " : ""}${safety.theta.toFixed(2)}`;
}

/** The safety factor beside a verdict, with what breaks first. */
export function SafetyBadge({ safety }: { safety: Safety | null }) {
  if (!safety) {
    return (
      <span class="safety muted" data-testid="safety">
        θ* — (not feasible at the stated values)
        <HelpLink terms={["theta"]} />
      </span>
    );
  }
  const weak = safety.theta !== null && safety.theta < 1;
  return (
    <span class={`safety ${weak ? "weak" : ""}`} data-testid="safety">
      <strong>θ* {thetaText(safety)}</strong>
      <HelpLink terms={["theta"]} />
      {safety.breaksFirst && (
        <span class="breaks-first">
          {" "}
          · breaks first: {safety.breaksFirst.text.replace(/^first to break:\s*/i, "")}
        </span>
      )}
    </span>
  );
}

const LIMIT = 4;

/** A label that fits the chart's margin; the full name is in the summary and the bar's tooltip. */
const shorten = (text: string, max = 38) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** One bar per uncertain value: how far it may move (in half-widths of its range) before the plan breaks. */
export function Tornado({
  compiled,
  points,
  planName,
}: {
  compiled: CompiledScenario;
  points: BreakingPoint[];
  planName: string;
}) {
  const titles = Object.fromEntries(compiled.scenario.moves.map((m) => [m.id, m.title ?? m.id]));
  const names = Object.fromEntries(compiled.scenario.parties.map((p) => [p.id, p.name ?? p.id]));
  const rows = tornadoOrder(points)
    .filter((p) => p.field === "value" && p.width > 0)
    .slice(0, 12)
    .map((p) => {
      const full =
        p.field === "value" ? `${titles[p.move] ?? p.move} → ${names[p.party] ?? p.party}` : p.party;
      const label =
        p.field === "value" ? `${shorten(titles[p.move] ?? p.move)} → ${names[p.party] ?? p.party}` : p.party;
      const down = p.down === null ? LIMIT : Math.min(LIMIT, p.down / p.width);
      const up = p.up === null ? LIMIT : Math.min(LIMIT, p.up / p.width);
      return {
        label,
        full,
        down: -down,
        up,
        inside: down <= 1 || up <= 1,
        rawDown: p.down,
        rawUp: p.up,
        width: p.width,
      };
    });
  if (rows.length === 0) return null;
  const summary = rows
    .map(
      (r) =>
        `${r.full}: may fall ${r.rawDown === null ? "without limit" : `${(r.rawDown / r.width).toFixed(2)}×`} or rise ${r.rawUp === null ? "without limit" : `${(r.rawUp / r.width).toFixed(2)}×`} its half-range${r.inside ? " — breaks inside its range" : ""}`,
    )
    .join("; ");
  return (
    <Chart
      title={`Breaking points: how far each uncertain value may move before plan '${planName}' breaks (in half-widths of its range)`}
      fileName={`tornado-${planName.replace(/[^a-z0-9-]+/gi, "-")}`}
      testId="tornado-chart"
      summary={`${summary}.`}
      legend={[
        { label: "room before the plan breaks", color: COLORS.within, shape: "band" },
        { label: "breaks inside the stated range", color: COLORS.over, shape: "band" },
        { label: "the stated range (±1)", color: COLORS.tolerance, shape: "dashed" },
      ]}
      terms={["theta", "worst"]}
      deps={[points]}
      render={(width) =>
        Plot.plot({
          width,
          height: 50 + 28 * rows.length,
          marginLeft: Math.min(300, width / 2.4),
          marginBottom: 36,
          style: { fontSize: "11px", background: "white" },
          x: {
            label: "← fall · rise → (half-widths of the range; bars end at 4)",
            domain: [-LIMIT, LIMIT],
            grid: true,
          },
          y: { label: null, domain: rows.map((r) => r.label) },
          marks: [
            Plot.barX(rows, {
              y: "label",
              x1: "down",
              x2: "up",
              fill: (d: { inside: boolean }) => (d.inside ? COLORS.over : COLORS.within),
              fillOpacity: 0.8,
              title: "full",
            }),
            Plot.ruleX([-1, 1], { stroke: COLORS.tolerance, strokeDasharray: "4,3", strokeWidth: 1.5 }),
            Plot.ruleX([0]),
          ],
        })
      }
    />
  );
}
