/**
 * The doctrines, the file's plans and the optimum side by side: a table and small multiples. The
 * optimum comes from the planner in a browser worker, on request.
 */
import * as Plot from "@observablehq/plot";
import { useMemo, useState } from "preact/hooks";
import { type Analysis, type CompiledScenario, rowIndex } from "../../../src/analysis/index.ts";
import { Chart } from "../components/Chart.tsx";
import { COLORS, phaseTicks, unitSuffix } from "../components/charts.ts";
import { exposedParties, partyNames, Verdict } from "../components/PlanView.tsx";
import { robustnessOf, thetaText } from "../components/Robustness.tsx";
import { analyse, type PlanChoice } from "../lib/analysis.ts";
import { useFormAction } from "../lib/form-action.ts";
import { findPlanInBrowser, type Where } from "../lib/in-browser.ts";
import { type PlanReport, plannerOptions } from "../lib/planner.ts";
import { pct, type SimulationSummary } from "../lib/sim-results.ts";
import { WhereNote } from "./BestPlanTab.tsx";

interface Props {
  compiled: CompiledScenario;
  choices: PlanChoice[];
  source: string;
  /** The latest simulation of each plan, from the Simulate tab. */
  simulations: Record<string, SimulationSummary>;
  onOpen(name: string): void;
  onOptimum(report: PlanReport): void;
}

/** A plan offered and its analysis: one row of the table, one row of the chart. */
interface Compared {
  choice: PlanChoice;
  analysis: Analysis;
}

export function CompareTab({ compiled, choices, source, simulations, onOpen, onOptimum }: Props) {
  const names = partyNames(compiled);
  const rows = useMemo(
    () => choices.map((choice) => ({ choice, analysis: analyse(compiled, choice.plan) })),
    [compiled, choices],
  );
  return (
    <section aria-label="Compare plans">
      <AddOptimum
        offered={!choices.some((c) => c.name === "optimal")}
        source={source}
        onOptimum={onOptimum}
      />
      <div class="table-scroll">
        <table class="compare" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">plan</th>
              <th scope="col">verdict</th>
              <th scope="col">phases</th>
              <th scope="col">min slack</th>
              <th scope="col">safety θ*</th>
              {compiled.partyIds.map((p) => (
                <th scope="col" key={p}>
                  peak exposure {names[p]}
                </th>
              ))}
              <th scope="col">simulated P(complete)</th>
              <th scope="col">first problem</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <CompareRow
                key={row.choice.name}
                {...row}
                compiled={compiled}
                names={names}
                simulation={simulations[row.choice.name]}
                onOpen={onOpen}
              />
            ))}
          </tbody>
        </table>
      </div>
      <CompareChart compiled={compiled} rows={rows} names={names} />
    </section>
  );
}

/** "Add the optimum" (while the plans offered have none): the planner, run in a browser worker. */
function AddOptimum({
  offered,
  source,
  onOptimum,
}: {
  offered: boolean;
  source: string;
  onOptimum(report: PlanReport): void;
}) {
  // Its answer is a note beside the button: why no optimum was added.
  const action = useFormAction();
  const [where, setWhere] = useState<Where | undefined>();
  const addOptimum = () =>
    action.run(
      async () => {
        // The options "Find the best plan" sends for its default (fewest phases, not robust): the
        // same search, so an optimum found there (kept in the tab, plan-cache.ts) is added at once.
        const { result, where } = await findPlanInBrowser(source, plannerOptions("phases", false));
        setWhere(where);
        if (result.feasible) onOptimum(result);
        else action.say({ ok: false, text: `The planner found no feasible plan (${result.status}).` });
      },
      (message) => `The planner failed: ${message}`,
    );
  return (
    <>
      {offered && (
        <p class="toolbar">
          <button type="button" disabled={action.busy} onClick={addOptimum} data-testid="compare-add-optimum">
            {action.busy ? "Searching…" : "Add the optimum"}
          </button>
          {action.answer && <span role="status">{action.answer.text}</span>}
        </p>
      )}
      <WhereNote where={where} />
    </>
  );
}

/** One plan's row: verdict, phases, slack, safety, each party's peak exposure, simulation, first problem. */
function CompareRow({
  choice,
  analysis,
  compiled,
  names,
  simulation,
  onOpen,
}: Compared & {
  compiled: CompiledScenario;
  names: Record<string, string>;
  simulation: SimulationSummary | undefined;
  onOpen(name: string): void;
}) {
  const exposed = exposedParties(analysis);
  return (
    <tr data-plan={choice.name}>
      <th scope="row">
        <button type="button" class="link" onClick={() => onOpen(choice.name)} title={choice.label}>
          {choice.name}
        </button>
      </th>
      <td data-label="verdict">
        <Verdict analysis={analysis} />
      </td>
      <td data-label="phases">{analysis.phases}</td>
      <td data-label="min slack">{analysis.minSlack.toFixed(2)}</td>
      <td data-label="safety θ*" data-testid="theta">
        {thetaText(robustnessOf(compiled, analysis).safety)}
      </td>
      {compiled.partyIds.map((p) => (
        <td key={p} class={exposed.has(p) ? "over" : ""} data-label={`peak exposure ${names[p]}`}>
          {Math.max(...analysis.parties[p].exposure).toFixed(2)}
        </td>
      ))}
      <td data-label="simulated P(complete)" data-testid="simulated">
        {simulation ? (
          <span
            title={`${simulation?.runs} runs, seed ${simulation?.seed}, hazard ${simulation?.risk.hazard}, ${simulation?.risk.response}`}
          >
            {pct(simulation?.p ?? 0)}
          </span>
        ) : (
          <span class="muted">not run</span>
        )}
      </td>
      <td class="first-problem" data-label="first problem" title={analysis.violations[0]?.message}>
        {analysis.violations[0] ? (
          <>
            <strong>
              {analysis.violations[0].kind}
              {analysis.violations[0].party
                ? ` · ${names[analysis.violations[0].party] ?? analysis.violations[0].party}`
                : ""}
              {analysis.violations[0].phase !== undefined ? ` · phase ${analysis.violations[0].phase}` : ""}
            </strong>{" "}
            <span class="clamp">{analysis.violations[0].message}</span>
          </>
        ) : (
          "—"
        )}
      </td>
    </tr>
  );
}

/** Small multiples: each party's exposure (columns) under each plan (rows), against its tolerance. */
function CompareChart({
  compiled,
  rows,
  names,
}: {
  compiled: CompiledScenario;
  rows: Compared[];
  names: Record<string, string>;
}) {
  const points = rows.flatMap(({ choice, analysis }) => {
    const row = rowIndex(analysis.rows);
    return Object.entries(analysis.parties).flatMap(([party, f]) =>
      f.exposure.map((e, phase) => ({
        plan: choice.name,
        party: names[party],
        phase,
        exposure: e,
        over: row("exposure", party, phase)?.over ?? false,
      })),
    );
  });
  const limits = rows.flatMap(({ choice, analysis }) =>
    Object.entries(analysis.parties).map(([party, f]) => ({
      plan: choice.name,
      party: names[party],
      tolerance: f.tolerance,
    })),
  );
  return (
    <Chart
      title="Exposure E per party (columns) under each plan (rows), against tolerance τ"
      legend={[
        { label: "exposure E", color: COLORS.within, shape: "line" },
        { label: "above tolerance", color: COLORS.over, shape: "dot" },
        { label: "tolerance τ", color: COLORS.tolerance, shape: "dashed" },
      ]}
      terms={["E", "tau"]}
      fileName="compare-exposure"
      testId="compare-chart"
      summary={rows
        .map(({ choice }) => {
          const over = [
            ...new Set(points.filter((p) => p.plan === choice.name && p.over).map((p) => p.party)),
          ];
          return `${choice.name}: ${over.length === 0 ? "every party within tolerance" : `${over.join(", ")} above tolerance`}`;
        })
        .join("; ")}
      deps={[rows]}
      render={(width) =>
        Plot.plot({
          width,
          height: 50 + (width < 560 ? 110 : 90) * rows.length,
          marginLeft: 40,
          marginRight: Math.min(110, width / 4),
          style: { fontSize: "10px", background: "white" },
          fx: { label: null, domain: compiled.partyIds.map((p) => names[p]) },
          fy: { label: null },
          x: {
            label: "phase",
            ticks: phaseTicks(Math.max(...rows.map((r) => r.analysis.phases))),
            tickFormat: "d",
          },
          y: {
            label: `↑ E${unitSuffix(compiled.scenario.unit)}`,
            grid: true,
            ticks: 3,
          },
          marks: [
            Plot.line(points, {
              fx: "party",
              fy: "plan",
              x: "phase",
              y: "exposure",
              curve: "step-after",
              stroke: COLORS.within,
            }),
            Plot.dot(
              points.filter((p) => p.over),
              { fx: "party", fy: "plan", x: "phase", y: "exposure", fill: COLORS.over, r: 3 },
            ),
            // Drawn last, so a tolerance of 0 shows above the data.
            Plot.ruleY(limits, {
              fx: "party",
              fy: "plan",
              y: "tolerance",
              stroke: COLORS.tolerance,
              strokeWidth: 1.5,
              strokeDasharray: "4,3",
            }),
          ],
        })
      }
    />
  );
}
