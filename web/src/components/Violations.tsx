/** The violations, each a button that highlights the phase, party and moves it names. */
import type { Violation } from "../../../src/analysis/report.ts";
import type { Highlight } from "./Swimlane.tsx";

export function highlightOf(v: Violation): Highlight {
  const moves = [v.move, ...(v.contributors ?? []).map((c) => c.move)].filter((m): m is string => Boolean(m));
  return { party: v.party, phase: v.phase, moves: [...new Set(moves)] };
}

interface Props {
  violations: Violation[];
  selected?: number;
  onSelect(index: number | undefined): void;
}

export function Violations({ violations, selected, onSelect }: Props) {
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
            onClick={() => onSelect(selected === i ? undefined : i)}
          >
            <span class={`kind kind-${v.kind}`}>
              {v.kind}
              {v.party ? ` · ${v.party}` : ""}
              {v.phase !== undefined ? ` · phase ${v.phase}` : ""}
            </span>
            <span class="message">{v.message}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}
