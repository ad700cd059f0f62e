/**
 * "Find the best plan": the planner for a chosen objective, in a browser worker (the server when
 * the worker cannot start). When no plan works it shows what it would take: the extra tolerance
 * and inducement per party, the relaxed plan (feasible once they are granted) and, apart from it,
 * why that plan fails without them.
 */
import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/index.ts";
import type { Plan } from "../../../src/model/index.ts";
import { HelpLink } from "../components/Glossary.tsx";
import { moveTitles, PlanView, partyNames } from "../components/PlanView.tsx";
import { inTitles } from "../components/Violations.tsx";
import { analyse, analyseRelaxed, partyName } from "../lib/analysis.ts";
import { findPlanInBrowser, type Where } from "../lib/in-browser.ts";
import { objectiveLabel, objectives, type PlanReport } from "../lib/planner.ts";

interface Props {
  compiled: CompiledScenario;
  source: string;
  report?: PlanReport;
  /** A plan found earlier (restored from the link) when there is no report in this session. */
  restored?: Plan;
  objective: string;
  onObjective(objective: string): void;
  onReport(report: PlanReport): void;
  onUse(): void;
  /** Writes the plan into the scenario's `plans:` under the given name. */
  onSave(name: string, plan: Plan): void;
}

export function BestPlanTab(props: Props) {
  const { compiled, source, report, restored, objective, onObjective, onReport } = props;
  const [robust, setRobust] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [where, setWhere] = useState<Where | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const [solved, setSolved] = useState(0);
  // After a search, focus moves to its result so a keyboard or screen-reader user lands on it.
  useEffect(() => {
    if (solved > 0) heading.current?.focus();
  }, [solved]);
  const find = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { result, where } = await findPlanInBrowser(source, { objective, robust });
      setWhere(where);
      onReport(result);
      setSolved((n) => n + 1);
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
            onChange={(e) => onObjective(e.currentTarget.value)}
            data-testid="objective"
          >
            {objectives().map((o) => (
              <option key={o} value={o}>
                {objectiveLabel(o)}
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
      {report ? (
        <PlanResult {...props} report={report} heading={heading} />
      ) : restored ? (
        <div data-testid="best-plan-result">
          <h3 ref={heading} tabIndex={-1}>
            The plan from the link
          </h3>
          <p class="muted">
            Found earlier by the planner and kept in the page's address; run the search again for its report.
          </p>
          <SaveIntoScenario plan={restored} onSave={props.onSave} />
          <PlanView compiled={compiled} analysis={analyse(compiled, restored)} planName="optimal" />
        </div>
      ) : null}
    </section>
  );
}

function SaveIntoScenario({ plan, onSave }: { plan: Plan; onSave(name: string, plan: Plan): void }) {
  const [saved, setSaved] = useState<string | undefined>();
  return (
    <p class="toolbar">
      <button
        type="button"
        data-testid="save-optimum"
        onClick={() => {
          onSave("optimised", plan);
          setSaved("optimised");
        }}
      >
        Save this plan into the scenario
      </button>
      <span role="status" class="muted">
        {saved
          ? `Written into the scenario's plans as '${saved}' (unsaved until you save the scenario).`
          : "as plans.optimised, like `lockstep plan --write`"}
      </span>
    </p>
  );
}

function PlanResult({
  compiled,
  report,
  onUse,
  onSave,
  heading,
}: Props & { report: PlanReport; heading: RefObject<HTMLHeadingElement | null> }) {
  const names = partyNames(compiled);
  const titles = moveTitles(compiled);
  const hasPlan = report.phases > 0;
  if (report.feasible) {
    const analysis = analyse(compiled, report.plan);
    return (
      <div data-testid="best-plan-result">
        <h3 ref={heading} tabIndex={-1}>
          {report.status === "optimal" ? "Optimal plan" : "A feasible plan (not proven optimal)"}:{" "}
          {report.phases} phases, minimum slack {report.minSlack?.toFixed(2)}
        </h3>
        <p class="toolbar">
          <button type="button" onClick={onUse}>
            Open it in the plan view
          </button>
        </p>
        <SaveIntoScenario plan={report.plan} onSave={onSave} />
        <Notes notes={report.notes} />
        <PlanView compiled={compiled} analysis={analysis} planName="optimal" />
      </div>
    );
  }
  const relaxation = report.relaxation ?? {};
  const needed = Object.entries(relaxation).filter(([, r]) => r.tolerance > 0 || r.inducement > 0);
  const relaxed = hasPlan ? analyseRelaxed(compiled, report.plan, relaxation) : undefined;
  const without = hasPlan ? analyse(compiled, report.plan) : undefined;
  return (
    <div data-testid="best-plan-result">
      <h3 ref={heading} tabIndex={-1}>
        No plan works as the scenario stands
      </h3>
      <p data-testid="no-plan">
        The planner proved that no plan within the horizon meets every party's tolerance and keeps every step
        self-enforcing ({report.status}).
      </p>
      <div class="what-it-takes" data-testid="what-it-would-take">
        {report.relaxation ? (
          <>
            <h3>
              What it would take
              <HelpLink terms={["sigma", "mu", "tau", "M"]} />
            </h3>
            <p>The least extra tolerance σ and inducement μ that would make a plan work:</p>
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">party</th>
                    <th scope="col">extra tolerance σ</th>
                    <th scope="col">inducement μ per phase</th>
                  </tr>
                </thead>
                <tbody>
                  {needed.map(([party, r]) => (
                    <tr key={party}>
                      <th scope="row">{partyName(compiled.scenario, party)}</th>
                      <td>{r.tolerance.toFixed(2)}</td>
                      <td>{r.inducement.toFixed(2)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {needed.length === 0 && (
              <p>Nothing measurable: the plan below fails on order or goal, not on values.</p>
            )}
          </>
        ) : (
          report.binding &&
          report.binding.length > 0 && (
            <>
              <h3>Why</h3>
              <ul class="reasons">
                {report.binding.map((b) => (
                  <li key={b}>{inTitles(b, titles)}</li>
                ))}
              </ul>
            </>
          )
        )}
      </div>
      <Notes notes={report.notes} />
      {relaxed && without && (
        <>
          <section aria-labelledby="relaxed-heading" data-testid="relaxed-plan">
            <h3 id="relaxed-heading">The plan that works once σ and μ are granted</h3>
            <PlanView compiled={compiled} analysis={relaxed} planName="relaxed" />
          </section>
          <section aria-labelledby="without-heading" data-testid="fails-without">
            <h3 id="without-heading">Without them, the same plan fails because:</h3>
            <ul class="reasons">
              {without.violations.map((v, i) => (
                <li key={`${v.kind}-${v.party}-${v.phase}-${i}`}>
                  <strong>
                    {v.kind}
                    {v.party ? ` · ${names[v.party] ?? v.party}` : ""}
                    {v.phase !== undefined ? ` · phase ${v.phase}` : ""}
                  </strong>
                  : {inTitles(v.message, titles)}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}

function Notes({ notes }: { notes: string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul class="notes muted">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
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
