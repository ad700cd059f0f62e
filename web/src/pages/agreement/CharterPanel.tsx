/**
 * The charter as its participants see it: who takes part, in which role and with which name, who
 * has signed the charter hash, and the phase dates. A participant whose key this tab holds signs
 * here: the page recomputes the charter's hash and checks that the charter lists that key first.
 */
import type { Participant } from "../../../../src/ledger/index.ts";
import type { AgreementDocument } from "../../../../src/server/agreement-schemas.ts";
import { FormMessage } from "../../components/FormMessage.tsx";
import { ScrollTable } from "../../components/ScrollTable.tsx";
import { signCharterAs } from "../../lib/agreements.ts";
import { formatDate, phaseSpans } from "../../lib/calendar.ts";
import { useFormAction } from "../../lib/form-action.ts";
import { signersOf } from "../../lib/keyring.ts";

function roleText(p: Participant, partyName: (id: string) => string): string {
  if (p.role === "party") return `party: ${partyName(p.party ?? "")}`;
  if (p.role === "verifier")
    return p.moves === "all" ? "verifier of every move" : `verifier of ${p.moves?.join(", ")}`;
  return "observer (reads only)";
}

export function CharterPanel({
  doc,
  partyName,
  onSigned,
}: {
  doc: AgreementDocument;
  partyName: (id: string) => string;
  onSigned: () => void;
}) {
  const action = useFormAction();
  const signers = new Map(signersOf(doc.charter).map((s) => [s.participant.id, s.key]));
  const signed = new Set(doc.signedBy);
  const sign = async (p: Participant) => {
    const key = signers.get(p.id);
    if (!key) return;
    await action.run(async () => {
      const state = await signCharterAs(doc, p, key);
      onSigned();
      return (
        `${p.name} signed the charter. ` +
        (state.state === "active"
          ? "Every party has signed: the agreement is active."
          : `Still awaiting: ${state.awaiting.join(", ")}.`)
      );
    });
  };
  return (
    <section aria-labelledby="charter-heading" data-testid="charter">
      <h2 id="charter-heading">Charter and participants</h2>
      <p data-testid="agreement-state">
        {doc.state === "active" ? (
          <strong class="ok">Active: every party has signed the charter.</strong>
        ) : (
          <strong class="warn-text">
            Proposed: awaiting the charter signature of {doc.awaiting.join(", ")}. Events are refused until
            then.
          </strong>
        )}{" "}
        <span class="muted">
          Charter hash{" "}
          <code class="hash" title={doc.charterHash}>
            {doc.charterHash.slice(0, 16)}…
          </code>
        </span>
      </p>
      <ScrollTable
        label="Participants"
        testId="participants"
        columns={["participant", "role", "charter", "key in this tab"]}
      >
        {doc.charter.participants.map((p) => (
          <tr key={p.id} data-participant={p.id}>
            <th scope="row">
              {p.name} <span class="muted">({p.id})</span>
            </th>
            <td data-label="role">{roleText(p, partyName)}</td>
            <td data-label="charter" data-testid="charter-signed">
              {signed.has(p.id) ? (
                <span class="ok">✓ signed</span>
              ) : p.role === "party" ? (
                "awaiting"
              ) : (
                "not needed"
              )}
            </td>
            <td data-label="key in this tab">
              {signers.has(p.id) ? (
                signed.has(p.id) ? (
                  "loaded"
                ) : (
                  <button
                    type="button"
                    class="primary small"
                    data-testid={`sign-charter-${p.id}`}
                    disabled={action.busy}
                    onClick={() => void sign(p)}
                  >
                    Sign the charter as {p.id}
                  </button>
                )
              ) : (
                <span class="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </ScrollTable>
      <FormMessage answer={action.answer} testId="charter-message" />
    </section>
  );
}

/** The plan's phases as dates, the current one marked. */
export function PhaseDates({
  calendar,
  phases,
  current,
}: {
  calendar: { start: string; phaseDays: number };
  phases: number;
  current: number;
}) {
  const spans = phaseSpans(calendar, phases);
  const withTime = calendar.phaseDays < 1;
  return (
    <section aria-labelledby="phases-heading">
      <h2 id="phases-heading">Phase dates</h2>
      <ol class="phase-dates" data-testid="phase-dates">
        {spans.map((s) => (
          <li
            key={s.phase}
            value={s.phase}
            class={s.phase === current ? "current" : undefined}
            aria-current={s.phase === current ? "step" : undefined}
          >
            {formatDate(s.from, withTime)} – {formatDate(s.to, withTime)} (UTC)
            {s.phase === current && <strong> · now</strong>}
          </li>
        ))}
      </ol>
      {current === 0 && <p class="muted">The calendar has not started yet.</p>}
      {current > phases && <p class="muted">Past the plan's last phase.</p>}
    </section>
  );
}
