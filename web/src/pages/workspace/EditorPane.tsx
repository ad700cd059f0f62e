/**
 * The left pane: the scenario's title, Save / Save a copy / Revert, the problems the parser found
 * (each linked to its line) and the editor, as YAML text or as tables.
 */
import type { RefObject } from "preact";
import { useRef, useState } from "preact/hooks";
import { SAVE_COPY_FORM_ID, SaveCopyForm } from "../../components/SaveCopyForm.tsx";
import { TableEditor } from "../../components/TableEditor.tsx";
import { Tabs, tabPanelProps } from "../../components/Tabs.tsx";
import { YamlEditor } from "../../components/YamlEditor.tsx";
import { ApiError, api } from "../../lib/api.ts";
import { drafts } from "../../lib/drafts.ts";
import { useParam } from "../../lib/url-state.ts";
import type { ScenarioSource } from "./useScenarioSource.ts";

const isEditorMode = (v: string): v is "yaml" | "table" => v === "yaml" || v === "table";

interface Props {
  state: ScenarioSource;
  title: string;
  titleRef: RefObject<HTMLHeadingElement | null>;
  /** Opens another scenario (after Save a copy), without the unsaved-edits warning. */
  onSaved(id: string): void;
}

export function EditorPane({ state, title, titleRef, onSaved }: Props) {
  const { doc, source = "", ws, lastGood } = state;
  // Which editor is open is kept in the address (editor=table), like the view tab.
  const [editorMode, setEditorMode] = useParam("editor", "yaml", isEditorMode);
  const [goToLine, setGoToLine] = useState<{ line: number; at: number } | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [saveIssues, setSaveIssues] = useState<string[]>([]);
  const [savingCopy, setSavingCopy] = useState(false);
  const saveButton = useRef<HTMLButtonElement>(null);
  // Table edits, newest last: the text before and after each. Undo applies only while the text is
  // still what the last table edit left (an edit elsewhere since then ends the history).
  const [history, setHistory] = useState<{ before: string; after: string; what: string }[]>([]);
  const last = history.at(-1);
  const canUndo = last !== undefined && last.after === source;
  const tableEdit = (text: string) => {
    if (text === source) return;
    const what = describeEdit(source, text);
    setHistory((h) => [...(h.at(-1)?.after === source ? h : []), { before: source, after: text, what }]);
    state.editFromOutside(text);
  };
  const undo = () => {
    if (!canUndo || !last) return;
    setHistory((h) => h.slice(0, -1));
    state.editFromOutside(last.before);
    setStatus(`Undone: ${last.what}.`);
  };
  const ownsFile = Boolean(doc && !doc.builtin);

  const save = async () => {
    setSaveIssues([]);
    try {
      if (doc && ownsFile) {
        state.setDoc(await api.update(doc.id, source));
        setStatus(`Saved '${doc.id}'.`);
        drafts.clear(state.draftKey);
      } else {
        setSavingCopy(true);
      }
    } catch (e) {
      setStatus((e as Error).message);
      if (e instanceof ApiError) setSaveIssues(e.issues.map((i) => `line ${i.line ?? "?"}: ${i.message}`));
    }
  };
  /** Called by the save-copy form; a rejection goes back to the form, which announces it. */
  const saveCopy = async (requested: string) => {
    setSaveIssues([]);
    try {
      const created = await api.create(source, requested);
      drafts.clear(state.draftKey);
      setSavingCopy(false);
      onSaved(created.id);
    } catch (e) {
      if (e instanceof ApiError) setSaveIssues(e.issues.map((i) => `line ${i.line ?? "?"}: ${i.message}`));
      throw e;
    }
  };
  const closeSaveCopy = () => {
    setSavingCopy(false);
    // Focus goes back to the button that opened the form, not to the top of the page.
    requestAnimationFrame(() => saveButton.current?.focus());
  };

  return (
    <section class="pane pane-left" aria-labelledby="scenario-title">
      <div class="toolbar">
        <h1 class="scenario-title" id="scenario-title" ref={titleRef} tabIndex={-1}>
          {title}
        </h1>
        {state.dirty && (
          <span class="badge warn" data-testid="unsaved">
            unsaved edits
          </span>
        )}
      </div>
      <div class="toolbar">
        <Tabs
          label="Editor view"
          idPrefix="editor"
          tabs={[
            { id: "yaml", label: "YAML" },
            { id: "table", label: "Tables", disabled: !ws.scenario },
          ]}
          selected={editorMode}
          onSelect={setEditorMode}
        />
        <button
          type="button"
          ref={saveButton}
          onClick={save}
          disabled={!ws.scenario}
          aria-expanded={ownsFile ? undefined : savingCopy}
          aria-controls={ownsFile ? undefined : SAVE_COPY_FORM_ID}
        >
          {ownsFile ? "Save" : "Save a copy"}
        </button>
        {state.dirty && (
          <button type="button" onClick={state.revert}>
            Revert
          </button>
        )}
      </div>
      {savingCopy && (
        <SaveCopyForm
          suggestedId={`${ws.scenario?.id ?? "scenario"}-copy`}
          onSave={saveCopy}
          onClose={closeSaveCopy}
        />
      )}
      {/* Present only when there is something to say, so an empty line never stretches the page. */}
      {status && (
        <p class="muted" role="status">
          {status}
        </p>
      )}
      {saveIssues.length > 0 && (
        <ul class="issues">
          {saveIssues.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
      {ws.issues.length > 0 && (
        <div class="issues" role="alert" data-testid="issues">
          <strong>
            {ws.issues.length} problem{ws.issues.length === 1 ? "" : "s"}
            {lastGood ? " — the analysis shows the last version without problems" : ""}
          </strong>
          <ul>
            {ws.issues.map((issue) => (
              <li key={`${issue.line}:${issue.column}:${issue.message}`}>
                <button
                  type="button"
                  class="link"
                  onClick={() => setGoToLine({ line: issue.line ?? 1, at: Date.now() })}
                >
                  line {issue.line ?? "?"}
                  {issue.column ? `:${issue.column}` : ""}
                </button>{" "}
                {issue.path ? <code>{issue.path}</code> : null} {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div {...tabPanelProps("editor", editorMode)}>
        <div class={editorMode === "yaml" ? "" : "hidden"}>
          <YamlEditor
            initial={source}
            external={editorMode === "yaml" ? state.external : undefined}
            issues={ws.issues}
            onChange={state.edit}
            goToLine={goToLine}
          />
        </div>
        {editorMode === "table" && ws.scenario && (
          <TableEditor
            source={source}
            scenario={ws.scenario}
            onChange={tableEdit}
            onUndo={canUndo ? undo : undefined}
            undoLabel={canUndo ? last?.what : undefined}
          />
        )}
      </div>
    </section>
  );
}

/** The first line that differs, in a few words: what an undo would take back. */
function describeEdit(before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  const line = (b[i < 0 ? a.length : i] ?? "").trim();
  const short = line.length > 40 ? `${line.slice(0, 39)}…` : line;
  return b.length > a.length ? `(adding '${short}')` : `(line ${(i < 0 ? a.length : i) + 1}: '${short}')`;
}
