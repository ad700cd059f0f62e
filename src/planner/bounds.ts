/**
 * What the prerequisites alone imply, before any solving: the earliest phase each move can start
 * (a move waits for each prerequisite to be done and then verified), and from that the fewest
 * phases any valid plan needs. Used to fix variables and to skip horizons that cannot work.
 */
import type { CompiledScenario } from "../analysis/index.ts";

/** Earliest start phase per move (1-based): max over prerequisites p of earliest(p) + lag_p + 1. */
export function earliestStarts(c: CompiledScenario): number[] {
  const M = c.moveIds.length;
  const earliest = new Array<number>(M).fill(0);
  const visit = (m: number): number => {
    if (earliest[m] > 0) return earliest[m];
    // requires is acyclic (validated when the scenario is parsed)
    let start = 1;
    for (const p of c.requires[m]) start = Math.max(start, visit(p) + c.lag[p] + 1);
    earliest[m] = start;
    return start;
  };
  for (let m = 0; m < M; m++) visit(m);
  return earliest;
}

/** The fewest phases any valid plan needs: every goal item's cheapest alternative must fit. */
export function fewestPossiblePhases(c: CompiledScenario, earliest: number[]): number {
  let phases = 1;
  for (const item of c.goal) phases = Math.max(phases, Math.min(...item.map((m) => earliest[m])));
  return phases;
}

/**
 * The latest phase by which each move must be done in every valid plan of T phases, or undefined
 * when a plan may leave it out. A move alone in a goal item must be done by T; a move that such a
 * move requires must be done and verified before that move starts, so by its latest phase minus
 * the prerequisite's lag + 1 (a move starts no later than it is done). Moves that only an `anyOf`
 * item or nothing needs are free. Used to fix x_k(m) = 1 from that phase on (docs/planner.md).
 */
export function latestDone(c: CompiledScenario, T: number): Array<number | undefined> {
  const M = c.moveIds.length;
  const latest = new Array<number | undefined>(M).fill(undefined);
  const dependents: number[][] = Array.from({ length: M }, () => []);
  c.requires.forEach((prereqs, m) => {
    for (const p of prereqs) dependents[p].push(m);
  });
  for (const item of c.goal) if (item.length === 1) latest[item[0]] = T;
  // requires is acyclic: settle a move after every move that requires it, by depth-first search.
  const settled = new Array<boolean>(M).fill(false);
  const visit = (m: number): number | undefined => {
    if (settled[m]) return latest[m];
    settled[m] = true;
    let by = latest[m];
    for (const d of dependents[m]) {
      const dBy = visit(d);
      if (dBy !== undefined) by = Math.min(by ?? dBy - c.lag[m] - 1, dBy - c.lag[m] - 1);
    }
    latest[m] = by;
    return by;
  };
  for (let m = 0; m < M; m++) visit(m);
  return latest;
}
