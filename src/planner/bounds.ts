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

/**
 * Whether party i's exposure rows can depend on move m: m survives a collapse in part (κ > 0) and
 * i's value for it is not identically 0 (MODEL.md v2 §5; the formulation's "touched" rows).
 */
export function touchesExposure(c: CompiledScenario, i: number, m: number): boolean {
  return c.kappa[m] !== 0 && (c.values.low[i][m] !== 0 || c.values.high[i][m] !== 0);
}

/**
 * The most party i's exposure row can be in the first phase in which it depends on a value, when
 * every valid plan of T phases makes it depend on one; undefined otherwise (docs/planner.md, "The
 * first touch"). In that phase k₀ every move credited to i was credited there for the first time,
 * and none of them has an ancestor (a prerequisite, or one of its prerequisites, ...) that touches
 * i's rows: such an ancestor is done, and so credited to i (credit lag ≤ its verification lag),
 * before its dependant starts, i.e. before k₀. So the row is at most τ_i plus the gains (value
 * times κ, at most a whole move each) of the touching moves without a touching ancestor that can be
 * credited by k₀; k₀ is at most the phase by which a required touching move must be credited.
 * `latest` is `latestDone`'s answer (a move with a latest phase is done in every valid plan) and
 * `possible[m]` is false for a move no plan may do.
 */
export function firstTouchCap(
  c: CompiledScenario,
  values: Float64Array[],
  earliest: number[],
  latest: Array<number | undefined>,
  possible: boolean[],
  i: number,
  T: number,
): number | undefined {
  const M = c.moveIds.length;
  let by = Number.POSITIVE_INFINITY;
  for (let m = 0; m < M; m++) {
    const done = latest[m];
    if (done !== undefined && possible[m] && touchesExposure(c, i, m))
      by = Math.min(by, done + c.creditLag[i][m]);
  }
  if (by > T) return undefined; // some valid plan may leave i's exposure rows untouched
  // requires is acyclic: whether a move has an ancestor that touches i's rows, settled depth first
  const tainted = new Array<boolean | undefined>(M);
  const taint = (m: number): boolean => {
    const known = tainted[m];
    if (known !== undefined) return known;
    tainted[m] = c.requires[m].some((p) => touchesExposure(c, i, p) || taint(p));
    return tainted[m]!;
  };
  let cap = c.tolerance[i];
  for (let m = 0; m < M; m++) {
    if (!possible[m] || !touchesExposure(c, i, m) || earliest[m] + c.creditLag[i][m] > by || taint(m))
      continue;
    cap += Math.max(0, values[i][m] * c.kappa[m]);
  }
  return cap;
}
