/** What the verifiers reported, newest first: each verification or failed one, by name, with its text. */
import type { MoveStatus } from "../../../../src/ledger/index.ts";
import type { LedgerEvent } from "../../../../src/server/agreement-schemas.ts";

export function VerifierReports({
  events,
  moves,
  participantName,
}: {
  events: LedgerEvent[];
  moves: MoveStatus[];
  participantName: (id: string) => string;
}) {
  const title = (id: string) => moves.find((m) => m.id === id)?.title ?? id;
  const reports = events
    .flatMap((e) =>
      e.body.type === "move.verified" || e.body.type === "move.verification_failed"
        ? [{ seq: e.seq, at: e.receivedAt, body: e.body }]
        : [],
    )
    .reverse();
  return (
    <section aria-labelledby="reports-heading">
      <h2 id="reports-heading">Verifier reports</h2>
      {reports.length === 0 ? (
        <p class="muted">No verification has been recorded yet.</p>
      ) : (
        <ul class="reports" data-testid="verifier-reports">
          {reports.map(({ seq, at, body }) => (
            <li key={seq} class={body.type === "move.verified" ? "report-ok" : "report-failed"}>
              <strong>
                {body.type === "move.verified" ? "Verified" : "Verification failed"}: {title(body.move)}
              </strong>{" "}
              by {participantName(body.by)} <span class="muted">{new Date(at).toLocaleString()}</span>
              {body.report && <blockquote>{body.report}</blockquote>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
