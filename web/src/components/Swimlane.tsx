/**
 * The plan as a swimlane: phases across, parties down, one chip per move showing how reversible it
 * is, how long verification takes, and what share of a divisible move is done in that phase.
 */
import type { Analysis, CompiledScenario } from "../../../src/analysis/index.ts";

export interface Highlight {
  party?: string;
  phase?: number;
  moves: string[];
}

interface Props {
  compiled: CompiledScenario;
  analysis: Analysis;
  highlight?: Highlight;
  /** Parties whose exposure goes above their tolerance somewhere in the plan. */
  exposed?: Set<string>;
}

function reversibility(r: number): string {
  if (r >= 1) return "fully reversible";
  if (r <= 0) return "irreversible";
  return `${Math.round(r * 100)}% reversible`;
}

export function Swimlane({ compiled, analysis, highlight, exposed }: Props) {
  const { delta } = analysis.schedule;
  const phases = Array.from({ length: analysis.phases }, (_, k) => k + 1);
  const scenario = compiled.scenario;
  return (
    // The lane scrolls sideways on its own when the phases do not fit, so it is a tab stop.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="swimlane" data-testid="swimlane" tabIndex={0} aria-label="Plan timeline">
      <table>
        <caption class="sr-only">Plan timeline: phases across, parties down</caption>
        <thead>
          <tr>
            <th scope="col" class="lane-party">
              party
            </th>
            {phases.map((k) => (
              <th
                scope="col"
                key={k}
                class={highlight?.phase === k ? "lane-phase is-highlighted" : "lane-phase"}
              >
                phase {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {scenario.parties.map((party, i) => (
            <tr
              key={party.id}
              data-party={party.id}
              class={[
                "lane-row",
                highlight?.party === party.id ? "is-highlighted" : "",
                exposed?.has(party.id) ? "is-exposed" : "",
              ].join(" ")}
            >
              <th scope="row" class="lane-party">
                {party.name ?? party.id}
                {exposed?.has(party.id) && <span class="badge bad">exposed</span>}
              </th>
              {phases.map((k) => (
                <td key={k} class={highlight?.phase === k ? "lane-cell is-highlighted" : "lane-cell"}>
                  {scenario.moves.map((move, m) => {
                    const share = delta[k]?.[m] ?? 0;
                    if (share <= 0 || compiled.actor[m] !== i) return null;
                    const lit = highlight?.moves.includes(move.id);
                    const full = `${move.title ?? move.id}: ${party.name ?? party.id}, phase ${k}${move.divisible && share < 1 ? `, ${Math.round(share * 100)}% of it` : ""}; ${reversibility(move.reversible)}; verified after ${move.verify.lag} phase(s)${move.verify.by ? ` by ${move.verify.by}` : ""}`;
                    // Focusable, so the full description is reachable without a mouse; the title
                    // wraps rather than being cut, so no move's name is hidden.
                    return (
                      // biome-ignore lint/a11y/useSemanticElements: a chip is a labelled group of words, not a form
                      <div
                        key={move.id}
                        class={lit ? "chip is-highlighted" : "chip"}
                        data-move={move.id}
                        // biome-ignore lint/a11y/noNoninteractiveTabindex: the full description must be reachable without a mouse
                        tabIndex={0}
                        role="group"
                        aria-label={full}
                        title={full}
                      >
                        <span class="chip-title">{move.title ?? move.id}</span>
                        <span class="chip-meta">
                          <span
                            class={`rev rev-${move.reversible >= 1 ? "full" : move.reversible <= 0 ? "none" : "part"}`}
                          >
                            {move.reversible >= 1 ? "↺" : move.reversible <= 0 ? "■" : "◐"}{" "}
                            {reversibility(move.reversible)}
                          </span>
                          <span>lag {move.verify.lag}</span>
                          {move.divisible && share < 1 && (
                            <span class="fraction">{Math.round(share * 100)}%</span>
                          )}
                        </span>
                      </div>
                    );
                  })}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
