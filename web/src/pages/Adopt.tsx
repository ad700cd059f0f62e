/**
 * The adoption wizard: a plan of the scenario becomes a proposed agreement. The user picks the
 * plan, the calendar (start and phase length, shown as dates) and the participants: one per party,
 * plus any verifiers and observers, each with a public key. A key can be made here (its key file is
 * downloaded, in the CLI's format) or loaded from a key file; either way the private half stays in
 * this tab. After adoption the agreement page asks each party to sign the charter.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { planPhases } from "../../../src/analysis/index.ts";
import { normalisePublicKey } from "../../../src/ledger/index.ts";
import { FormMessage } from "../components/FormMessage.tsx";
import { agreementsApi } from "../lib/agreements.ts";
import { defaultPlan, type PlanChoice, partyName, planChoices, readSource } from "../lib/analysis.ts";
import { api } from "../lib/api.ts";
import { formatDate, phaseSpans } from "../lib/calendar.ts";
import { drafts, NEW_SCENARIO } from "../lib/drafts.ts";
import { useFormAction } from "../lib/form-action.ts";
import { loadKeyFile, makeKey } from "../lib/keyring.ts";
import { planParam, readHash } from "../lib/url-state.ts";
import { setField } from "../lib/yaml-edit.ts";

type Role = "party" | "verifier" | "observer";

interface Row {
  /** Stable key for the list (ids are edited). */
  uid: number;
  id: string;
  name: string;
  role: Role;
  party?: string;
  /** The public key as typed, pasted or filled from a key: base64(url) of the 32 bytes, or a JWK. */
  publicKey: string;
  /** Where a key held in this tab came from, if one is. */
  keySource?: string;
}

let nextUid = 1;

/** A participant id from a party id or a name: lowercase letters, digits, '-' and '_'. */
export function slug(text: string, max = 64): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .slice(0, max)
    .replace(/[-_]+$/, "");
  return s || "participant";
}

function publicKeyValue(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

const today = () => new Date().toISOString().slice(0, 10);

export function Adopt({ id }: { id: string }) {
  const initial = useMemo(() => readHash().params, []);
  // The text the workspace shows: its unsaved draft, else the saved or built-in scenario.
  const [source, setSource] = useState<string | undefined>(
    drafts.get(id) ?? (id === "new" ? NEW_SCENARIO : undefined),
  );
  const [loadError, setLoadError] = useState<string | undefined>();
  useEffect(() => {
    if (source !== undefined) return;
    api
      .get(id)
      .then((d) => setSource(d.source))
      .catch((e: Error) => setLoadError(e.message));
  }, [id, source]);
  const ws = useMemo(() => (source === undefined ? undefined : readSource(source, id)), [source, id]);
  const compiled = ws?.compiled;
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

  const [agreementId, setAgreementId] = useState<string | undefined>();
  const [title, setTitle] = useState<string | undefined>();
  const [start, setStart] = useState(today());
  const [phaseDays, setPhaseDays] = useState("30");
  const [rows, setRows] = useState<Row[] | undefined>();
  const action = useFormAction();
  const [keyNote, setKeyNote] = useState<string | undefined>();
  const headingRef = useRef<HTMLHeadingElement>(null);

  // One participant per party to start with; the user edits ids and names and adds others.
  useEffect(() => {
    if (!compiled || rows) return;
    setRows(
      compiled.scenario.parties.map((p) => ({
        uid: nextUid++,
        id: slug(p.id),
        name: p.name ?? p.id,
        role: "party" as const,
        party: p.id,
        publicKey: "",
      })),
    );
  }, [compiled, rows]);
  const scenarioTitle = ws?.scenario?.title ?? id;
  useEffect(() => {
    document.title = `Adopt a plan of ${scenarioTitle} — Lockstep workbench`;
  }, [scenarioTitle]);
  useEffect(() => {
    if (compiled) headingRef.current?.focus({ preventScroll: true });
  }, [compiled]);

  if (loadError)
    return (
      <main class="error" id="main" tabIndex={-1}>
        {loadError}
      </main>
    );
  if (!ws || !rows)
    return (
      <main class="loading" id="main" tabIndex={-1}>
        Loading…
      </main>
    );
  if (!compiled || !ws.scenario || !chosen || source === undefined)
    return (
      <main class="error" id="main" tabIndex={-1}>
        The scenario has {ws.issues.length} problem(s); fix them in the editor before adopting a plan.
      </main>
    );

  const scenario = ws.scenario;
  const effectiveId = agreementId ?? slug(`${scenario.id ?? id}-${chosen.name}`, 100);
  const effectiveTitle = title ?? `${scenarioTitle}: plan ${chosen.name}`;
  const days = Number(phaseDays);
  const daysOk = Number.isFinite(days) && days >= 1 / 24 && days <= 3650;
  const startIso = `${start}T00:00:00.000Z`;
  const startOk = !Number.isNaN(Date.parse(startIso));
  const moveTitle = (m: string) => scenario.moves.find((x) => x.id === m)?.title ?? m;
  const byPhase = new Map<number, string[]>();
  for (const [move, entry] of Object.entries(chosen.plan)) {
    for (const [phase] of planPhases(entry))
      byPhase.set(phase, [...(byPhase.get(phase) ?? []), moveTitle(move)]);
  }
  const phases = Math.max(0, ...byPhase.keys());
  const spans = daysOk && startOk ? phaseSpans({ start: startIso, phaseDays: days }, phases) : [];

  const update = (uid: number, patch: Partial<Row>) =>
    setRows((list) => list?.map((r) => (r.uid === uid ? { ...r, ...patch } : r)));
  const remove = (uid: number) => setRows((list) => list?.filter((r) => r.uid !== uid));
  const add = (role: Role) =>
    setRows((list) => [
      ...(list ?? []),
      {
        uid: nextUid++,
        id: role === "verifier" ? "inspector" : "observer",
        name: role === "verifier" ? "Inspector" : "Observer",
        role,
        publicKey: "",
      },
    ]);

  const make = async (row: Row) => {
    setKeyNote(undefined);
    const { publicKey, key } = await makeKey(row.id);
    update(row.uid, { publicKey: String(publicKey.x), keySource: key.source });
    setKeyNote(
      `A key for ${row.id} was made here and its key file ${row.id}.key.json downloaded: keep it private; it is the only copy.`,
    );
  };
  const load = async (row: Row, file: File | undefined) => {
    if (!file) return;
    setKeyNote(undefined);
    try {
      const key = await loadKeyFile(file);
      update(row.uid, { publicKey: key.publicX, keySource: key.source });
      setKeyNote(`Loaded ${file.name} for ${row.id}; its private key stays in this tab.`);
    } catch (e) {
      setKeyNote((e as Error).message);
    }
  };

  const adopt = async (event: Event) => {
    event.preventDefault();
    action.say(undefined);
    const missing = rows.find((r) => !normalisePublicKey(publicKeyValue(r.publicKey)));
    if (missing) {
      action.say({
        ok: false,
        text: `${missing.id}: give a public key (make one here, load a key file or paste one).`,
      });
      return;
    }
    // A plan the planner found is not in the file: it travels in the scenario text, as a named plan.
    const text =
      chosen.name === "optimal" && optimum ? setField(source, ["plans", "optimal"], optimum) : source;
    await action.run(async () => {
      const adopted = await agreementsApi.adopt({
        id: effectiveId,
        title: effectiveTitle,
        scenario: text,
        scenarioName: `${scenario.id ?? id}.yaml`,
        plan: chosen.name,
        start: startIso,
        phaseDays: days,
        participants: rows.map((r) => ({
          id: r.id,
          name: r.name || undefined,
          role: r.role,
          party: r.role === "party" ? r.party : undefined,
          moves: r.role === "verifier" ? ("all" as const) : undefined,
          publicKey: publicKeyValue(r.publicKey),
        })),
      });
      location.hash = `#/a/${encodeURIComponent(adopted.id)}`;
    });
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
        <fieldset>
          <legend>1. The plan</legend>
          <label class="field">
            <span>Plan</span>
            <select
              data-testid="adopt-plan"
              value={chosen.name}
              onChange={(e) => setPlanName(e.currentTarget.value)}
            >
              {choices.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>Agreement id</span>
            <input
              data-testid="adopt-id"
              value={effectiveId}
              required
              onInput={(e) => setAgreementId(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>Title</span>
            <input value={effectiveTitle} required onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
        </fieldset>
        <fieldset>
          <legend>2. Phase dates</legend>
          <div class="field-row">
            <label class="field">
              <span>Phase 1 starts (UTC)</span>
              <input
                type="date"
                data-testid="adopt-start"
                value={start}
                required
                onInput={(e) => setStart(e.currentTarget.value)}
              />
            </label>
            <label class="field">
              <span>Days per phase</span>
              <input
                type="number"
                data-testid="adopt-phase-days"
                min={1 / 24}
                max={3650}
                step="any"
                value={phaseDays}
                required
                onInput={(e) => setPhaseDays(e.currentTarget.value)}
              />
            </label>
          </div>
          {!daysOk && <p class="error">A phase lasts from one hour (1/24 day) to 3650 days.</p>}
          <ol class="phase-dates" data-testid="adopt-phases">
            {spans.map((s) => (
              <li key={s.phase} value={s.phase}>
                <strong>
                  {formatDate(s.from, days < 1)} – {formatDate(s.to, days < 1)}
                </strong>
                : {(byPhase.get(s.phase) ?? []).join(", ") || "nothing planned"}
              </li>
            ))}
          </ol>
        </fieldset>
        <fieldset>
          <legend>3. Participants and their public keys</legend>
          <p class="muted">
            Each party needs one participant. Verifiers may verify every move; observers only read. Make a key
            here (its key file downloads; the private key never leaves this browser) or load a key file from{" "}
            <code>lockstep keys new</code>.
          </p>
          <ul class="participant-rows" data-testid="adopt-participants">
            {rows.map((r) => (
              <li key={r.uid} class="participant-row" data-participant-row={r.party ?? r.role}>
                <div class="field-row">
                  <label class="field">
                    <span>Id</span>
                    <input
                      value={r.id}
                      data-testid="participant-id"
                      required
                      onInput={(e) => update(r.uid, { id: e.currentTarget.value })}
                    />
                  </label>
                  <label class="field">
                    <span>Name</span>
                    <input value={r.name} onInput={(e) => update(r.uid, { name: e.currentTarget.value })} />
                  </label>
                  <span class="field role">
                    <span>Role</span>
                    <strong>
                      {r.role === "party" ? `party for ${partyName(scenario, r.party ?? "")}` : r.role}
                    </strong>
                  </span>
                </div>
                <div class="field-row">
                  <label class="field grow">
                    <span>Public key (base64 or JWK)</span>
                    <input
                      value={r.publicKey}
                      data-testid="participant-key"
                      onInput={(e) =>
                        update(r.uid, { publicKey: e.currentTarget.value, keySource: undefined })
                      }
                    />
                  </label>
                  <button type="button" data-testid="make-key" onClick={() => void make(r)}>
                    Make a key here
                  </button>
                  <label class="button file-button">
                    Load key file
                    <input
                      type="file"
                      accept=".json,application/json"
                      data-testid="load-key"
                      class="sr-only"
                      onChange={(e) => void load(r, e.currentTarget.files?.[0])}
                    />
                  </label>
                  {r.role !== "party" && (
                    <button type="button" class="danger" onClick={() => remove(r.uid)}>
                      Remove {r.id}
                    </button>
                  )}
                </div>
                {r.keySource && <p class="muted key-source">Key held in this tab: {r.keySource}</p>}
              </li>
            ))}
          </ul>
          <p class="toolbar">
            <button type="button" data-testid="add-verifier" onClick={() => add("verifier")}>
              Add a verifier
            </button>
            <button type="button" onClick={() => add("observer")}>
              Add an observer
            </button>
          </p>
          {keyNote && (
            <p class="notice" role="status" data-testid="key-note">
              {keyNote}
            </p>
          )}
        </fieldset>
        <FormMessage answer={action.answer} testId="adopt-error" />
        <p class="toolbar">
          <button
            type="submit"
            class="primary"
            data-testid="adopt-submit"
            disabled={action.busy || !daysOk || !startOk}
          >
            {action.busy ? "Adopting…" : `Adopt plan '${chosen.name}'`}
          </button>
        </p>
      </form>
    </main>
  );
}
