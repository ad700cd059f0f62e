/**
 * One scenario: the editor (YAML or tables) on the left, re-analysed in the browser on every
 * edit; the plan view, comparison, planner, simulation and exports on the right.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { PlanView, partyNames } from "../components/PlanView.tsx";
import { SAVE_COPY_FORM_ID, SaveCopyForm } from "../components/SaveCopyForm.tsx";
import { TableEditor } from "../components/TableEditor.tsx";
import { Tabs, tabPanelProps } from "../components/Tabs.tsx";
import { YamlEditor } from "../components/YamlEditor.tsx";
import {
  analyse,
  defaultPlan,
  type PlanChoice,
  planChoices,
  readSource,
  type Workspace as Ws,
} from "../lib/analysis.ts";
import { ApiError, api, type Capabilities, type ScenarioDocument } from "../lib/api.ts";
import { drafts, NEW_SCENARIO } from "../lib/drafts.ts";
import { download, planCsv, planJson, planMarkdown } from "../lib/export.ts";
import { useWidth } from "../lib/hooks.ts";
import type { PlanReport } from "../lib/planner.ts";
import { BestPlanTab } from "./BestPlanTab.tsx";
import { CompareTab } from "./CompareTab.tsx";
import { SimulateTab } from "./SimulateTab.tsx";

type Tab = "plan" | "compare" | "best" | "simulate" | "export";
const TABS: { id: Tab; label: string }[] = [
  { id: "plan", label: "Plan" },
  { id: "compare", label: "Compare" },
  { id: "best", label: "Find the best plan" },
  { id: "simulate", label: "Simulate" },
  { id: "export", label: "Export" },
];

interface Timing {
  __lockstepEditAt?: number;
  __lockstepAnalysisMs?: number;
}

export function Workspace({ id, capabilities }: { id?: string; capabilities?: Capabilities }) {
  const [doc, setDoc] = useState<ScenarioDocument | undefined>();
  const [source, setSource] = useState<string | undefined>(
    id ? undefined : (drafts.get("new") ?? NEW_SCENARIO),
  );
  const [loadError, setLoadError] = useState<string | undefined>();
  const [tab, setTab] = useState<Tab>("plan");
  const [editorMode, setEditorMode] = useState<"yaml" | "table">("yaml");
  const [planName, setPlanName] = useState<string | undefined>();
  const [optimal, setOptimal] = useState<PlanReport | undefined>();
  const [goToLine, setGoToLine] = useState<{ line: number; at: number } | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [saveIssues, setSaveIssues] = useState<string[]>([]);
  const [savingCopy, setSavingCopy] = useState(false);
  const saveButton = useRef<HTMLButtonElement>(null);
  const [rightRef, width] = useWidth<HTMLDivElement>(700);

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
  // Edits made outside the YAML editor (tables, Revert) are pushed into it as a new version.
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
  const compiled = current?.compiled;

  const choices = useMemo(() => {
    const found: PlanChoice[] = optimal?.feasible
      ? [{ name: "optimal", label: "optimal (found by the planner)", plan: optimal.plan }]
      : [];
    return compiled ? planChoices(compiled, found) : [];
  }, [compiled, optimal]);
  const chosen =
    choices.find((c) => c.name === planName) ??
    choices.find((c) => compiled && c.name === defaultPlan(compiled));
  const analysis = useMemo(
    () => (compiled && chosen ? analyse(compiled, chosen.plan) : undefined),
    [compiled, chosen],
  );

  if (loadError) return <main class="error">{loadError}</main>;
  if (source === undefined) return <main>Loading…</main>;

  const save = async () => {
    setSaveIssues([]);
    try {
      if (doc && !doc.builtin) {
        setDoc(await api.update(doc.id, source));
        setStatus(`Saved '${doc.id}'.`);
        drafts.clear(draftKey);
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
      drafts.clear(draftKey);
      setSavingCopy(false);
      location.hash = `#/s/${encodeURIComponent(created.id)}`;
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
  const revert = () => {
    if (!doc) return;
    editFromOutside(doc.source);
    drafts.clear(draftKey);
  };
  const names = compiled ? partyNames(compiled) : {};
  const title = current?.scenario?.title ?? doc?.title ?? id ?? "New scenario";

  return (
    <main class="workspace">
      <section class="pane pane-left" aria-label="Scenario editor">
        <div class="toolbar">
          <h1 class="scenario-title" title={title}>
            {title}
          </h1>
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
            aria-expanded={doc && !doc.builtin ? undefined : savingCopy}
            aria-controls={doc && !doc.builtin ? undefined : SAVE_COPY_FORM_ID}
          >
            {doc && !doc.builtin ? "Save" : "Save a copy"}
          </button>
          {doc && source !== doc.source && (
            <button type="button" onClick={revert}>
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
              external={editorMode === "yaml" ? external : undefined}
              issues={ws.issues}
              onChange={edit}
              goToLine={goToLine}
            />
          </div>
          {editorMode === "table" && ws.scenario && (
            <TableEditor source={source} scenario={ws.scenario} onChange={editFromOutside} />
          )}
        </div>
      </section>
      <section class="pane pane-right" aria-label="Analysis" ref={rightRef}>
        <div class="toolbar">
          <Tabs label="Views" idPrefix="view" tabs={TABS} selected={tab} onSelect={setTab} />
        </div>
        <div {...tabPanelProps("view", tab)}>
          {compiled && chosen && analysis ? (
            <>
              {(tab === "plan" || tab === "simulate" || tab === "export") && (
                <label class="plan-select">
                  Plan{" "}
                  <select
                    data-testid="plan-select"
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
              )}
              {tab === "plan" && (
                <PlanView compiled={compiled} analysis={analysis} planName={chosen.name} width={width - 24} />
              )}
              {tab === "compare" && (
                <CompareTab
                  compiled={compiled}
                  choices={choices}
                  source={source}
                  width={width - 24}
                  onOptimum={setOptimal}
                  onOpen={(name) => {
                    setPlanName(name);
                    setTab("plan");
                  }}
                />
              )}
              {tab === "best" && (
                <BestPlanTab
                  compiled={compiled}
                  source={source}
                  width={width - 24}
                  report={optimal}
                  onReport={setOptimal}
                  onUse={() => {
                    setPlanName("optimal");
                    setTab("plan");
                  }}
                />
              )}
              {tab === "simulate" && (
                <SimulateTab
                  source={source}
                  plan={chosen.plan}
                  planName={chosen.name}
                  names={names}
                  capabilities={capabilities}
                  width={width - 24}
                />
              )}
              {tab === "export" && (
                <section aria-label="Export" class="export">
                  <h2>Plan '{chosen.name}'</h2>
                  <p>
                    <button
                      type="button"
                      onClick={() =>
                        download(
                          `${compiled.scenario.id}-${chosen.name}.md`,
                          planMarkdown(compiled, chosen.name, analysis),
                          "text/markdown",
                        )
                      }
                    >
                      Markdown
                    </button>{" "}
                    <button
                      type="button"
                      onClick={() =>
                        download(
                          `${compiled.scenario.id}-${chosen.name}.csv`,
                          planCsv(compiled, analysis),
                          "text/csv",
                        )
                      }
                    >
                      CSV
                    </button>{" "}
                    <button
                      type="button"
                      onClick={() =>
                        download(
                          `${compiled.scenario.id}-${chosen.name}.json`,
                          planJson(chosen.name, chosen.plan, analysis),
                          "application/json",
                        )
                      }
                    >
                      JSON
                    </button>
                  </p>
                  <p class="muted">Every chart has its own SVG and PNG buttons.</p>
                  <h2>Briefing</h2>
                  <p>
                    <a
                      class="button primary"
                      href={`#/s/${encodeURIComponent(id ?? "new")}/briefing`}
                      data-testid="open-briefing"
                    >
                      Open the printable briefing
                    </a>
                  </p>
                </section>
              )}
            </>
          ) : (
            <p class="notice">Fix the problems in the scenario to see its analysis.</p>
          )}
        </div>
      </section>
    </main>
  );
}
