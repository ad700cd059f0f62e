/**
 * "Find the best plan": the planner for a chosen objective, in a browser worker (the server when
 * the worker cannot start). When no plan works it shows what it would take: the extra tolerance
 * and inducement per party, and the plan they allow.
 */
import { useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/compile.ts";
import { PlanView } from "../components/PlanView.tsx";
import { analyse, partyName } from "../lib/analysis.ts";
import { findPlanInBrowser, type Where } from "../lib/in-browser.ts";
import { OBJECTIVES, type PlanReport } from "../lib/planner.ts";

interface Props {
  compiled: CompiledScenario;
  source: string;
  width: number;
  report?: PlanReport;
  onReport(report: PlanReport): void;
  onUse(): void;
}

export function BestPlanTab({ compiled, source, width, report, onReport, onUse }: Props) {
  const [objective, setObjective] = useState("phases");
  const [robust, setRobust] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [where, setWhere] = useState<Where | undefined>();
  const find = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { result, where } = await findPlanInBrowser(source, { objective, robust });
      setWhere(where);
      onReport(result);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label="Find the best plan" class="best-plan">
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          void find();
        }}
      >
        <label>
          Objective{" "}
          <select
            value={objective}
            onChange={(e) => setObjective(e.currentTarget.value)}
            data-testid="objective"
          >
            {OBJECTIVES.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={robust} onChange={(e) => setRobust(e.currentTarget.checked)} />{" "}
          robust (worst case of ranges)
        </label>
        <button type="submit" class="primary" disabled={busy} data-testid="find-best-plan">
          {busy ? "Searching…" : "Find the best plan"}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <WhereNote where={where} />
      {report && <PlanResult compiled={compiled} report={report} width={width} onUse={onUse} />}
    </section>
  );
}

function PlanResult({
  compiled,
  report,
  width,
  onUse,
}: {
  compiled: CompiledScenario;
  report: PlanReport;
  width: number;
  onUse(): void;
}) {
  const analysis = report.phases > 0 ? analyse(compiled, report.plan) : undefined;
  return (
    <div data-testid="best-plan-result">
      {report.feasible ? (
        <p class="ok">
          {report.status === "optimal" ? "Optimal plan" : "A feasible plan (not proven optimal)"}:{" "}
          {report.phases} phases, minimum slack {report.minSlack?.toFixed(2)}.{" "}
          <button type="button" onClick={onUse}>
            Open it in the plan view
          </button>
        </p>
      ) : (
        <div class="what-it-takes" data-testid="what-it-would-take">
          <p class="error">
            No feasible plan ({report.status}).
            {report.binding && report.binding.length > 0 && ` ${report.binding.join(" ")}`}
          </p>
          {report.relaxation && (
            <>
              <h3>What it would take</h3>
              <table>
                <thead>
                  <tr>
                    <th scope="col">party</th>
                    <th scope="col">extra tolerance σ</th>
                    <th scope="col">inducement μ per phase</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(report.relaxation).map(([party, r]) => (
                    <tr key={party}>
                      <th scope="row">{partyName(compiled.scenario, party)}</th>
                      <td>{r.tolerance.toFixed(2)}</td>
                      <td>{r.inducement.toFixed(2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p class="muted">With these, the plan below would work:</p>
            </>
          )}
        </div>
      )}
      {report.notes.length > 0 && (
        <ul class="notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {analysis && <PlanView compiled={compiled} analysis={analysis} planName="optimal" width={width} />}
    </div>
  );
}

/** Where the planner ran: in this browser, or on the server because the worker could not start. */
export function WhereNote({ where }: { where?: Where }) {
  if (!where) return null;
  return where.in === "browser" ? (
    <p class="muted" data-testid="solved-in" data-where="browser">
      Solved in this browser (a background worker).
    </p>
  ) : (
    <p class="notice" role="status" data-testid="solved-in" data-where="server">
      The planner's browser worker could not start ({where.reason}), so the server solved this.
    </p>
  );
}
