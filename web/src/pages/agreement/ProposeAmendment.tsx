/**
 * Proposing charter version N+1 from the agreement page, as `lockstep amend` does: a party whose
 * key this tab holds writes the new plan (a YAML mapping, as under `plans:` in a scenario file,
 * checked here exactly as the server and the CLI check it), or takes the re-plan's best
 * continuation ("Propose this as an amendment" fills the form). The page verifies the ledger,
 * signs the proposal with the browser key, sends it, and signs the new version's hash as the
 * proposer; the other parties then sign it in their own tabs or with `lockstep amend sign`.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type Charter, compileCharter, parseAmendedPlan } from "../../../../src/ledger/index.ts";
import type { Plan } from "../../../../src/model/index.ts";
import { FormMessage } from "../../components/FormMessage.tsx";
import { type AmendmentDraft, proposeAmendment } from "../../lib/agreements.ts";
import { useFormAction } from "../../lib/form-action.ts";
import { signersOf, useKeyring } from "../../lib/keyring.ts";
import { SignerSelect, useSigner } from "./SignerSelect.tsx";

/** A plan handed to the form from elsewhere on the page; `nonce` tells one hand-over from the next. */
export interface ProposalSeed extends Required<AmendmentDraft> {
  nonce: number;
}

/** A plan as the form's text: one line per move, as in a plan file. */
export function planText(phases: Plan): string {
  return Object.entries(phases)
    .map(([move, when]) => {
      const value =
        typeof when === "number"
          ? String(when)
          : `{ ${Object.entries(when)
              .map(([phase, share]) => `${phase}: ${share}`)
              .join(", ")} }`;
      // a move id that YAML would read as something else is quoted
      return `${/^[A-Za-z_][\w.-]*$/.test(move) ? move : JSON.stringify(move)}: ${value}`;
    })
    .join("\n");
}

export function ProposeAmendment({
  charter,
  inForce,
  version,
  pending,
  seed,
  participantName,
}: {
  charter: Charter;
  /** The plan of the version in force: the form starts from it. */
  inForce: { name: string; phases: Plan };
  /** The version in force. */
  version: number;
  /** A pending amendment's version, which a new proposal replaces. */
  pending?: number;
  seed?: ProposalSeed;
  participantName: (id: string) => string;
}) {
  useKeyring();
  const scenario = useMemo(() => compileCharter(charter).scenario, [charter]);
  const signers = signersOf(charter).filter((s) => s.participant.role === "party");
  const [signer, setBy] = useSigner(signers);
  const [name, setName] = useState(`${inForce.name}-v${version + 1}`);
  const [text, setText] = useState(() => planText(inForce.phases));
  const [why, setWhy] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const action = useFormAction();
  const heading = useRef<HTMLHeadingElement>(null);

  // The re-plan's continuation, handed over: fill the form and bring it into view. One handed
  // over before this form was made (for an earlier version in force) is not taken.
  const seenAtStart = useRef(seed?.nonce);
  useEffect(() => {
    if (!seed || seed.nonce === seenAtStart.current) return;
    setName(seed.name);
    setText(planText(seed.phases));
    setWhy(seed.text);
    setProblem(undefined);
    action.say(undefined);
    heading.current?.focus();
  }, [seed?.nonce]);

  const submit = (event: Event) => {
    event.preventDefault();
    if (!signer) return;
    action.say(undefined);
    const read = parseAmendedPlan(text, scenario, "plan");
    if (!read.ok) return setProblem(read.message);
    setProblem(undefined);
    void action.run(async () => {
      const done = await proposeAmendment(charter, signer.participant, signer.key, {
        name: name.trim(),
        phases: read.phases,
        ...(why.trim() ? { text: why.trim() } : {}),
      });
      return (
        `${signer.participant.name} proposed version ${done.version} (plan ${name.trim()}) as event ${done.proposed.event.seq} ` +
        `and signed it as event ${done.signed.event.seq}; version ${version} governs until every party has signed.`
      );
    });
  };

  return (
    <section aria-labelledby="propose-heading" data-testid="propose-amendment">
      <h3 id="propose-heading" ref={heading} tabIndex={-1}>
        Propose a new plan (version {version + 1})
      </h3>
      {signers.length === 0 ? (
        <p class="muted">Load the key file of a party to propose a new plan here.</p>
      ) : (
        <form onSubmit={submit}>
          <p class="muted">
            A whole plan on the charter's calendar, one line per move: <code>move: phase</code>, or for a
            divisible move <code>move: {"{ phase: share, … }"}</code>. It governs once every party has signed
            it
            {pending ? `; it replaces the pending version ${pending}` : ""}.
          </p>
          <div class="field-row">
            <SignerSelect
              label="Proposed by"
              testId="propose-by"
              signers={signers}
              signer={signer}
              onPick={setBy}
              name={(p) => participantName(p.id)}
            />
            <label class="field grow">
              <span>Plan name</span>
              <input
                data-testid="propose-name"
                required
                maxLength={200}
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
          </div>
          <label class="field">
            <span>The plan</span>
            <textarea
              data-testid="propose-plan"
              rows={Math.min(12, Math.max(3, text.split("\n").length + 1))}
              spellcheck={false}
              value={text}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? "propose-problem" : undefined}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </label>
          {problem && (
            <pre
              class="error"
              role="alert"
              id="propose-problem"
              data-testid="propose-problem"
              // one problem per line, each wrapped rather than widen a phone's page
              style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
            >
              {problem}
            </pre>
          )}
          <label class="field">
            <span>Why (kept in the ledger)</span>
            <textarea
              data-testid="propose-text"
              rows={2}
              value={why}
              onInput={(e) => setWhy(e.currentTarget.value)}
            />
          </label>
          <p class="toolbar">
            <button
              type="submit"
              class="primary"
              data-testid="propose-submit"
              disabled={action.busy || !signer}
            >
              {action.busy ? "Signing…" : `Sign and propose as ${signer?.participant.id}`}
            </button>
          </p>
        </form>
      )}
      <FormMessage answer={action.answer} testId="propose-message" />
    </section>
  );
}
