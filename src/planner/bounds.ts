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
