/**
 * The local search over placements behind every first plan (incumbent.ts): each move in one phase
 * (or left out), moved one at a time, nearest phase first, or pushed later with the dependants that
 * must wait, and kept when the plan's score rises (docs/planner.md, "A first plan from the
 * analysis"). The slack objective's first plan is this search alone; the phases objective's adds
 * splits and leximin (phases-first-plan.ts). Steps are scored by `judgeOf`: the incremental scorer
 * (placement-score.ts) or a full analysis, the same scores either way.
 */
import {
  analyzeSchedule,
  type CompiledScenario,
  type Schedule,
  scheduleFromDeltas,
} from "../analysis/index.ts";
import { type Score, scoreOfAnalysis, scorerFor } from "./placement-score.ts";
import { type Context, now } from "./session.ts";

export type { Score } from "./placement-score.ts";

/** When the local search stops: at `until` (seconds, `now()`) or after `evaluations` analyses. */
export interface SearchBudget {
  until: number;
  evaluations: number;
}

/** A phase per move (1..T), or 0 when the plan leaves it out. */
export type Placement = number[];

/**
 * Every move at its earliest legal phase (each prerequisite done and verified first), or left out
 * when that phase is after `phases`: the `simultaneous` doctrine cut to the phases at hand. Its
 * moves follow their prerequisites by construction; whether it does the goal is the analysis's
 * to say (an anyOf item may have only late alternatives).
 */
export function earliestPlacement(c: CompiledScenario, earliest: number[], phases: number): Placement {
  return c.moveIds.map((_, m) => (earliest[m] <= phases ? earliest[m] : 0));
}

/**
 * A divisible move done over two phases: `share` of it in the phase its placement gives it, the
 * rest in the later phase `then` (docs/planner.md, "A first plan for the phases objective").
 */
export interface Split {
  then: number;
  share: number;
}

/** Per move, its split, or undefined when the move is done in one phase (or left out). */
export type Splits = Array<Split | undefined>;

/** The phase by which a move is done: its placement's, or its split's second phase. */
function doneAt(at: Placement, splits: Splits | undefined, m: number): number {
  return splits?.[m]?.then ?? at[m];
}

/** Per move, the moves that require it (the reverse of `c.requires`). */
export function dependantsOf(c: CompiledScenario): number[][] {
  const dependants: number[][] = c.moveIds.map(() => []);
  c.requires.forEach((reqs, m) => {
    for (const p of reqs) dependants[p].push(m);
  });
  return dependants;
}

/**
 * The phases move m may start in, the rest of the placement held: after each prerequisite is done
 * (a split one in its second phase) and verified, before each placed dependant starts.
 */
export function placementWindow(
  ctx: Context,
  at: Placement,
  splits: Splits | undefined,
  dependants: number[][],
  m: number,
  phases: number,
): { low: number; high: number } {
  const { c } = ctx;
  let low = Math.max(1, ctx.earliest[m]);
  for (const p of c.requires[m]) low = Math.max(low, doneAt(at, splits, p) + c.lag[p] + 1);
  let high = phases;
  for (const d of dependants[m]) if (at[d] > 0) high = Math.min(high, at[d] - c.lag[m] - 1);
  return { low, high };
}

/**
 * The trajectory of a placement (each move done in one phase, or a split move in two), as the
 * analysis reads plans.
 */
export function placementSchedule(c: CompiledScenario, at: Placement, splits?: Splits): Schedule {
  const M = c.moveIds.length;
  let phases = 1;
  at.forEach((k, m) => {
    phases = Math.max(phases, k > 0 ? doneAt(at, splits, m) : 0);
  });
  const delta = Array.from({ length: phases + 1 }, () => new Float64Array(M));
  at.forEach((k, m) => {
    if (k === 0) return;
    const split = splits?.[m];
    delta[k][m] = split ? split.share : 1;
    if (split) delta[split.then][m] = 1 - split.share;
  });
  return scheduleFromDeltas(delta, M);
}

/**
 * How the local search ranks plans (`Score`, placement-score.ts): the minimum slack of a feasible
 * plan (below 0 for any other), then (when `depth` > 1, for a feasible plan) the next least slacks
 * of the rows in the minimum slack, in order, up to `depth` figures in all. Compared in that order
 * (leximin), a step that frees one of two rows tied at the minimum counts as a gain, so the search
 * crosses the plateaus where the minimum only rises once several rows have moved (the 60 × 4 × 20
 * benchmark's optima lie past such plateaus, docs/planner.md).
 */
export type Judge = (at: Placement, splits: Splits | undefined, depth: number) => Score;

/**
 * The search's judge: the incremental scorer where the rows alone decide feasibility
 * (`scorerFor`), else a full analysis of every placement. Both give the same scores.
 */
export function judgeOf(ctx: Context): Judge {
  const scorer = ctx.search.firstPlan.incremental ? scorerFor(ctx) : undefined;
  if (scorer) return (at, splits, depth) => scorer.score(at, splits, depth);
  return (at, splits, depth) =>
    scoreOfAnalysis(ctx, analyzeSchedule(ctx.c, placementSchedule(ctx.c, at, splits)), depth);
}

/** `a` ranks above `b`: at the first figure where they differ by more than rounding, a's is higher. */
export function exceeds(a: Score, b: Score): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const tolerance = 1e-9 * Math.max(1, Math.abs(b[i]));
    if (a[i] > b[i] + tolerance) return true;
    if (a[i] < b[i] - tolerance) return false;
  }
  return false;
}

/**
 * First-improvement local search: move one move to another phase (nearest first), leave out a
 * move no goal item needs on its own, or push a move one phase later together with every
 * dependant that must then wait, keeping every prerequisite before its dependants, and keep the
 * change when the analysis's minimum slack rises. Stops at a local optimum or when the budget is
 * spent. Moves are visited in order, so for a given number of evaluations the result is the same
 * on any machine; `evaluations` is how many plans it analysed.
 */
export function improvePlacement(
  ctx: Context,
  phases: number,
  start: Placement,
  budget: SearchBudget,
  how: { splits?: Splits; depth?: number; judge?: Judge } = {},
): { at: Placement; slack: number; score: Score; evaluations: number } {
  const { c } = ctx;
  const { splits, depth = 1 } = how;
  const scoreOf = how.judge ?? judgeOf(ctx);
  let evaluations = 0;
  const judge = (placement: Placement) => {
    evaluations++;
    return scoreOf(placement, splits, depth);
  };
  const spent = () => evaluations >= budget.evaluations || now() >= budget.until;
  const at = [...start];
  const dependants = dependantsOf(c);
  const alone = new Set(c.goal.filter((item) => item.length === 1).map((item) => item[0]));
  let best = judge(at);
  const steps = [1, -1, 2, -2, 3, -3, 5, -5, 8, -8];
  for (;;) {
    let improved = false;
    for (let m = 0; m < at.length; m++) {
      // (a split move stays where splitting put it; only the moves around it are moved)
      if (at[m] === 0 || splits?.[m]) continue;
      const { low, high } = placementWindow(ctx, at, splits, dependants, m, phases);
      const options = steps.map((step) => at[m] + step).filter((k) => k >= low && k <= high);
      if (!alone.has(m) && dependants[m].every((d) => at[d] === 0)) options.push(0);
      const was = at[m];
      for (const k of options) {
        if (spent()) return { at, slack: best[0], score: best, evaluations };
        at[m] = k;
        const s = judge(at);
        if (exceeds(s, best)) {
          best = s;
          improved = true;
          break;
        }
        at[m] = was;
      }
      if (at[m] !== was || was >= phases) continue;
      // m one phase later, and every dependant that must then wait with it
      if (spent()) return { at, slack: best[0], score: best, evaluations };
      const pushed = [...at];
      // (without a dependant to move this is the step of one phase tried above)
      if (
        !push(c, dependants, pushed, m, was + 1, phases, splits) ||
        pushed.every((k, n) => n === m || k === at[n])
      ) {
        continue;
      }
      const s = judge(pushed);
      if (exceeds(s, best)) {
        best = s;
        improved = true;
        at.splice(0, at.length, ...pushed);
      }
    }
    if (!improved) return { at, slack: best[0], score: best, evaluations };
  }
}

/**
 * Puts m in phase k and moves each dependant (transitively) just late enough; false past `phases`,
 * or when a split move would have to move.
 */
function push(
  c: CompiledScenario,
  dependants: number[][],
  at: Placement,
  m: number,
  k: number,
  phases: number,
  splits?: Splits,
) {
  if (k > phases || splits?.[m]) return false;
  at[m] = k;
  for (const d of dependants[m]) {
    const due = k + c.lag[m] + 1;
    if (at[d] > 0 && at[d] < due && !push(c, dependants, at, d, due, phases, splits)) return false;
  }
  return true;
}
