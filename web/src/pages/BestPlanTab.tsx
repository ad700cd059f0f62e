/**
 * "Find the best plan": the planner for a chosen objective, in a browser worker (the server when
 * the worker cannot start). When no plan works it shows what it would take: the extra tolerance
 * and inducement per party, the relaxed plan (feasible once they are granted) and, apart from it,
 * why that plan fails without them.
 */
import type { RefObject } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/index.ts";
import type { Plan } from "../../../src/model/index.ts";
import type { FrontierPoint } from "../../../src/planner/index.ts";
import { FrontierChart } from "../components/Frontier.tsx";
import { HelpLink } from "../components/Glossary.tsx";
import { asInterim, InterimDeal } from "../components/InterimDeal.tsx";
import { moveTitles, PlanView, partyNames } from "../components/PlanView.tsx";
import { thetaText } from "../components/Robustness.tsx";
import { inTitles } from "../components/Violations.tsx";
import { analyse, analyseRelaxed, partyName } from "../lib/analysis.ts";
import { useFormAction } from "../lib/form-action.ts";
import { findPlanInBrowser, type Where } from "../lib/in-browser.ts";
import {
  objectiveLabel,
  otherObjectives,
  type PlanReport,
  PRIMARY_OBJECTIVES,
  plannerOptions,
} from "../lib/planner.ts";

interface Props {
  compiled: CompiledScenario;
  source: string;
  report?: PlanReport;
  /** A plan found earlier (restored from the link) when there is no report in this session. */
  restored?: Plan;
  objective: string;
  onObjective(objective: string): void;
  /** Plan for the worst case of the value ranges (kept in the address). */
  robust: boolean;
  onRobust(robust: boolean): void;
  onReport(report: PlanReport): void;
  onUse(): void;
  /** Writes the plan into the scenario's `plans:` under the given name. */
  onSave(name: string, plan: Plan): void;
  /** The frontier point shown instead of the safest plan (its number of phases; kept in the address). */
  frontierPoint?: number;
  onFrontierPoint(phases: number | undefined): void;
}

export function BestPlanTab(props: Props) {
  const { compiled, source, report, restored, objective, onObjective, onReport, robust, onRobust } = props;
  const action = useFormAction();
  const [where, setWhere] = useState<Where | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const [solved, setSolved] = useState(0);
  // After a search, focus moves to its result so a keyboard or screen-reader user lands on it.
  useEffect(() => {
    if (solved > 0) heading.current?.focus();
  }, [solved]);
  const find = () =>
    action.run(async () => {
      const { result, where } = await findPlanInBrowser(source, plannerOptions(objective, robust));
      setWhere(where);
      onReport(result);
      setSolved((n) => n + 1);
    });
  return (
    <section aria-label="Find the best plan" class="best-plan">
      <form
        class="toolbar objective-form"
        onSubmit={(event) => {
          event.preventDefault();
          void find();
        }}
      >
        <ObjectivePicker objective={objective} onObjective={onObjective} />
        <label>
          <input
            type="checkbox"
            checked={robust && objective !== "safety"}
            disabled={objective === "safety"}
            onChange={(e) => onRobust(e.currentTarget.checked)}
          />{" "}
          robust (worst case of ranges)
          {objective === "safety" && <span class="muted"> — θ* already measures it</span>}
        </label>
        <button type="submit" class="primary" disabled={action.busy} data-testid="find-best-plan">
          {action.busy ? "Searching…" : "Find the best plan"}
        </button>
      </form>
      {action.error && (
        <p class="error" role="alert">
          {action.error}
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
  frontierPoint,
  onFrontierPoint,
}: Props & { report: PlanReport; heading: RefObject<HTMLHeadingElement | null> }) {
  const names = partyNames(compiled);
  const titles = moveTitles(compiled);
  const hasPlan = report.phases > 0;
  if (report.feasible) {
    return (
      <FeasibleResult
        compiled={compiled}
        report={report}
        onUse={onUse}
        onSave={onSave}
        heading={heading}
        frontierPoint={frontierPoint}
        onFrontierPoint={onFrontierPoint}
      />
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

/** The plan found, with θ* beside its verdict; the frontier (safest) or the interim deal (progress). */
function FeasibleResult({
  compiled,
  report,
  onUse,
  onSave,
  heading,
  frontierPoint,
  onFrontierPoint,
}: {
  compiled: CompiledScenario;
  report: PlanReport;
  onUse(): void;
  onSave(name: string, plan: Plan): void;
  heading: RefObject<HTMLHeadingElement | null>;
  frontierPoint?: number;
  onFrontierPoint(phases: number | undefined): void;
}) {
  // The point picked is the workspace's (in the address); a new search clears it there.
  const point = report.frontier?.find((p) => p.phases === frontierPoint);
  const setPoint = (p: FrontierPoint | undefined) => onFrontierPoint(p?.phases);
  const plan = point?.plan ?? report.plan;
  const analysis = useMemo(() => analyse(compiled, plan), [compiled, plan]);
  const interim = report.objective === "progress" && (report.deferred?.length ?? 0) > 0;
  const shown = interim && !point ? asInterim(analysis) : analysis;
  const status = report.status === "optimal" ? "Optimal plan" : "A feasible plan (not proven optimal)";
  return (
    <div data-testid="best-plan-result">
      <h3 ref={heading} tabIndex={-1}>
        {point
          ? `From the frontier: the safest plan within ${point.phases} phases, ${analysis.phases} phases used`
          : `${status}${interim ? " (an interim deal)" : ""}: ${report.phases} phases, minimum slack ${report.minSlack?.toFixed(2)}`}
        {!point && report.safety !== undefined && (
          <span data-testid="report-theta">, safety factor θ* {thetaText(report.safety)}</span>
        )}
      </h3>
      {report.frontier && (
        <FrontierChart
          points={report.frontier}
          stopped={report.status === "time-limit"}
          selected={point?.phases}
          onSelect={(p) => setPoint(p.phases === point?.phases ? undefined : p)}
          fileName="best-plan-frontier"
        />
      )}
      {point && (
        <p class="toolbar">
          <button type="button" onClick={() => setPoint(undefined)}>
            Back to the safest plan
          </button>
        </p>
      )}
      {!point && (
        <p class="toolbar">
          <button type="button" onClick={onUse}>
            Open it in the plan view
          </button>
        </p>
      )}
      <SaveIntoScenario plan={plan} onSave={onSave} />
      {report.progress !== undefined && !point && (
        <InterimDeal
          compiled={compiled}
          analysis={analysis}
          progress={report.progress}
          deferred={report.deferred ?? []}
        />
      )}
      <Notes notes={report.notes} />
      <PlanView
        compiled={compiled}
        analysis={shown}
        planName={point ? `frontier-${point.phases}` : interim ? "interim" : "optimal"}
      />
    </div>
  );
}

/**
 * The objective: the three questions asked first (fewest phases, safest, most progress) as radio
 * buttons, the planner's other objectives in a list beside them.
 */
function ObjectivePicker({ objective, onObjective }: { objective: string; onObjective(o: string): void }) {
  const primary = (PRIMARY_OBJECTIVES as readonly string[]).includes(objective);
  return (
    <fieldset class="objective-picker" data-testid="objective-picker">
      <legend>
        Objective
        <HelpLink terms={["theta", "frontier", "progress"]} />
      </legend>
      {PRIMARY_OBJECTIVES.map((o) => (
        <label key={o}>
          <input
            type="radio"
            name="objective"
            value={o}
            checked={objective === o}
            onChange={() => onObjective(o)}
            data-testid={`objective-${o}`}
          />{" "}
          {objectiveLabel(o)}
        </label>
      ))}
      <label>
        or{" "}
        <select
          value={primary ? "" : objective}
          onChange={(e) => onObjective(e.currentTarget.value || "phases")}
          data-testid="objective"
        >
          <option value="">another objective…</option>
          {otherObjectives().map((o) => (
            <option key={o} value={o}>
              {objectiveLabel(o)}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
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
