/**
 * The scenario text, editable. CodeMirror itself (yaml-codemirror.ts) is a separate chunk that
 * is asked for only after the page's first frame with the text, i.e. after the charts drawn in
 * that frame's layout effects: opening a scenario shows its charts without waiting for the
 * editor's code to download and run (docs/benchmarks.md, "Charts after navigation"). Until it
 * arrives the text is shown read-only, as plain text in the editor's place.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { ScenarioIssue } from "../../../src/model/index.ts";
import { mark } from "../lib/timing.ts";
import type { YamlView } from "./yaml-codemirror.ts";

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

/**
 * Lines of the text shown until the editor arrives: more than its box shows on a tall screen, and
 * few enough that laying them out costs nothing before the first chart (all of a 200-move
 * scenario would).
 */
const PLACEHOLDER_LINES = 80;

type CodeMirror = typeof import("./yaml-codemirror.ts");
let codeMirror: Promise<CodeMirror> | undefined;

/** CodeMirror's chunk, fetched once per page load. */
export function loadCodeMirror(): Promise<CodeMirror> {
  codeMirror ??= import("./yaml-codemirror.ts");
  return codeMirror;
}

export function YamlEditor({ initial, external: outside, issues, onChange, goToLine }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<YamlView | undefined>();
  const [loadFailed, setLoadFailed] = useState(false);
  // The props as last rendered, for the editor built once CodeMirror has arrived.
  const latest = useRef({ initial, outside, onChange });
  latest.current = { initial, outside, onChange };
  const applied = useRef(0);

  useEffect(() => {
    let built: YamlView | undefined;
    let gone = false;
    // Effects run after the frame they belong to has been painted, so the charts of this first
    // frame are on screen before CodeMirror is even requested.
    loadCodeMirror()
      .then(({ createYamlView }) => {
        if (gone || !host.current) return;
        // Until now nobody could type, so the latest text the page holds is the one to start from
        // (a table edit or Revert meanwhile included).
        const { initial: text, outside: pending } = latest.current;
        applied.current = pending?.version ?? 0;
        built = createYamlView(host.current, text, (edited) => latest.current.onChange(edited));
        setView(built);
        mark("editor");
      })
      .catch(() => {
        if (!gone) setLoadFailed(true);
      });
    return () => {
      gone = true;
      built?.destroy();
    };
  }, []);

  // Text changed elsewhere: replace the editor's text. Typing never comes back this way, since
  // the page may re-render with a text older than what the editor already holds. (The page passes
  // the change only while the editor is shown, so table edits do not re-highlight a hidden editor.)
  useEffect(() => {
    if (!view || !outside || outside.version <= applied.current) return;
    applied.current = outside.version;
    view.replace(outside.text);
  }, [view, outside]);

  useEffect(() => {
    view?.showIssues(issues);
  }, [view, issues]);

  useEffect(() => {
    if (view && goToLine) view.goToLine(goToLine.line);
  }, [view, goToLine]);

  return (
    <div class="yaml-editor" data-testid="yaml-editor">
      {/* The text, read-only, until CodeMirror is built in the empty box below it. */}
      {!view && (
        <pre class="yaml-placeholder" aria-busy={loadFailed ? undefined : "true"}>
          {firstLines(initial, PLACEHOLDER_LINES)}
        </pre>
      )}
      {loadFailed && (
        <p class="muted" role="alert">
          The editor could not be loaded; reload the page to edit the text.
        </p>
      )}
      <div ref={host} />
    </div>
  );
}

function firstLines(text: string, n: number): string {
  let end = -1;
  for (let i = 0; i < n; i++) {
    end = text.indexOf("\n", end + 1);
    if (end < 0) return text;
  }
  return text.slice(0, end);
}
