/**
 * CodeMirror for the scenario text: YAML highlighting, a lint gutter, and each problem the parser
 * reports drawn at its line and column (the same issues the CLI prints as FILE:LINE:COL).
 *
 * CodeMirror is about 40% of the scenario pages' code, so this module is its own chunk, imported
 * by YamlEditor.tsx only once the page has drawn its charts (docs/benchmarks.md, "Charts after
 * navigation"). Nothing outside YamlEditor.tsx may import it statically, or it would be bundled
 * back into the pages' chunk.
 */
import { yaml } from "@codemirror/lang-yaml";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { Annotation } from "@codemirror/state";
import { basicSetup, EditorView } from "codemirror";
import type { ScenarioIssue } from "../../../src/model/index.ts";

/** Marks text replaced from outside (the table view, Revert), which must not echo back as an edit. */
const external = Annotation.define<boolean>();

/** The editor as YamlEditor.tsx drives it. */
export interface YamlView {
  /** Replaces the whole text without reporting it as an edit. */
  replace(text: string): void;
  showIssues(issues: ScenarioIssue[]): void;
  /** Moves the cursor to the start of a line (1-based, clamped) and focuses the editor. */
  goToLine(line: number): void;
  destroy(): void;
}

export function createYamlView(parent: HTMLElement, text: string, onEdit: (text: string) => void): YamlView {
  const view = new EditorView({
    doc: text,
    parent,
    extensions: [
      basicSetup,
      yaml(),
      lintGutter(),
      EditorView.lineWrapping,
      // An explicit tab stop: the scrolling editor region is reachable by keyboard.
      EditorView.contentAttributes.of({ "aria-label": "Scenario YAML", tabindex: "0" }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged || update.transactions.some((t) => t.annotation(external))) return;
        onEdit(update.state.doc.toString());
      }),
    ],
  });
  return {
    replace(next) {
      const current = view.state.doc.toString();
      if (current === next) return;
      view.dispatch({
        changes: { from: 0, to: current.length, insert: next },
        annotations: external.of(true),
      });
    },
    showIssues(issues) {
      view.dispatch(setDiagnostics(view.state, toDiagnostics(view, issues)));
    },
    goToLine(n) {
      const doc = view.state.doc;
      const line = doc.line(Math.min(Math.max(n, 1), doc.lines));
      view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}

function toDiagnostics(view: EditorView, issues: ScenarioIssue[]): Diagnostic[] {
  const doc = view.state.doc;
  return issues.map((issue) => {
    const line = doc.line(Math.min(Math.max(issue.line ?? 1, 1), doc.lines));
    const from = Math.min(line.from + Math.max((issue.column ?? 1) - 1, 0), line.to);
    const to = Math.max(line.to, from);
    return {
      from,
      to: to === from ? Math.min(from + 1, doc.length) : to,
      severity: "error",
      message: `${issue.path ? `${issue.path}: ` : ""}${issue.message}`,
    };
  });
}
