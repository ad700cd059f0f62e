/**
 * The doctrines, the file's plans and the optimum side by side: a table and small multiples. The
 * optimum comes from the planner in a browser worker, on request.
 */
import * as Plot from "@observablehq/plot";
import { useMemo, useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/compile.ts";
import { Chart } from "../components/Chart.tsx";
import { phaseTicks } from "../components/charts.ts";
import { exposedParties, partyNames, Verdict } from "../components/PlanView.tsx";
import { analyse, type PlanChoice } from "../lib/analysis.ts";
import { findPlanInBrowser, type Where } from "../lib/in-browser.ts";
import type { PlanReport } from "../lib/planner.ts";
import { WhereNote } from "./BestPlanTab.tsx";

interface Props {
  compiled: CompiledScenario;
  choices: PlanChoice[];
  source: string;
  width: number;
  onOpen(name: string): void;
  onOptimum(report: PlanReport): void;
}

export function CompareTab({ compiled, choices, source, width, onOpen, onOptimum }: Props) {
  const names = partyNames(compiled);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | undefined>();
  const [where, setWhere] = useState<Where | undefined>();
  const hasOptimum = choices.some((c) => c.name === "optimal");
  const addOptimum = async () => {
    setBusy(true);
    setNote(undefined);
    try {
      const { result, where } = await findPlanInBrowser(source, {});
      setWhere(where);
      if (result.feasible) onOptimum(result);
      else setNote(`The planner found no feasible plan (${result.status}).`);
    } catch (e) {
      setNote(`The planner failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const rows = useMemo(
    () => choices.map((choice) => ({ choice, analysis: analyse(compiled, choice.plan) })),
    [compiled, choices],
  );
  const points = rows.flatMap(({ choice, analysis }) =>
    Object.entries(analysis.parties).flatMap(([party, f]) =>
      f.exposure.map((e, phase) => ({
        plan: choice.name,
        party: names[party],
        phase,
        exposure: e,
        over: e > f.tolerance + 1e-9,
      })),
    ),
  );
  const limits = rows.flatMap(({ choice, analysis }) =>
    Object.entries(analysis.parties).map(([party, f]) => ({
      plan: choice.name,
      party: names[party],
      tolerance: f.tolerance,
    })),
  );
  return (
    <section aria-label="Compare plans">
      {!hasOptimum && (
        <p class="toolbar">
          <button type="button" disabled={busy} onClick={addOptimum} data-testid="compare-add-optimum">
            {busy ? "Searching…" : "Add the optimum"}
          </button>
          {note && <span role="status">{note}</span>}
        </p>
      )}
      <WhereNote where={where} />
      <div class="table-scroll">
        <table class="compare" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">plan</th>
              <th scope="col">verdict</th>
              <th scope="col">phases</th>
              <th scope="col">min slack</th>
              {compiled.partyIds.map((p) => (
                <th scope="col" key={p}>
                  peak exposure {p}
                </th>
              ))}
              <th scope="col">first problem</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ choice, analysis }) => {
              const exposed = exposedParties(analysis);
              return (
                <tr key={choice.name} data-plan={choice.name}>
                  <th scope="row">
                    <button
                      type="button"
                      class="link"
                      onClick={() => onOpen(choice.name)}
                      title={choice.label}
                    >
                      {choice.name}
                    </button>
                  </th>
                  <td>
                    <Verdict analysis={analysis} />
                  </td>
                  <td>{analysis.phases}</td>
                  <td>{analysis.minSlack.toFixed(2)}</td>
                  {compiled.partyIds.map((p) => (
                    <td key={p} class={exposed.has(p) ? "over" : ""}>
                      {Math.max(...analysis.parties[p].exposure).toFixed(2)}
                    </td>
                  ))}
                  <td class="first-problem" title={analysis.violations[0]?.message}>
                    {analysis.violations[0] ? (
                      <>
                        <strong>
                          {analysis.violations[0].kind}
                          {analysis.violations[0].party ? ` · ${analysis.violations[0].party}` : ""}
                          {analysis.violations[0].phase !== undefined
                            ? ` · phase ${analysis.violations[0].phase}`
                            : ""}
                        </strong>{" "}
                        <span class="clamp">{analysis.violations[0].message}</span>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Chart
        title="Exposure per party (columns) under each plan (rows); dashed: tolerance"
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
        deps={[rows, width]}
        render={() =>
          Plot.plot({
            width,
            height: 40 + 90 * rows.length,
            marginLeft: 40,
            marginRight: 110,
            style: { fontSize: "10px", background: "white" },
            fx: { label: null },
            fy: { label: null },
            x: {
              label: "phase",
              ticks: phaseTicks(Math.max(...rows.map((r) => r.analysis.phases))),
              tickFormat: "d",
            },
            y: { label: "exposure", grid: true, ticks: 3 },
            marks: [
              Plot.ruleY(limits, {
                fx: "party",
                fy: "plan",
                y: "tolerance",
                stroke: "#b45309",
                strokeDasharray: "4,3",
              }),
              Plot.line(points, {
                fx: "party",
                fy: "plan",
                x: "phase",
                y: "exposure",
                curve: "step-after",
                stroke: "#1d4ed8",
              }),
              Plot.dot(
                points.filter((p) => p.over),
                { fx: "party", fy: "plan", x: "phase", y: "exposure", fill: "#b91c1c", r: 3 },
              ),
            ],
          })
        }
      />
    </section>
  );
}
