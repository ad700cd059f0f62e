/**
 * Recording an event: the participant whose key this tab holds picks what happened, the page signs
 * the event, sends it, and countersigns the head the server answers with (a checkpoint), as
 * `lockstep event` does. The kinds and moves offered are those the charter lets that participant
 * record; the server checks the same rules again.
 */
import { useMemo, useState } from "preact/hooks";
import type { AgreementStatus } from "../../../../src/ledger/index.ts";
import { type Charter, compileCharter, type Participant } from "../../../../src/ledger/index.ts";
import { type FormAnswer, FormMessage } from "../../components/FormMessage.tsx";
import { type EventDraft, recordEvent } from "../../lib/agreements.ts";
import { signersOf, useKeyring } from "../../lib/keyring.ts";

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

const needsMove = (k: Kind) => k.startsWith("move.");

export function EventForm({ charter, status }: { charter: Charter; status: AgreementStatus }) {
  useKeyring();
  const compiled = useMemo(() => compileCharter(charter), [charter]);
  const signers = signersOf(charter).filter((s) => s.participant.role !== "observer");
  const [by, setBy] = useState<string | undefined>();
  const signer = signers.find((s) => s.participant.id === by) ?? signers[0];
  const kinds = signer ? kindsFor(signer.participant) : [];
  const [kindChoice, setKind] = useState<Kind | undefined>();
  const kind = kindChoice && kinds.includes(kindChoice) ? kindChoice : kinds[0];
  const moves = useMemo(() => {
    const p = signer?.participant;
    if (!p) return [];
    return compiled.scenario.moves.filter((m) =>
      p.role === "party"
        ? m.actor === p.party
        : p.role === "verifier" && (p.moves === "all" || p.moves?.includes(m.id)),
    );
  }, [compiled, signer]);
  const [moveChoice, setMove] = useState<string | undefined>();
  const move = moves.find((m) => m.id === moveChoice) ?? moves[0];
  const [fraction, setFraction] = useState("1");
  const [report, setReport] = useState("");
  const [text, setText] = useState("");
  const [dispute, setDispute] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<FormAnswer | undefined>();

  if (signers.length === 0) {
    return (
      <section aria-labelledby="event-heading" data-testid="event-form">
        <h2 id="event-heading">Record an event</h2>
        <p class="muted">Load the key file of a party or a verifier of this agreement to record events.</p>
      </section>
    );
  }
  if (!signer || !kind) return null;

  const draft = (): EventDraft => {
    const optional = (s: string) => (s.trim() ? s.trim() : undefined);
    switch (kind) {
      case "move.done": {
        const share = Number(fraction);
        return {
          type: kind,
          move: move?.id ?? "",
          fraction: move?.divisible && share < 1 ? share : undefined,
          text: optional(text),
        };
      }
      case "move.reversed":
        return { type: kind, move: move?.id ?? "", text: optional(text) };
      case "move.verified":
        return { type: kind, move: move?.id ?? "", report: optional(report) };
      case "move.verification_failed":
        return { type: kind, move: move?.id ?? "", report: report.trim() };
      case "dispute.raised":
        return {
          type: kind,
          dispute: dispute.trim() || `dispute-${Date.now().toString(36)}`,
          text: text.trim(),
        };
      case "dispute.resolved":
        return { type: kind, dispute: dispute.trim(), text: text.trim() };
      case "note":
        return { type: kind, text: text.trim() };
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const done = await recordEvent(charter, signer.participant.id, signer.key, draft());
      setMessage({
        ok: true,
        text:
          `${done.duplicate ? "Already recorded" : "Recorded"} as event ${done.event.seq} (${done.event.body.type} by ${signer.participant.name}); ` +
          `checkpoint of head ${done.checkpoint.body.seq} countersigned.`,
      });
      setText("");
      setReport("");
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="event-heading" data-testid="event-form">
      <h2 id="event-heading">Record an event</h2>
      <form onSubmit={submit}>
        <div class="field-row">
          <label class="field">
            <span>Signed by</span>
            <select
              data-testid="event-by"
              value={signer.participant.id}
              onChange={(e) => setBy(e.currentTarget.value)}
            >
              {signers.map((s) => (
                <option key={s.participant.id} value={s.participant.id}>
                  {s.participant.name} ({s.participant.id})
                </option>
              ))}
            </select>
          </label>
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
            <label class="field">
              <span>Move</span>
              <select
                data-testid="event-move"
                value={move?.id}
                onChange={(e) => setMove(e.currentTarget.value)}
              >
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
          )}
          {kind === "move.done" && move?.divisible && (
            <label class="field">
              <span>Share done so far (0–1)</span>
              <input
                type="number"
                min={0.01}
                max={1}
                step={0.01}
                value={fraction}
                onInput={(e) => setFraction(e.currentTarget.value)}
              />
            </label>
          )}
          {(kind === "dispute.raised" || kind === "dispute.resolved") && (
            <label class="field">
              <span>Dispute id</span>
              <input
                value={dispute}
                list="open-disputes"
                placeholder={kind === "dispute.raised" ? "made up if left empty" : undefined}
                required={kind === "dispute.resolved"}
                onInput={(e) => setDispute(e.currentTarget.value)}
              />
              <datalist id="open-disputes">
                {status.openDisputes.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.text}
                  </option>
                ))}
              </datalist>
            </label>
          )}
        </div>
        {(kind === "move.verified" || kind === "move.verification_failed") && (
          <label class="field">
            <span>Report{kind === "move.verified" ? " (optional)" : ""}</span>
            <textarea
              data-testid="event-report"
              rows={3}
              value={report}
              required={kind === "move.verification_failed"}
              onInput={(e) => setReport(e.currentTarget.value)}
            />
          </label>
        )}
        {!kind.startsWith("move.verif") && (
          <label class="field">
            <span>{needsMove(kind) ? "Note (optional)" : "Text"}</span>
            <textarea
              data-testid="event-text"
              rows={2}
              value={text}
              required={!needsMove(kind)}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </label>
        )}
        <p class="toolbar">
          <button
            type="submit"
            class="primary"
            data-testid="event-submit"
            disabled={busy || (needsMove(kind) && !move)}
          >
            {busy ? "Signing…" : `Sign and record as ${signer.participant.id}`}
          </button>
        </p>
      </form>
      <FormMessage answer={message} testId="event-message" />
    </section>
  );
}
