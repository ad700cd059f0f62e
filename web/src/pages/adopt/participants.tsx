/**
 * The adoption wizard's participants: one per party to start with, plus any verifiers and
 * observers the user adds, each with a public key typed, pasted, made here or loaded from a key file
 * (a key made or loaded here keeps its private half in this tab).
 */
import { useEffect, useState } from "preact/hooks";
import type { CompiledScenario } from "../../../../src/analysis/index.ts";
import type { Scenario } from "../../../../src/model/index.ts";
import { partyName } from "../../lib/analysis.ts";
import { loadKeyFile, makeKey } from "../../lib/keyring.ts";

export type Role = "party" | "verifier" | "observer";

export interface Row {
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

/** A public key field's value as the server takes it: a JWK when it reads as JSON, else the text. */
export function publicKeyValue(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return trimmed;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

/** The participant rows (undefined until the scenario is read) and the edits the wizard makes. */
export function useParticipantRows(compiled: CompiledScenario | undefined) {
  const [rows, setRows] = useState<Row[] | undefined>();
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
  return { rows, update, remove, add };
}

type Update = (uid: number, patch: Partial<Row>) => void;

/** Making or loading a row's key, and the note that says what happened to it. */
function useRowKeys(update: Update) {
  const [keyNote, setKeyNote] = useState<string | undefined>();
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
  return { keyNote, make, load };
}

export function ParticipantsFieldset({
  scenario,
  rows,
  update,
  remove,
  add,
}: { scenario: Scenario; rows: Row[] } & Omit<ReturnType<typeof useParticipantRows>, "rows">) {
  const { keyNote, make, load } = useRowKeys(update);
  return (
    <fieldset>
      <legend>3. Participants and their public keys</legend>
      <p class="muted">
        Each party needs one participant. Verifiers may verify every move; observers only read. Make a key
        here (its key file downloads; the private key never leaves this browser) or load a key file from{" "}
        <code>lockstep keys new</code>.
      </p>
      <ul class="participant-rows" data-testid="adopt-participants">
        {rows.map((r) => (
          <ParticipantRow
            key={r.uid}
            row={r}
            role={r.role === "party" ? `party for ${partyName(scenario, r.party ?? "")}` : r.role}
            update={update}
            onMake={() => void make(r)}
            onLoad={(file) => void load(r, file)}
            onRemove={() => remove(r.uid)}
          />
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
  );
}

/** One participant: id, name and role, then its public key and the ways to give one. */
function ParticipantRow({
  row: r,
  role,
  update,
  onMake,
  onLoad,
  onRemove,
}: {
  row: Row;
  role: string;
  update: Update;
  onMake(): void;
  onLoad(file: File | undefined): void;
  onRemove(): void;
}) {
  return (
    <li class="participant-row" data-participant-row={r.party ?? r.role}>
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
          <strong>{role}</strong>
        </span>
      </div>
      <div class="field-row">
        <label class="field grow">
          <span>Public key (base64 or JWK)</span>
          <input
            value={r.publicKey}
            data-testid="participant-key"
            onInput={(e) => update(r.uid, { publicKey: e.currentTarget.value, keySource: undefined })}
          />
        </label>
        <button type="button" data-testid="make-key" onClick={onMake}>
          Make a key here
        </button>
        <label class="button file-button">
          Load key file
          <input
            type="file"
            accept=".json,application/json"
            data-testid="load-key"
            class="sr-only"
            onChange={(e) => onLoad(e.currentTarget.files?.[0])}
          />
        </label>
        {r.role !== "party" && (
          <button type="button" class="danger" onClick={onRemove}>
            Remove {r.id}
          </button>
        )}
      </div>
      {r.keySource && <p class="muted key-source">Key held in this tab: {r.keySource}</p>}
    </li>
  );
}
