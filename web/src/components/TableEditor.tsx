/**
 * Parties and moves as tables for quick edits: numbers, each move's actor and prerequisites, and
 * new moves. Each change is written back into the YAML text (comments kept), so the text stays the
 * single source and the analysis re-runs as for typing. Table edits can be undone (the Undo button,
 * or Ctrl+Z / ⌘Z while the tables have the focus and the cell holds no typing of its own).
 */
import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Scenario } from "../../../src/model/index.ts";
import { didYouMean } from "../../../src/model/index.ts";
import {
  appendItem,
  type CellValue,
  formatCell,
  parseCell,
  parseIdList,
  setField,
} from "../lib/yaml-edit.ts";

interface Props {
  source: string;
  scenario: Scenario;
  onChange(text: string): void;
  /** Undoes the last table edit; undefined when there is none to undo. */
  onUndo?: () => void;
  /** What the next undo takes back, in words. */
  undoLabel?: string;
}

interface CellProps {
  label: string;
  value: unknown;
  onCommit(value: CellValue): void;
  testId?: string;
}

function NumberCell({ label, value, onCommit, testId }: CellProps) {
  return (
    <input
      class="cell"
      aria-label={label}
      data-testid={testId}
      value={formatCell(value)}
      data-committed={formatCell(value)}
      onChange={(event) => {
        const input = event.currentTarget;
        const parsed = parseCell(input.value);
        if (parsed instanceof Error) {
          input.setCustomValidity(parsed.message);
          input.reportValidity();
          return;
        }
        input.setCustomValidity("");
        onCommit(parsed);
      }}
    />
  );
}

/** A move's prerequisites as a list of ids; unknown ids are refused with a did-you-mean. */
function RequiresCell({
  move,
  value,
  known,
  onCommit,
}: {
  move: string;
  value: string[];
  known: string[];
  onCommit(ids: string[] | undefined): void;
}) {
  return (
    <input
      class="cell cell-wide"
      aria-label={`${move} requires (move ids, comma-separated)`}
      data-testid={`requires-${move}`}
      value={value.join(", ")}
      data-committed={value.join(", ")}
      onChange={(event) => {
        const input = event.currentTarget;
        const ids = parseIdList(input.value);
        const unknown = ids.find((id) => !known.includes(id) || id === move);
        if (unknown !== undefined) {
          input.setCustomValidity(
            unknown === move
              ? `a move cannot require itself ('${move}')`
              : `no move '${unknown}'${didYouMean(unknown, known)}`,
          );
          input.reportValidity();
          return;
        }
        input.setCustomValidity("");
        onCommit(ids.length > 0 ? ids : undefined);
      }}
    />
  );
}

/** "Add a move": an id and an actor; its values start at 0 for every party, ready to fill in. */
function AddMove({
  scenario,
  onAdd,
  focusAfter,
}: {
  scenario: Scenario;
  onAdd(id: string, actor: string, title: string): void;
  focusAfter: RefObject<HTMLTableSectionElement | null>;
}) {
  const [error, setError] = useState<string | undefined>();
  const known = scenario.moves.map((m) => m.id);
  return (
    <form
      class="toolbar add-move"
      aria-label="Add a move"
      data-testid="add-move"
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const data = new FormData(form);
        const id = String(data.get("id") ?? "").trim();
        const actor = String(data.get("actor") ?? "");
        const title = String(data.get("title") ?? "").trim();
        if (!/^[a-z0-9][a-z0-9-]*$/i.test(id)) {
          setError("a move id is letters, digits and hyphens, starting with a letter or digit");
          return;
        }
        if (known.includes(id)) {
          setError(`there is already a move '${id}'`);
          return;
        }
        setError(undefined);
        onAdd(id, actor, title);
        form.reset();
        // The new row is the last one: its first value cell is where the analyst goes next.
        requestAnimationFrame(() =>
          focusAfter.current
            ?.querySelector<HTMLElement>("tr:last-child input, tr:last-child select")
            ?.focus(),
        );
      }}
    >
      <label>
        new move id <input name="id" class="cell" required data-testid="new-move-id" />
      </label>
      <label>
        title <input name="title" class="cell cell-wide" data-testid="new-move-title" />
      </label>
      <label>
        actor{" "}
        <select name="actor" data-testid="new-move-actor">
          {scenario.parties.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name ?? p.id}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Add the move</button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

export function TableEditor({ source, scenario, onChange, onUndo, undoLabel }: Props) {
  const set = (path: (string | number)[]) => (value: CellValue | string[]) =>
    onChange(setField(source, path, value));
  const partyIds = scenario.parties.map((p) => p.id);
  const moveIds = scenario.moves.map((m) => m.id);
  const body = useRef<HTMLTableSectionElement>(null);
  const root = useRef<HTMLDivElement>(null);
  // Ctrl+Z / ⌘Z anywhere in the tables undoes the last table edit, except in a cell being typed
  // in, which keeps the browser's own undo of its text until the edit is committed.
  const undoRef = useRef(onUndo);
  undoRef.current = onUndo;
  useEffect(() => {
    const node = root.current;
    if (!node) return;
    const onKey = (event: KeyboardEvent) => {
      const undoKey = (event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z";
      if (!undoKey || !undoRef.current) return;
      const target = event.target;
      if (target instanceof HTMLInputElement && target.value !== (target.dataset.committed ?? "")) return;
      event.preventDefault();
      undoRef.current();
    };
    node.addEventListener("keydown", onKey);
    return () => node.removeEventListener("keydown", onKey);
  }, []);
  const addMove = (id: string, actor: string, title: string) =>
    onChange(
      appendItem(source, ["moves"], {
        id,
        actor,
        ...(title ? { title } : {}),
        value: Object.fromEntries(partyIds.map((p) => [p, 0])),
      }),
    );
  return (
    <div class="table-editor" data-testid="table-editor" ref={root}>
      <p class="toolbar">
        <button
          type="button"
          disabled={!onUndo}
          onClick={onUndo}
          data-testid="table-undo"
          aria-keyshortcuts="Control+Z Meta+Z"
        >
          Undo{undoLabel ? ` ${undoLabel}` : ""}
        </button>
        <span class="muted">Ctrl+Z / ⌘Z in the tables; every edit is written into the YAML.</span>
      </p>
      <h2 class="table-heading">Parties</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">discount δ</th>
            <th scope="col">tolerance τ</th>
            <th scope="col">reservation ρ</th>
          </tr>
        </thead>
        <tbody>
          {scenario.parties.map((p, i) => (
            <tr key={p.id}>
              <th scope="row" title={p.name}>
                {p.id}
              </th>
              <td>
                <NumberCell
                  label={`${p.id} discount`}
                  value={p.discount}
                  onCommit={set(["parties", i, "discount"])}
                />
              </td>
              <td>
                <NumberCell
                  label={`${p.id} tolerance`}
                  value={p.tolerance}
                  testId={`tolerance-${p.id}`}
                  onCommit={set(["parties", i, "tolerance"])}
                />
              </td>
              <td>
                <NumberCell
                  label={`${p.id} reservation`}
                  value={p.reservation}
                  onCommit={set(["parties", i, "reservation"])}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 class="table-heading">Moves</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">move</th>
              <th scope="col">actor</th>
              <th scope="col">requires</th>
              <th scope="col">reversible</th>
              <th scope="col">lag</th>
              {partyIds.map((id) => (
                <th scope="col" key={id}>
                  value: {id}
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={body}>
            {scenario.moves.map((m, i) => (
              <tr key={m.id}>
                <th scope="row" title={m.title}>
                  {m.id}
                </th>
                <td>
                  <select
                    aria-label={`${m.id} actor`}
                    data-testid={`actor-${m.id}`}
                    value={m.actor}
                    onChange={(e) => set(["moves", i, "actor"])(e.currentTarget.value)}
                  >
                    {scenario.parties.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.id}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <RequiresCell
                    move={m.id}
                    value={m.requires}
                    known={moveIds}
                    onCommit={set(["moves", i, "requires"])}
                  />
                </td>
                <td>
                  <NumberCell
                    label={`${m.id} reversible`}
                    value={m.reversible}
                    onCommit={set(["moves", i, "reversible"])}
                  />
                </td>
                <td>
                  <NumberCell
                    label={`${m.id} verification lag`}
                    value={m.verify.lag}
                    onCommit={set(["moves", i, "verify", "lag"])}
                  />
                </td>
                {partyIds.map((id) => (
                  <td key={id}>
                    <NumberCell
                      label={`${m.id} value for ${id}`}
                      value={m.value[id]}
                      testId={`value-${m.id}-${id}`}
                      onCommit={set(["moves", i, "value", id])}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddMove scenario={scenario} onAdd={addMove} focusAfter={body} />
    </div>
  );
}
