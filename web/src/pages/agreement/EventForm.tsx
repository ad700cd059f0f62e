/**
 * Recording an event: the participant whose key this tab holds picks what happened, the page signs
 * the event, sends it, and countersigns the head the server answers with (a checkpoint), as
 * `lockstep event` does. The kinds and moves offered are those the charter lets that participant
 * record; the server checks the same rules again.
 */
import { useMemo, useState } from "preact/hooks";
import type { AgreementStatus } from "../../../../src/ledger/index.ts";
import { type Charter, compileCharter, type Participant } from "../../../../src/ledger/index.ts";
import type { Move } from "../../../../src/model/index.ts";
import { FormMessage } from "../../components/FormMessage.tsx";
import { type EventDraft, recordEvent } from "../../lib/agreements.ts";
import { useFormAction } from "../../lib/form-action.ts";
import { signersOf, useKeyring } from "../../lib/keyring.ts";
import { SignerSelect, useSigner } from "./SignerSelect.tsx";

/** What happened (amendments change the terms and have their own panel: AmendmentPanel.tsx). */
type Kind = Exclude<EventDraft["type"], "amendment.proposed" | "amendment.signed">;

const LABELS: Record<Kind, string> = {
  "move.done": "done: the move is done (or a share of it)",
  "move.verified": "verified: the move checks out",
  "move.verification_failed": "verification failed",
  "move.reversed": "reversed: the move is taken back",
  "dispute.raised": "raise a dispute",
  "dispute.resolved": "resolve a dispute",
  note: "note",
};

function kindsFor(p: Participant): Kind[] {
  const common: Kind[] = ["dispute.raised", "dispute.resolved", "note"];
  if (p.role === "party") return ["move.done", "move.reversed", ...common];
  if (p.role === "verifier") return ["move.verified", "move.verification_failed", ...common];
  return [];
}

/** The moves `p` may record events of: a party its own, a verifier those it verifies. */
function movesFor(moves: Move[], p: Participant | undefined): Move[] {
  if (!p) return [];
  return moves.filter((m) =>
    p.role === "party"
      ? m.actor === p.party
      : p.role === "verifier" && (p.moves === "all" || p.moves?.includes(m.id)),
  );
}

const needsMove = (k: Kind) => k.startsWith("move.");

/** The form's free fields, as typed. */
interface Fields {
  fraction: string;
  report: string;
  text: string;
  dispute: string;
}
type SetField = (name: keyof Fields, value: string) => void;

/** The event the form describes, without the fields the signer adds. */
function eventDraft(kind: Kind, move: Move | undefined, f: Fields): EventDraft {
  const optional = (s: string) => (s.trim() ? s.trim() : undefined);
  switch (kind) {
    case "move.done": {
      const share = Number(f.fraction);
      return {
        type: kind,
        move: move?.id ?? "",
        fraction: move?.divisible && share < 1 ? share : undefined,
        text: optional(f.text),
      };
    }
    case "move.reversed":
      return { type: kind, move: move?.id ?? "", text: optional(f.text) };
    case "move.verified":
      return { type: kind, move: move?.id ?? "", report: optional(f.report) };
    case "move.verification_failed":
      return { type: kind, move: move?.id ?? "", report: f.report.trim() };
    case "dispute.raised":
      return {
        type: kind,
        dispute: f.dispute.trim() || `dispute-${Date.now().toString(36)}`,
        text: f.text.trim(),
      };
    case "dispute.resolved":
      return { type: kind, dispute: f.dispute.trim(), text: f.text.trim() };
    case "note":
      return { type: kind, text: f.text.trim() };
  }
}

export function EventForm({ charter, status }: { charter: Charter; status: AgreementStatus }) {
  useKeyring();
  const compiled = useMemo(() => compileCharter(charter), [charter]);
  const signers = signersOf(charter).filter((s) => s.participant.role !== "observer");
  const [signer, setBy] = useSigner(signers);
  const kinds = signer ? kindsFor(signer.participant) : [];
  const [kindChoice, setKind] = useState<Kind | undefined>();
  const kind = kindChoice && kinds.includes(kindChoice) ? kindChoice : kinds[0];
  const moves = useMemo(() => movesFor(compiled.scenario.moves, signer?.participant), [compiled, signer]);
  const [moveChoice, setMove] = useState<string | undefined>();
  const move = moves.find((m) => m.id === moveChoice) ?? moves[0];
  const [fields, setFields] = useState<Fields>({ fraction: "1", report: "", text: "", dispute: "" });
  const setField: SetField = (name, value) => setFields((f) => ({ ...f, [name]: value }));
  const action = useFormAction();

  if (signers.length === 0) {
    return (
      <section aria-labelledby="event-heading" data-testid="event-form">
        <h2 id="event-heading">Record an event</h2>
        <p class="muted">Load the key file of a party or a verifier of this agreement to record events.</p>
      </section>
    );
  }
  if (!signer || !kind) return null;

  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const done = await recordEvent(
        charter,
        signer.participant.id,
        signer.key,
        eventDraft(kind, move, fields),
      );
      setFields((f) => ({ ...f, text: "", report: "" }));
      return (
        `${done.duplicate ? "Already recorded" : "Recorded"} as event ${done.event.seq} (${done.event.body.type} by ${signer.participant.name}); ` +
        `checkpoint of head ${done.checkpoint.body.seq} countersigned.`
      );
    });
  };

  return (
    <section aria-labelledby="event-heading" data-testid="event-form">
      <h2 id="event-heading">Record an event</h2>
      <form onSubmit={submit}>
        <div class="field-row">
          <SignerSelect
            label="Signed by"
            testId="event-by"
            signers={signers}
            signer={signer}
            onPick={setBy}
          />
          <label class="field">
            <span>What happened</span>
            <select
              data-testid="event-kind"
              value={kind}
              onChange={(e) => setKind(e.currentTarget.value as Kind)}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {LABELS[k]}
                </option>
              ))}
            </select>
          </label>
          {needsMove(kind) && (
            <MovePicker {...{ kind, moves, move, status, fields, setField }} onMove={setMove} />
          )}
          {kind.startsWith("dispute.") && <DisputeField {...{ kind, status, fields, setField }} />}
        </div>
        <EventTexts {...{ kind, fields, setField }} />
        <p class="toolbar">
          <button
            type="submit"
            class="primary"
            data-testid="event-submit"
            disabled={action.busy || (needsMove(kind) && !move)}
          >
            {action.busy ? "Signing…" : `Sign and record as ${signer.participant.id}`}
          </button>
        </p>
      </form>
      <FormMessage answer={action.answer} testId="event-message" />
    </section>
  );
}

/** Which move, with its state on the ledger, and for a divisible move done, the share done so far. */
function MovePicker({
  kind,
  moves,
  move,
  status,
  fields,
  setField,
  onMove,
}: {
  kind: Kind;
  moves: Move[];
  move: Move | undefined;
  status: AgreementStatus;
  fields: Fields;
  setField: SetField;
  onMove(id: string): void;
}) {
  return (
    <>
      <label class="field">
        <span>Move</span>
        <select data-testid="event-move" value={move?.id} onChange={(e) => onMove(e.currentTarget.value)}>
          {moves.map((m) => {
            const s = status.moves.find((x) => x.id === m.id);
            return (
              <option key={m.id} value={m.id}>
                {m.title ?? m.id}
                {s ? ` (${s.state})` : ""}
              </option>
            );
          })}
        </select>
      </label>
      {kind === "move.done" && move?.divisible && (
        <label class="field">
          <span>Share done so far (0–1)</span>
          <input
            type="number"
            min={0.01}
            max={1}
            step={0.01}
            value={fields.fraction}
            onInput={(e) => setField("fraction", e.currentTarget.value)}
          />
        </label>
      )}
    </>
  );
}

/** The dispute's id: offered from the open disputes, made up for a new one when left empty. */
function DisputeField({
  kind,
  status,
  fields,
  setField,
}: {
  kind: Kind;
  status: AgreementStatus;
  fields: Fields;
  setField: SetField;
}) {
  return (
    <label class="field">
      <span>Dispute id</span>
      <input
        value={fields.dispute}
        list="open-disputes"
        placeholder={kind === "dispute.raised" ? "made up if left empty" : undefined}
        required={kind === "dispute.resolved"}
        onInput={(e) => setField("dispute", e.currentTarget.value)}
      />
      <datalist id="open-disputes">
        {status.openDisputes.map((d) => (
          <option key={d.id} value={d.id}>
            {d.text}
          </option>
        ))}
      </datalist>
    </label>
  );
}

/** A verifier's report, or the event's text (a note on a move, or a dispute's or note's text). */
function EventTexts({ kind, fields, setField }: { kind: Kind; fields: Fields; setField: SetField }) {
  const verifying = kind === "move.verified" || kind === "move.verification_failed";
  return verifying ? (
    <label class="field">
      <span>Report{kind === "move.verified" ? " (optional)" : ""}</span>
      <textarea
        data-testid="event-report"
        rows={3}
        value={fields.report}
        required={kind === "move.verification_failed"}
        onInput={(e) => setField("report", e.currentTarget.value)}
      />
    </label>
  ) : (
    <label class="field">
      <span>{needsMove(kind) ? "Note (optional)" : "Text"}</span>
      <textarea
        data-testid="event-text"
        rows={2}
        value={fields.text}
        required={!needsMove(kind)}
        onInput={(e) => setField("text", e.currentTarget.value)}
      />
    </label>
  );
}
