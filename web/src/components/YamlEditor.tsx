/**
 * The scenario text in CodeMirror: YAML highlighting, and each problem the parser reports drawn at
 * its line and column (the same issues the CLI prints as FILE:LINE:COL).
 */
import { yaml } from "@codemirror/lang-yaml";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { Annotation } from "@codemirror/state";
import { basicSetup, EditorView } from "codemirror";
import { useEffect, useRef } from "preact/hooks";
import type { ScenarioIssue } from "../../../src/model/index.ts";
import { mark } from "../lib/timing.ts";

interface Props {
  /** The text the editor starts with. After that the editor owns its text while the user types. */
  initial: string;
  /** Text replaced from outside (the table view, Revert); a new version replaces the editor's text. */
  external?: { text: string; version: number };
  issues: ScenarioIssue[];
  onChange(text: string): void;
  /** Set to a line number to move the cursor there. */
  goToLine?: { line: number; at: number };
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

/** Marks text replaced from outside (the table view, Revert), which must not echo back as an edit. */
const external = Annotation.define<boolean>();

export function YamlEditor({ initial, external: outside, issues, onChange, goToLine }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const latestChange = useRef(onChange);
  latestChange.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      doc: initial,
      parent: host.current!,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        EditorView.lineWrapping,
        // An explicit tab stop: the scrolling editor region is reachable by keyboard.
        EditorView.contentAttributes.of({ "aria-label": "Scenario YAML", tabindex: "0" }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged || update.transactions.some((t) => t.annotation(external))) return;
          latestChange.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    mark("editor");
    return () => editor.destroy();
  }, []);

  // Text changed elsewhere: replace the editor's text. Typing never comes back this way, since
  // the page may re-render with a text older than what the editor already holds. (The page passes
  // the change only while the editor is shown, so table edits do not re-highlight a hidden editor.)
  const applied = useRef(0);
  useEffect(() => {
    const editor = view.current;
    if (!editor || !outside || outside.version <= applied.current) return;
    applied.current = outside.version;
    const current = editor.state.doc.toString();
    if (current !== outside.text) {
      editor.dispatch({
        changes: { from: 0, to: current.length, insert: outside.text },
        annotations: external.of(true),
      });
    }
  }, [outside]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch(setDiagnostics(editor.state, toDiagnostics(editor, issues)));
  }, [issues]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !goToLine) return;
    const line = editor.state.doc.line(Math.min(Math.max(goToLine.line, 1), editor.state.doc.lines));
    editor.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
    editor.focus();
  }, [goToLine]);

  return <div ref={host} class="yaml-editor" data-testid="yaml-editor" />;
}
