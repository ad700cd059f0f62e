/**
 * "Find the best plan": the planner on the server, for a chosen objective. When no plan works it
 * shows what it would take: the extra tolerance and inducement per party, and the plan they allow.
 */
import { useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/compile.ts";
import { PlanView } from "../components/PlanView.tsx";
import { analyse, partyName } from "../lib/analysis.ts";
import type { Capabilities } from "../lib/api.ts";
import { OBJECTIVES, type PlanReport } from "../lib/planner.ts";

interface Props {
  compiled: CompiledScenario;
  source: string;
  capabilities?: Capabilities;
  width: number;
  report?: PlanReport;
  onReport(report: PlanReport): void;
  onUse(): void;
}

export function BestPlanTab({ compiled, source, capabilities, width, report, onReport, onUse }: Props) {
  const [objective, setObjective] = useState("phases");
  const [robust, setRobust] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const available = capabilities?.planner.available ?? true;
  const find = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = (await fetch("/api/plan", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ source, objective, robust }),
      }).then(async (r) => {
        const body = await r.json();
        if (!r.ok) throw new Error(body.message ?? r.statusText);
        return body.result;
      })) as PlanReport;
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
        <button type="submit" class="primary" disabled={busy || !available} data-testid="find-best-plan">
          {busy ? "Searching…" : "Find the best plan"}
        </button>
      </form>
      {!available && (
        <p class="notice" role="status">
          The planner is not available in this build ({capabilities?.planner.reason}). Analysis, comparison of
          the doctrines and export still work.
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
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
