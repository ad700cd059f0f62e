/**
 * "Does the rest of the plan still hold?" (MODEL.md §10) on the agreement page: the re-plan from
 * the actual state — what breaks the rest of the adopted plan, in words, and the best
 * continuation, or what it would take. Fetched from the server's re-plan route (it runs the
 * planner), again whenever the ledger grows.
 */
import { useEffect, useState } from "preact/hooks";
import type { ReplanReport } from "../../../src/ledger/index.ts";
import type { Plan } from "../../../src/model/index.ts";
import type { ContinuationStep } from "../../../src/planner/index.ts";
import { call } from "../lib/api.ts";
import { ScrollTable } from "./ScrollTable.tsx";

/** The best continuation as a whole plan, handed to the amendment form. */
export interface ContinuationProposal {
  name: string;
  phases: Plan;
  text: string;
}

function StepsTable({ steps, label }: { steps: ContinuationStep[]; label: string }) {
  if (steps.length === 0) return <p>Nothing left to do.</p>;
  return (
    <ScrollTable
      label={label}
      testId={label === "Best continuation" ? "continuation-steps" : "rest-steps"}
      columns={["phase", "move", "share"]}
    >
      {steps.map((s) => (
        <tr key={`${s.phase}-${s.move}`} data-move={s.move}>
          <td>{s.phase}</td>
          <th scope="row">{s.move}</th>
          <td>{Math.round(s.share * 1000) / 10}%</td>
        </tr>
      ))}
    </ScrollTable>
  );
}

export function Replan({
  id,
  events,
  onPropose,
}: {
  id: string;
  events: number;
  /** Given when the agreement can be amended: offers the best continuation as an amendment. */
  onPropose?: (proposal: ContinuationProposal) => void;
}) {
  const [report, setReport] = useState<ReplanReport | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    // a burst of events arrives as several status updates: wait for it to settle before solving
    const timer = setTimeout(() => {
      setBusy(true);
      call<ReplanReport>("GET", `/api/agreements/${encodeURIComponent(id)}/replan`)
        .then((body) => {
          if (!current) return;
          setError(undefined);
          setReport(body);
        })
        .catch((e: Error) => current && setError(e.message))
        .finally(() => current && setBusy(false));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id, events]);

  const c = report?.continuation;
  return (
    <section class="replan" data-testid="replan" aria-labelledby="replan-title" aria-busy={busy}>
      <h2 id="replan-title">Does the rest of the plan still hold?</h2>
      {error && <p class="error">{error}</p>}
      {!report && !error && <p class="muted">Re-planning from the actual state…</p>}
      {report && c && (
        <>
          <p data-testid="replan-verdict" class={report.rest.holds ? "ok" : "over"}>
            {report.rest.holds
              ? `Yes: from the actual state after phase ${report.phase}, the rest of plan '${report.plan}' still holds (least slack ${report.rest.minSlack}).`
              : `No: from the actual state after phase ${report.phase}, the rest of plan '${report.plan}' no longer holds.`}
          </p>
          {report.rest.breaks.length > 0 && (
            <ul class="alerts" data-testid="replan-breaks">
              {report.rest.breaks.map((b) => (
                <li key={b.message} class="alert alert-critical">
                  {b.message}
                </li>
              ))}
            </ul>
          )}
          <h3>{c.feasible ? "Best continuation" : "No continuation is feasible"}</h3>
          <p data-testid="continuation-summary">
            {c.feasible
              ? `Fewest phases from here (objective ${c.objective}): done by phase ${c.phases}, least slack ${c.minSlack}.`
              : (c.binding ?? ["No continuation meets the goal."]).join(" ")}
          </p>
          <StepsTable steps={c.steps} label="Best continuation" />
          {c.notes.length > 0 && <p class="muted">{c.notes.join(" ")}</p>}
          {onPropose && report.proposal && (
            <p class="toolbar">
              <button
                type="button"
                data-testid="propose-continuation"
                onClick={() =>
                  onPropose({
                    name: `continuation-from-${report.phase}`,
                    phases: report.proposal!.phases,
                    text: `The best continuation from the actual state after phase ${report.phase} (${c.objective}): done by phase ${c.phases}.`,
                  })
                }
              >
                Propose this as an amendment
              </button>
              <span class="muted">
                as a whole plan: what was done so far in the phases it was done, then these steps
                {report.proposal.left.length > 0 ? ` (left out: ${report.proposal.left.join("; ")})` : ""}
              </span>
            </p>
          )}
        </>
      )}
    </section>
  );
}
