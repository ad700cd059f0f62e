/**
 * What each side believes (MODEL.md §9): a switcher that redraws the plan's charts as a party sees
 * them, whether the plan is credible to each, and the surprises and fears, as a chart of the rows
 * on which beliefs and truth disagree and as a table in words.
 */
import * as Plot from "@observablehq/plot";
import type { CompiledScenario, PerspectiveAnalysis } from "../../../src/analysis/index.ts";
import { Chart } from "./Chart.tsx";
import { COLORS } from "./charts.ts";

export const TRUTH = "truth";

interface SwitcherProps {
  compiled: CompiledScenario;
  viewer: string;
  onViewer(viewer: string): void;
  names: Record<string, string>;
}

/** Truth or a party's view: the charts below are drawn as the chosen side sees the plan. */
export function PerspectiveSwitcher({ compiled, viewer, onViewer, names }: SwitcherProps) {
  const viewers = compiled.partyIds.filter((id) => compiled.scenario.views?.[id] !== undefined);
  return (
    <fieldset class="perspective-switcher" data-testid="perspective-switcher">
      <legend>Seen by</legend>
      {[TRUTH, ...viewers].map((id) => (
        <label key={id}>
          <input
            type="radio"
            name="perspective"
            value={id}
            checked={viewer === id}
            onChange={() => onViewer(id)}
          />{" "}
          {id === TRUTH ? "the truth (the scenario's figures)" : (names[id] ?? id)}
        </label>
      ))}
    </fieldset>
  );
}

interface FindingsProps {
  perspectives: PerspectiveAnalysis;
  names: Record<string, string>;
  planName: string;
}

const rowLabel = (names: Record<string, string>, r: { party: string; kind: string; phase: number | null }) =>
  `${names[r.party] ?? r.party} ${r.kind}${r.phase === null ? "" : ` · phase ${r.phase}`}`;

export function PerspectiveFindings({ perspectives, names, planName }: FindingsProps) {
  const { report, rows } = perspectives;
  const credible = Object.entries(report.credible);
  const findings = [
    ...report.surprises.map((f) => ({ ...f, type: "surprise" as const })),
    ...report.fears.map((f) => ({ ...f, type: "fear" as const })),
  ];
  const points = rows.flatMap((r) => [
    { row: rowLabel(names, r), who: "truth", g: r.truth },
    ...Object.entries(r.byView).map(([viewer, g]) => ({
      row: rowLabel(names, r),
      who: names[viewer] ?? viewer,
      g,
    })),
  ]);
  return (
    <section class="perspectives" data-testid="perspectives" aria-labelledby="perspectives-heading">
      <h2 id="perspectives-heading">What each side believes</h2>
      <ul class="credible" data-testid="credible">
        {credible.map(([viewer, ok]) => (
          <li key={viewer} class={ok ? "ok" : "bad-text"}>
            {ok ? "Credible" : "Not credible"} to {names[viewer] ?? viewer}
          </li>
        ))}
      </ul>
      {rows.length > 0 && (
        <Chart
          title={`Where beliefs and truth disagree — plan '${planName}' (room in each row, g; below 0 it fails)`}
          fileName={`perspectives-${planName.replace(/[^a-z0-9-]+/gi, "-")}`}
          testId="perspectives-chart"
          summary={`${report.surprises.length} surprise(s) and ${report.fears.length} fear(s). ${rows
            .map(
              (r) =>
                `${rowLabel(names, r)}: truth ${r.truth.toFixed(2)}, ${Object.entries(r.byView)
                  .map(([v, g]) => `${names[v] ?? v} believes ${g.toFixed(2)}`)
                  .join(", ")}`,
            )
            .join("; ")}.`}
          legend={[
            { label: "truth", color: "#1f2937", shape: "dot" },
            { label: "a party's belief (coloured by party)", color: COLORS.within, shape: "dot" },
            { label: "0: the row fails below", color: COLORS.over, shape: "line" },
          ]}
          terms={["E", "M", "slack"]}
          deps={[rows]}
          render={(width) =>
            Plot.plot({
              width,
              height: 50 + 34 * rows.length,
              marginLeft: Math.min(220, width / 3),
              marginBottom: 36,
              style: { fontSize: "11px", background: "white" },
              x: { label: "room in the row g (value per phase) →", grid: true },
              y: { label: null, domain: rows.map((r) => rowLabel(names, r)) },
              color: { legend: false },
              marks: [
                Plot.ruleX([0], { stroke: COLORS.over, strokeWidth: 1.5 }),
                Plot.link(
                  rows.map((r) => ({
                    row: rowLabel(names, r),
                    low: Math.min(r.truth, ...Object.values(r.byView)),
                    high: Math.max(r.truth, ...Object.values(r.byView)),
                  })),
                  { y1: "row", y2: "row", x1: "low", x2: "high", stroke: "#cbd5e1", strokeWidth: 3 },
                ),
                Plot.dot(
                  points.filter((p) => p.who !== "truth"),
                  {
                    y: "row",
                    x: "g",
                    fill: "who",
                    r: 5,
                    title: (d: { who: string; g: number }) => `${d.who}: ${d.g}`,
                  },
                ),
                Plot.dot(
                  points.filter((p) => p.who === "truth"),
                  { y: "row", x: "g", fill: "#1f2937", symbol: "diamond", r: 5 },
                ),
              ],
            })
          }
        />
      )}
      {findings.length === 0 ? (
        <p class="ok">No surprises and no fears: every side's beliefs agree with the truth on this plan.</p>
      ) : (
        <div class="table-scroll">
          <table class="compare" data-testid="surprises-fears">
            <thead>
              <tr>
                <th scope="col">kind</th>
                <th scope="col">who believes</th>
                <th scope="col">whose step</th>
                <th scope="col">phase</th>
                <th scope="col">in words</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((f, i) => (
                <tr key={`${f.type}-${f.view}-${f.party}-${f.phase}-${f.kind}-${i}`} data-finding={f.type}>
                  <th scope="row" data-label="kind">
                    {f.type === "surprise" ? "Surprise" : "Fear"}
                  </th>
                  <td data-label="who believes">{names[f.view] ?? f.view}</td>
                  <td data-label="whose step">
                    {names[f.party] ?? f.party} ({f.kind})
                  </td>
                  <td data-label="phase">{f.phase ?? "end"}</td>
                  <td data-label="in words">{f.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted">
        A surprise: the believer expects a step that would not happen. A fear: the believer would refuse a
        step that would have worked.
      </p>
    </section>
  );
}
