/**
 * The adoption wizard: a plan of the scenario becomes a proposed agreement. The user picks the
 * plan, the calendar (start and phase length, shown as dates) and the participants: one per party,
 * plus any verifiers and observers, each with a public key. A key can be made here (its key file is
 * downloaded, in the CLI's format) or loaded from a key file; either way the private half stays in
 * this tab. After adoption the agreement page asks each party to sign the charter.
 */
import { useMemo, useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/index.ts";
import { type AdoptRequest, normalisePublicKey } from "../../../src/ledger/index.ts";
import { FormMessage } from "../components/FormMessage.tsx";
import { PlanSelect } from "../components/PlanSelect.tsx";
import { agreementsApi } from "../lib/agreements.ts";
import { defaultPlan, type PlanChoice, planChoices, readSource } from "../lib/analysis.ts";
import { type FormAction, useFormAction } from "../lib/form-action.ts";
import { usePageTitle, useScenarioText } from "../lib/hooks.ts";
import { planParam, readHash } from "../lib/url-state.ts";
import { setField } from "../lib/yaml-edit.ts";
import { calendarOf, PhaseDatesFieldset } from "./adopt/PhaseDates.tsx";
import {
  ParticipantsFieldset,
  publicKeyValue,
  type Row,
  slug,
  useParticipantRows,
} from "./adopt/participants.tsx";

const today = () => new Date().toISOString().slice(0, 10);

export function Adopt({ id }: { id: string }) {
  const initial = useMemo(() => readHash().params, []);
  const { source, loadError } = useScenarioText(id);
  const ws = useMemo(() => (source === undefined ? undefined : readSource(source, id)), [source, id]);
  const compiled = ws?.compiled;
  const { choices, chosen, optimum, setPlanName } = useAdoptablePlans(initial, compiled);
  const [agreementId, setAgreementId] = useState<string | undefined>();
  const [title, setTitle] = useState<string | undefined>();
  const [start, setStart] = useState(today());
  const [phaseDays, setPhaseDays] = useState("30");
  const { rows, ...edits } = useParticipantRows(compiled);
  const action = useFormAction();
  const scenarioTitle = ws?.scenario?.title ?? id;
  const headingRef = usePageTitle(`Adopt a plan of ${scenarioTitle}`, compiled !== undefined);

  if (loadError) return <Notice text={loadError} error />;
  if (!ws || !rows) return <Notice text="Loading…" />;
  if (!compiled || !ws.scenario || !chosen || source === undefined)
    return (
      <Notice
        text={`The scenario has ${ws.issues.length} problem(s); fix them in the editor before adopting a plan.`}
        error
      />
    );

  const scenario = ws.scenario;
  const effectiveId = agreementId ?? slug(`${scenario.id ?? id}-${chosen.name}`, 100);
  const effectiveTitle = title ?? `${scenarioTitle}: plan ${chosen.name}`;
  const calendar = calendarOf(start, phaseDays);

  const request = (): AdoptRequest => ({
    id: effectiveId,
    title: effectiveTitle,
    // A plan the planner found is not in the file: it travels in the scenario text, as a named plan.
    scenario: chosen.name === "optimal" && optimum ? setField(source, ["plans", "optimal"], optimum) : source,
    scenarioName: `${scenario.id ?? id}.yaml`,
    plan: chosen.name,
    start: calendar.startIso,
    phaseDays: calendar.days,
    participants: rows.map(participantOf),
  });
  const adopt = (event: Event) => {
    event.preventDefault();
    void sendAdoption(action, rows, request);
  };

  return (
    <main class="adopt" data-testid="adopt" id="main" tabIndex={-1}>
      <nav class="toolbar">
        <a href={`#/s/${encodeURIComponent(id)}`}>← Back to the workbench</a>
      </nav>
      <h1 ref={headingRef} tabIndex={-1}>
        Adopt a plan of {scenarioTitle}
      </h1>
      <p class="muted">
        Adopting makes a <em>proposed</em> agreement. It becomes active once each party's participant has
        signed the charter with its own key on the next page.
      </p>
      <form onSubmit={adopt}>
        <PlanFieldset
          {...{ choices, chosen, effectiveId, effectiveTitle }}
          onPlan={setPlanName}
          onId={setAgreementId}
          onTitle={setTitle}
        />
        <PhaseDatesFieldset
          calendar={calendar}
          plan={chosen.plan}
          scenario={scenario}
          onStart={setStart}
          onPhaseDays={setPhaseDays}
        />
        <ParticipantsFieldset scenario={scenario} rows={rows} {...edits} />
        <FormMessage answer={action.answer} testId="adopt-error" />
        <p class="toolbar">
          <button
            type="submit"
            class="primary"
            data-testid="adopt-submit"
            disabled={action.busy || !calendar.daysOk || !calendar.startOk}
          >
            {action.busy ? "Adopting…" : `Adopt plan '${chosen.name}'`}
          </button>
        </p>
      </form>
    </main>
  );
}

/** The plans offered (the scenario's, and the optimum the workspace's link carries) and the one chosen. */
function useAdoptablePlans(initial: URLSearchParams, compiled: CompiledScenario | undefined) {
  const optimum = useMemo(() => planParam(initial, "optimum"), [initial]);
  const choices: PlanChoice[] = useMemo(
    () =>
      compiled
        ? planChoices(
            compiled,
            optimum ? [{ name: "optimal", label: "optimal (found by the planner)", plan: optimum }] : [],
          )
        : [],
    [compiled, optimum],
  );
  const [planName, setPlanName] = useState<string | undefined>(initial.get("plan") ?? undefined);
  const chosen =
    choices.find((c) => c.name === planName) ??
    choices.find((c) => compiled && c.name === defaultPlan(compiled));
  return { choices, chosen, optimum, setPlanName };
}

/** The page instead of the wizard: loading, or why it cannot be shown. */
function Notice({ text, error }: { text: string; error?: boolean }) {
  return (
    <main class={error ? "error" : "loading"} id="main" tabIndex={-1}>
      {text}
    </main>
  );
}

/**
 * Adopts, once every participant has a public key (else says whose is missing), then opens the
 * new agreement's page.
 */
async function sendAdoption(action: FormAction, rows: Row[], request: () => AdoptRequest): Promise<void> {
  action.say(undefined);
  const missing = rows.find((r) => !normalisePublicKey(publicKeyValue(r.publicKey)));
  if (missing) {
    action.say({
      ok: false,
      text: `${missing.id}: give a public key (make one here, load a key file or paste one).`,
    });
    return;
  }
  await action.run(async () => {
    const adopted = await agreementsApi.adopt(request());
    location.hash = `#/a/${encodeURIComponent(adopted.id)}`;
  });
}

/** A participant row as the adoption request names it. */
function participantOf(r: Row) {
  return {
    id: r.id,
    name: r.name || undefined,
    role: r.role,
    party: r.role === "party" ? r.party : undefined,
    moves: r.role === "verifier" ? ("all" as const) : undefined,
    publicKey: publicKeyValue(r.publicKey),
  };
}

/** Which plan, and the agreement's id and title (both suggested from the scenario and the plan). */
function PlanFieldset({
  choices,
  chosen,
  effectiveId,
  effectiveTitle,
  onPlan,
  onId,
  onTitle,
}: {
  choices: PlanChoice[];
  chosen: PlanChoice;
  effectiveId: string;
  effectiveTitle: string;
  onPlan(name: string): void;
  onId(id: string): void;
  onTitle(title: string): void;
}) {
  return (
    <fieldset>
      <legend>1. The plan</legend>
      <PlanSelect labelClass="field" testId="adopt-plan" choices={choices} chosen={chosen} onPlan={onPlan}>
        <span>Plan</span>
      </PlanSelect>
      <label class="field">
        <span>Agreement id</span>
        <input
          data-testid="adopt-id"
          value={effectiveId}
          required
          onInput={(e) => onId(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>Title</span>
        <input value={effectiveTitle} required onInput={(e) => onTitle(e.currentTarget.value)} />
      </label>
    </fieldset>
  );
}
