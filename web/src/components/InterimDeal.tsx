/**
 * An interim deal (MODEL.md §8): the plan with the most progress when the whole goal cannot be
 * sequenced. Its progress, a chart of how much of each goal item it does, and every deferred item
 * with why. The plan itself is judged as an interim plan: the goal aside, every row must hold.
 */
import * as Plot from "@observablehq/plot";
import type { Analysis, CompiledScenario } from "../../../src/analysis/index.ts";
import { goalItemMoves, goalItemWeight } from "../../../src/model/index.ts";
import type { Deferred } from "../../../src/planner/index.ts";
import { interimFeasible } from "../../../src/planner/index.ts";
import { Chart } from "./Chart.tsx";
import { COLORS } from "./charts.ts";
import { inTitles } from "./Violations.tsx";

/** The analysis as an interim plan: goal violations set aside, the verdict the planner gives it. */
export function asInterim(analysis: Analysis): Analysis {
  return {
    ...analysis,
    violations: analysis.violations.filter((v) => v.kind !== "goal"),
    feasible: interimFeasible(analysis, false),
    robustlyFeasible: interimFeasible(analysis, true),
  };
}

interface ItemRow {
  label: string;
  weight: number;
  done: number;
  deferred: boolean;
}

/** Each goal item: its name in the scenario's words, its weight and the share of it the plan does. */
function goalRows(compiled: CompiledScenario, analysis: Analysis, deferred: Deferred[]): ItemRow[] {
  const titles = Object.fromEntries(compiled.scenario.moves.map((m) => [m.id, m.title ?? m.id]));
  const items = compiled.scenario.goal ?? compiled.moveIds;
  const last = analysis.schedule.x[analysis.schedule.phases];
  const deferredKeys = new Set(deferred.map((d) => JSON.stringify(d.item)));
  return items.map((item, g) => {
    const moves = goalItemMoves(item);
    const done = Math.max(0, ...(compiled.goal[g] ?? []).map((m) => Math.min(1, last?.[m] ?? 0)));
    const label =
      moves.length === 1
        ? (titles[moves[0] ?? ""] ?? "")
        : `any of ${moves.map((m) => titles[m] ?? m).join(", ")}`;
    return { label, weight: goalItemWeight(item), done, deferred: deferredKeys.has(JSON.stringify(item)) };
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const shorten = (text: string, max = 34) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

interface Props {
  compiled: CompiledScenario;
  analysis: Analysis;
  progress: number;
  deferred: Deferred[];
}

export function InterimDeal({ compiled, analysis, progress, deferred }: Props) {
  const titles = Object.fromEntries(compiled.scenario.moves.map((m) => [m.id, m.title ?? m.id]));
  const rows = goalRows(compiled, analysis, deferred);
  const labelOf = (item: Deferred["item"]) => {
    const moves = goalItemMoves(item);
    const named = moves.map((m) => titles[m] ?? m);
    const weight = goalItemWeight(item);
    return `${moves.length === 1 ? named[0] : `any of ${named.join(", ")}`}${weight === 1 ? "" : ` (weight ${weight})`}`;
  };
  const summary = `The interim deal does ${pct(progress)} of the goal's weight. ${rows
    .map(
      (r) =>
        `${r.label}${r.weight === 1 ? "" : ` (weight ${r.weight})`}: ${pct(r.done)} done${r.deferred ? ", deferred" : ""}`,
    )
    .join("; ")}.`;
  return (
    <section class="interim" data-testid="interim-deal" aria-labelledby="interim-heading">
      <h3 id="interim-heading">Interim deal: {pct(progress)} of the goal's weight</h3>
      <p>
        <progress max={1} value={progress} aria-label="progress of the interim deal" data-testid="progress" />{" "}
        {deferred.length === 0
          ? "Nothing deferred: the whole goal is done."
          : `${deferred.length} goal item${deferred.length === 1 ? " is" : "s are"} deferred to a later round.`}
      </p>
      <Chart
        title="Goal items: the share of each the interim deal does"
        fileName="interim-goal-items"
        testId="interim-chart"
        summary={summary}
        legend={[
          { label: "done by the interim deal", color: COLORS.within, shape: "band" },
          { label: "deferred (share done so far)", color: COLORS.over, shape: "band" },
        ]}
        note="Share of each goal item done by the end of the plan, in percent; an item's weight counts towards progress."
        terms={["progress"]}
        deps={[rows]}
        render={(width) =>
          Plot.plot({
            width,
            height: 50 + 26 * rows.length,
            marginLeft: Math.min(260, width / 2.4),
            marginBottom: 36,
            style: { fontSize: width < 560 ? "12px" : "11px", background: "white" },
            x: { label: "share of the item done (%) →", domain: [0, 100], grid: true },
            y: { label: null, domain: rows.map((r) => shorten(r.label)) },
            marks: [
              Plot.barX(rows, {
                y: (d: ItemRow) => shorten(d.label),
                x: (d: ItemRow) => d.done * 100,
                fill: (d: ItemRow) => (d.deferred ? COLORS.over : COLORS.within),
                title: (d: ItemRow) => `${d.label}: ${pct(d.done)} done${d.deferred ? " (deferred)" : ""}`,
              }),
              Plot.ruleX([0]),
            ],
          })
        }
      />
      {deferred.length > 0 && (
        <>
          <h4>Deferred, and why</h4>
          <ul class="reasons" data-testid="deferred">
            {deferred.map((d) => (
              <li key={JSON.stringify(d.item)}>
                <strong>{labelOf(d.item)}</strong>: {inTitles(d.reason, titles)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
