/**
 * The scenario's text as the workspace edits it: loaded from the server (or a draft kept for the
 * session), re-read on every edit, with the last version that parsed kept while the text is
 * broken. Also whether there are unsaved edits, which the page guards against losing.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { readSource, type Workspace as Ws } from "../../lib/analysis.ts";
import { api, type ScenarioDocument } from "../../lib/api.ts";
import { drafts, NEW_SCENARIO } from "../../lib/drafts.ts";

interface Timing {
  __lockstepEditAt?: number;
  __lockstepAnalysisMs?: number;
}

export function useScenarioSource(id: string | undefined) {
  const [doc, setDoc] = useState<ScenarioDocument | undefined>();
  const [source, setSource] = useState<string | undefined>(
    id ? undefined : (drafts.get("new") ?? NEW_SCENARIO),
  );
  const [loadError, setLoadError] = useState<string | undefined>();
  useEffect(() => {
    if (!id) return;
    api
      .get(id)
      .then((d) => {
        setDoc(d);
        setSource(drafts.get(id) ?? d.source);
      })
      .catch((e: Error) => setLoadError(e.message));
  }, [id]);

  const draftKey = id ?? "new";
  const edit = (text: string) => {
    (window as Timing).__lockstepEditAt = performance.now();
    setSource(text);
    drafts.set(draftKey, text);
  };
  // Edits made outside the YAML editor (tables, Revert, a plan saved in) reach it as a new version.
  const [external, setExternal] = useState<{ text: string; version: number } | undefined>();
  const editFromOutside = (text: string) => {
    edit(text);
    setExternal((previous) => ({ text, version: (previous?.version ?? 0) + 1 }));
  };

  const ws: Ws = useMemo(() => {
    const start = performance.now();
    const result = readSource(source ?? "", id ?? "scenario");
    (window as Timing).__lockstepAnalysisMs = performance.now() - start;
    return result;
  }, [source, id]);
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
