/**
 * The scenario's text as the workspace edits it: loaded from the server (or a draft kept for the
 * session), re-read after every edit, with the last version that parsed kept while the text is
 * broken. Also whether there are unsaved edits, which the page guards against losing.
 *
 * Typing is debounced: the draft is kept on every keystroke, but the text is re-parsed and
 * re-analysed only once typing pauses for EDIT_PAUSE_MS, so a burst of keys costs one analysis
 * and the editor never waits on one. Edits from elsewhere (tables, Revert) apply at once.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { readSource, type Workspace as Ws } from "../../lib/analysis.ts";
import type { ScenarioDocument } from "../../lib/api.ts";
import { drafts, NEW_SCENARIO } from "../../lib/drafts.ts";
import { scenarioDocument } from "../../lib/early.ts";
import { mark } from "../../lib/timing.ts";

/** The pause in typing after which the text is analysed. */
export const EDIT_PAUSE_MS = 250;

interface Timing {
  __lockstepEditAt?: number;
  __lockstepAnalysisMs?: number;
  /** How many times the text has been read and analysed (tests count it). */
  __lockstepAnalyses?: number;
}

export function useScenarioSource(id: string | undefined) {
  const [doc, setDoc] = useState<ScenarioDocument | undefined>();
  const [source, setSource] = useState<string | undefined>(
    id ? undefined : (drafts.get("new") ?? NEW_SCENARIO),
  );
  // The text analysed: `source` once typing has paused (what Save, Undo and "unsaved" read is
  // `source` itself, always the latest keystroke).
  const [analysed, setAnalysed] = useState<string | undefined>(source);
  const [loadError, setLoadError] = useState<string | undefined>();
  useEffect(() => {
    if (!id) return;
    mark("scenario-requested");
    scenarioDocument(id)
      .then((d) => {
        mark("scenario-received");
        setDoc(d);
        const text = drafts.get(id) ?? d.source;
        setSource(text);
        setAnalysed(text);
      })
      .catch((e: Error) => setLoadError(e.message));
  }, [id]);

  const draftKey = id ?? "new";
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);
  /** A keystroke in the YAML editor: the text and draft now, the analysis once typing pauses. */
  const edit = (text: string) => {
    (window as Timing).__lockstepEditAt = performance.now();
    setSource(text);
    drafts.set(draftKey, text);
    clearTimeout(pending.current);
    pending.current = setTimeout(() => setAnalysed(text), EDIT_PAUSE_MS);
  };
  // Edits made outside the YAML editor (tables, Revert, a plan saved in) reach it as a new version.
  const [external, setExternal] = useState<{ text: string; version: number } | undefined>();
  const editFromOutside = (text: string) => {
    (window as Timing).__lockstepEditAt = performance.now();
    clearTimeout(pending.current); // a newer text than whatever was being typed
    setSource(text);
    setAnalysed(text);
    drafts.set(draftKey, text);
    setExternal((previous) => ({ text, version: (previous?.version ?? 0) + 1 }));
  };

  const ws: Ws = useMemo(() => {
    const start = performance.now();
    const result = readSource(analysed ?? "", id ?? "scenario");
    (window as Timing).__lockstepAnalysisMs = performance.now() - start;
    if (analysed !== undefined) mark("scenario-read");
    (window as Timing).__lockstepAnalyses = ((window as Timing).__lockstepAnalyses ?? 0) + 1;
    return result;
  }, [analysed, id]);
  // While the text is broken, keep showing the last version that parsed.
  const [lastGood, setLastGood] = useState<Ws | undefined>();
  useEffect(() => {
    if (ws.compiled) setLastGood(ws);
  }, [ws]);
  const current = ws.compiled ? ws : lastGood;

  const saved = doc ? doc.source : id ? undefined : NEW_SCENARIO;
  const dirty = source !== undefined && saved !== undefined && source !== saved;
  const revert = () => {
    if (saved === undefined) return;
    editFromOutside(saved);
    drafts.clear(draftKey);
  };
  return {
    doc,
    setDoc,
    source,
    loadError,
    draftKey,
    edit,
    editFromOutside,
    external,
    ws,
    lastGood,
    current,
    dirty,
    revert,
  };
}

export type ScenarioSource = ReturnType<typeof useScenarioSource>;
