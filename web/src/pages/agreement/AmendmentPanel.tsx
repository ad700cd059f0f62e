/**
 * The charter's versions (docs/ledger.md, amendments): which plan governs since which event, and a
 * pending amendment with who has signed it. A party whose key this tab holds signs the pending
 * amendment here (lib/agreements.ts verifies the ledger first, as `lockstep amend sign` does), and
 * proposes a new version (ProposeAmendment.tsx, as `lockstep amend` does).
 */
import { useEffect, useState } from "preact/hooks";
import type { Charter } from "../../../../src/ledger/index.ts";
import { FormMessage } from "../../components/FormMessage.tsx";
import { agreementsApi, signAmendment, type VersionsDocument } from "../../lib/agreements.ts";
import { useFormAction } from "../../lib/form-action.ts";
import { signersOf, useKeyring } from "../../lib/keyring.ts";
import { type ProposalSeed, ProposeAmendment } from "./ProposeAmendment.tsx";

const short = (hash: string) => `${hash.slice(0, 12)}…`;

/** A plan's steps in words: "freeze in phase 1; handover 50% in phase 4, 50% in phase 5". */
function planSteps(phases: Record<string, number | Record<string, number>>): string {
  return Object.entries(phases)
    .map(([move, when]) =>
      typeof when === "number"
        ? `${move} in phase ${when}`
        : `${move} ${Object.entries(when)
            .map(([phase, share]) => `${Math.round(share * 100)}% in phase ${phase}`)
            .join(", ")}`,
    )
    .join("; ");
}

export function AmendmentPanel({
  charter,
  events,
  participantName,
  seed,
}: {
  charter: Charter;
  /** The ledger's length: the versions are re-read when it changes. */
  events: number;
  participantName: (id: string) => string;
  /** A plan handed over for proposing (the re-plan's best continuation). */
  seed?: ProposalSeed;
}) {
  useKeyring();
  const [doc, setDoc] = useState<VersionsDocument | undefined>();
  const action = useFormAction();
  useEffect(() => {
    agreementsApi
      .versions(charter.id)
      .then(setDoc)
      .catch(() => setDoc(undefined));
  }, [charter.id, events]);
  if (!doc) return null;
  const { pending } = doc;
  const inForce = doc.versions.find((v) => v.version === doc.current) ?? doc.versions[0];
  const signers = pending
    ? signersOf(charter).filter(
        (s) => s.participant.role === "party" && pending.awaiting.includes(s.participant.id),
      )
    : [];

  const sign = async (index: number) => {
    const signer = signers[index];
    if (!pending || !signer) return;
    await action.run(async () => {
      const done = await signAmendment(charter, signer.participant, signer.key, pending.hash);
      return `${signer.participant.name} signed version ${pending.version} as event ${done.event.seq}.`;
    });
  };

  return (
    <section aria-labelledby="versions-heading" data-testid="charter-versions">
      <h2 id="versions-heading">Charter versions</h2>
      <ol class="ledger">
        {doc.versions.map((v) => (
          <li key={v.hash} value={v.version} data-version={v.version}>
            Plan <strong>{v.plan.name}</strong>
            {v.version === 1
              ? " (as adopted)"
              : `, proposed by ${participantName(v.proposedBy ?? "")}, in force since event ${v.activatedSeq}`}
            {v.version === doc.current ? " · in force" : ""} <code title={v.hash}>{short(v.hash)}</code>
          </li>
        ))}
      </ol>
      {pending && (
        // a hash is 64 characters without a break: it wraps anywhere rather than widen a phone's page
        <div data-testid="pending-amendment" style={{ overflowWrap: "anywhere" }}>
          <h3>
            Pending: version {pending.version}, plan {pending.plan.name}
          </h3>
          <p>
            Proposed by {participantName(pending.proposedBy ?? "")}
            {pending.text ? `: “${pending.text}”` : ""}. Hash <code>{pending.hash}</code>.
          </p>
          <p>New plan: {planSteps(pending.plan.phases)}.</p>
          <p>
            Signed by {pending.signedBy.map(participantName).join(", ") || "nobody yet"}; waiting for{" "}
            {pending.awaiting.map(participantName).join(", ")}. Version {doc.current} governs until then.
          </p>
          {signers.length > 0 ? (
            <p class="toolbar">
              {signers.map((s, i) => (
                <button
                  key={s.participant.id}
                  type="button"
                  class="primary"
                  data-testid="sign-amendment"
                  disabled={action.busy}
                  onClick={() => sign(i)}
                >
                  {action.busy ? "Signing…" : `Sign version ${pending.version} as ${s.participant.id}`}
                </button>
              ))}
            </p>
          ) : (
            <p class="muted">Load the key file of a party that has not signed to sign it here.</p>
          )}
        </div>
      )}
      <FormMessage answer={action.answer} testId="amendment-message" />
      {inForce && (
        <ProposeAmendment
          // a new version in force starts the form afresh, from its plan
          key={doc.current}
          charter={charter}
          inForce={inForce.plan}
          version={doc.current}
          pending={pending?.version}
          seed={seed}
          participantName={participantName}
        />
      )}
    </section>
  );
}
