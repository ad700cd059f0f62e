/**
 * The violations, each a button that highlights the phase, party and moves it names. They read in
 * the swimlane's words: party names and move titles, not ids.
 */
import type { Violation } from "../../../src/analysis/index.ts";
import type { Highlight } from "./Swimlane.tsx";

export function highlightOf(v: Violation): Highlight {
  const moves = [v.move, ...(v.contributors ?? []).map((c) => c.move)].filter((m): m is string => Boolean(m));
  return { party: v.party, phase: v.phase, moves: [...new Set(moves)] };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The message with every move id replaced by its title, in one pass (so a title that contains
 * another id is not rewritten again). Ids are slugs: a match may not touch a letter, digit, '-' or '_'.
 */
export function inTitles(message: string, titles: Record<string, string>): string {
  const ids = Object.keys(titles)
    .filter((id) => titles[id] !== id)
    .sort((a, b) => b.length - a.length);
  if (ids.length === 0) return message;
  const pattern = new RegExp(`(?<![\\w-])'?(${ids.map(escapeRegExp).join("|")})'?(?![\\w-])`, "g");
  return message.replace(pattern, (_, id: string) => `“${titles[id] ?? id}”`);
}

interface Props {
  violations: Violation[];
  selected?: number;
  onSelect(index: number | undefined): void;
  names?: Record<string, string>;
  titles?: Record<string, string>;
}

export function Violations({ violations, selected, onSelect, names = {}, titles = {} }: Props) {
  if (violations.length === 0)
    return (
      <p class="ok">
        No violations: every party's exposure stays within its tolerance and every step is self-enforcing.
      </p>
    );
  return (
    <ol class="violations" data-testid="violations">
      {violations.map((v, i) => (
        <li key={`${v.kind}-${v.party}-${v.phase}-${i}`}>
          <button
            type="button"
            class={selected === i ? "violation is-selected" : "violation"}
            aria-pressed={selected === i}
            data-party={v.party}
            onClick={() => onSelect(selected === i ? undefined : i)}
          >
            <span class={`kind kind-${v.kind}`}>
              {v.kind}
              {v.party ? ` · ${names[v.party] ?? v.party}` : ""}
              {v.phase !== undefined ? ` · phase ${v.phase}` : ""}
            </span>
            <span class="message">{inTitles(v.message, titles)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
