/**
 * The validity rules of a schedule (MODEL.md): within the horizon, every goal item done by the last
 * phase, and no move started before each of its prerequisites is done and its verification lag has
 * run. One definition, read two ways: the analysis explains each break (analyze.ts), the planner's
 * incremental scorer only asks whether there is one (placement-score.ts).
 */
import type { CompiledScenario } from "./compile.ts";
import { EPSILON } from "./rows.ts";
import { donePhase, type Schedule, startPhase } from "./schedule.ts";

/** One way a schedule breaks the rules. */
export type ValidityBreak =
  | { kind: "horizon" }
  | { kind: "goal"; item: number[] }
  | { kind: "requires"; move: number; prerequisite: number; start: number; done: number | undefined };

/** Visits each break in order (horizon, goal items, prerequisites); stops when `visit` returns false. */
export function forEachValidityBreak(
  c: CompiledScenario,
  s: Schedule,
  visit: (b: ValidityBreak) => boolean | undefined,
): void {
  if (s.phases > c.horizon && visit({ kind: "horizon" }) === false) return;
  const xT = s.x[s.phases];
  for (const item of c.goal) {
    if (!item.some((m) => xT[m] >= 1 - EPSILON) && visit({ kind: "goal", item }) === false) return;
  }
  for (let move = 0; move < c.requires.length; move++) {
    if (c.requires[move].length === 0) continue;
    const start = startPhase(s, move);
    if (start === undefined) continue;
    for (const prerequisite of c.requires[move]) {
      const done = donePhase(s, prerequisite);
      if (done !== undefined && start >= done + c.lag[prerequisite] + 1) continue;
      if (visit({ kind: "requires", move, prerequisite, start, done }) === false) return;
    }
  }
}

/** The schedule breaks none of the rules. */
export function isValidSchedule(c: CompiledScenario, s: Schedule): boolean {
  let valid = true;
  forEachValidityBreak(c, s, () => {
    valid = false;
    return false;
  });
  return valid;
}
