/**
 * A first plan for the largest-slack search, built without a MILP (docs/planner.md, "A first plan
 * from the analysis"). On large scenarios the direct MILP can spend its whole share of the time at
 * the root without finding any plan (the 200 × 6 × 40 benchmark: none in 28.5 CPU-s), and a floor
 * probe's first plan only clears s ≥ 0. Every move at its earliest legal phase (the `simultaneous`
 * doctrine of MODEL.md §5) is a valid plan whenever it fits in the phases, and a local search over
 * single moves, each judged by the analysis itself, raises its minimum slack quickly (that
 * benchmark: 23.3 → 44.3 in a few seconds). The plan is only a starting point: the MILP and the
 * floor probes still decide what is proven.
 */
import {
  analyzeSchedule,
  type CompiledScenario,
  type Schedule,
  scheduleFromDeltas,
} from "../analysis/index.ts";
import { type Formulation, MIN_SHARE } from "./formulation.ts";
import { type Score, scoreOfAnalysis, scorerFor } from "./placement-score.ts";
import { type Context, now } from "./session.ts";

export type { Score } from "./placement-score.ts";

/**
 * Switches and budget of the first plan, by default; a search reads its own from
 * `ctx.search.firstPlan` (tests and benchmarks turn it off or change it through findPlan's `search`
 * option, to compare). The budget is work (plans analysed), so the plan it returns does not depend
 * on the machine's load; the wall clock only caps it, so that a loaded machine still keeps the
 * call's time limit.
 */
export const FIRST_PLAN = Object.freeze({
  enabled: true,
  /**
   * At most this many plans analysed. The 200 × 6 × 40 benchmark reaches its local optimum (49.33)
   * after 4,246 (docs/planner.md), 2.3–3.6 CPU-s; small scenarios stop at their local optimum
   * long before.
   */
  evaluations: 8000,
  /** And at most this share of the time left, whatever the work done. */
  share: 0.3,
  /**
   * Score each step with the incremental scorer (placement-score.ts: the same figures as a full
   * analysis, from the rows the step touches); false analyses every step in full, to compare.
   */
  incremental: true,
  /** Split divisible moves over two phases (`splitMoves`), for the phases objective. */
  split: true,
  /** How many of the least row slacks the phases objective's search compares (`Score`). */
  depth: 3,
  /**
   * Golden-section steps per share tried (`splitMoves`): 6 give the share to about 5 %; HiGHS
   * then sets it exactly when it completes the start.
   */
  shareSteps: 6,
});

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
function dependantsOf(c: CompiledScenario): number[][] {
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
function placementWindow(
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
 * Splits divisible moves over two neighbouring phases where that raises the plan's score. With the
 * shape fixed (which moves happen in which phases, hence every detection lag) each row of the
 * figures is linear in the shares, so the minimum slack is concave in one move's share and a
 * golden-section search finds its best share. Each divisible move done in one phase k is tried
 * as k and k + 1, and as k − 1 and k, where its prerequisites and dependants allow; the first
 * improvement is kept, and the pass repeats until none is found or the budget is spent. Changes
 * `at` and `splits` in place; returns the score reached and the plans analysed.
 */
export function splitMoves(
  ctx: Context,
  phases: number,
  at: Placement,
  splits: Splits,
  from: Score,
  budget: SearchBudget,
  depth = 1,
  scoreOf: Judge = judgeOf(ctx),
): { score: Score; evaluations: number } {
  const { c } = ctx;
  let evaluations = 0;
  const spent = () => evaluations >= budget.evaluations || now() >= budget.until;
  const dependants = dependantsOf(c);
  let best = from;
  // the best share of m between phases first and then, and its score
  const tune = (m: number, first: number, then: number): [number, Score] => {
    const was = at[m];
    at[m] = first;
    const judge = (share: number) => {
      evaluations++;
      splits[m] = { then, share };
      return scoreOf(at, splits, depth);
    };
    const ratio = (Math.sqrt(5) - 1) / 2;
    let lo = MIN_SHARE;
    let hi = 1 - MIN_SHARE;
    let a = hi - ratio * (hi - lo);
    let b = lo + ratio * (hi - lo);
    let fa = judge(a);
    let fb = judge(b);
    for (let n = 0; n < ctx.search.firstPlan.shareSteps && !spent(); n++) {
      if (!exceeds(fb, fa)) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - ratio * (hi - lo);
        fa = judge(a);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + ratio * (hi - lo);
        fb = judge(b);
      }
    }
    at[m] = was;
    splits[m] = undefined;
    return exceeds(fb, fa) ? [b, fb] : [a, fa];
  };
  for (let improved = true; improved; ) {
    improved = false;
    for (let m = 0; m < at.length; m++) {
      const k = at[m];
      if (!c.divisible[m] || k === 0 || splits[m]) continue;
      const { low, high } = placementWindow(ctx, at, splits, dependants, m, phases);
      const pairs: Array<[number, number]> = [];
      if (k + 1 <= high) pairs.push([k, k + 1]);
      if (k - 1 >= low) pairs.push([k - 1, k]);
      for (const [first, then] of pairs) {
        if (spent()) return { score: best, evaluations };
        const [share, s] = tune(m, first, then);
        if (exceeds(s, best)) {
          best = s;
          at[m] = first;
          splits[m] = { then, share };
          improved = true;
          break;
        }
      }
    }
  }
  return { score: best, evaluations };
}

/**
 * The local search of `improvePlacement` and the splits of `splitMoves` in turn, until neither
 * improves the plan or the budget is spent: the first plan of the phases objective, whose optimal
 * plans often split a divisible move over two phases (docs/planner.md).
 */
export function improveWithSplits(
  ctx: Context,
  phases: number,
  start: Placement,
  budget: SearchBudget,
  depth = 1,
  splits: Splits = start.map(() => undefined),
  judge: Judge = judgeOf(ctx),
): { at: Placement; splits: Splits; slack: number; evaluations: number } {
  let at = start;
  let evaluations = 0;
  const left = () => ({ until: budget.until, evaluations: budget.evaluations - evaluations });
  for (;;) {
    const moved = improvePlacement(ctx, phases, at, left(), { splits, depth, judge });
    evaluations += moved.evaluations;
    at = moved.at;
    if (!(moved.slack >= 0)) return { at, splits, slack: moved.slack, evaluations };
    const split = splitMoves(ctx, phases, at, splits, moved.score, left(), depth, judge);
    evaluations += split.evaluations;
    if (!exceeds(split.score, moved.score)) return { at, splits, slack: split.score[0], evaluations };
  }
}

/**
 * The first plan of the phases objective: the local search with splits by the minimum slack alone,
 * then again from there by the least `FIRST_PLAN.depth` row slacks (`Score`). Leximin from the start
 * reaches a worse plan on some benchmark seeds (it follows other steps first); after the plain
 * search it can only keep or raise the minimum slack.
 */
export function phasesFirstPlan(
  ctx: Context,
  phases: number,
  start: Placement,
  budget: SearchBudget,
): { at: Placement; splits: Splits; slack: number; evaluations: number } {
  const judge = judgeOf(ctx);
  const plain = improveWithSplits(ctx, phases, start, budget, 1, undefined, judge);
  if (!(plain.slack >= 0) || ctx.search.firstPlan.depth <= 1) return plain;
  const left = { until: budget.until, evaluations: budget.evaluations - plain.evaluations };
  const deeper = improveWithSplits(
    ctx,
    phases,
    plain.at,
    left,
    ctx.search.firstPlan.depth,
    plain.splits,
    judge,
  );
  return { ...deeper, evaluations: plain.evaluations + deeper.evaluations };
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

/**
 * A placement as the formulation's columns: x_k(m) (done by phase k) and, for a divisible move,
 * a_k(m) (it advances in k). Only these are read (floor.ts fixes them and solves for the rest).
 */
export function placementColumns(
  f: Formulation,
  at: Placement,
  columns: number,
  splits?: Splits,
): Float64Array {
  const values = new Float64Array(columns);
  at.forEach((phase, m) => {
    if (phase === 0) return;
    const row = f.x[m];
    const split = splits?.[m];
    const done = split?.then ?? phase;
    for (let k = phase; k < row.length; k++) values[row[k]] = k < done ? split!.share : 1;
    const act = f.active[m];
    if (act) values[act[phase]] = 1;
    if (act && split) values[act[split.then]] = 1;
  });
  return values;
}

/** The first plan's columns, and the same as a solver start: only its integer columns, by index. */
export interface FirstPlan {
  columns: Float64Array;
  start: { indices: number[]; values: number[] };
}

/**
 * The first plan for `phases` phases, or undefined when the local search ends without a feasible
 * plan. Spends at most `share` of the time left (`ctx.search.firstPlan`), and `evaluations` plans.
 */
export function firstPlanOf(ctx: Context, f: Formulation, phases: number): FirstPlan | undefined {
  const firstPlan = ctx.search.firstPlan;
  if (!firstPlan.enabled) return undefined;
  const start = earliestPlacement(ctx.c, ctx.earliest, phases);
  const until = now() + firstPlan.share * Math.max(0, ctx.deadline - now());
  const budget = { until, evaluations: firstPlan.evaluations };
  // Splits for the phases objective only (the slack objective's search is the slack work's).
  const { at, splits } =
    firstPlan.split && ctx.objective === "phases"
      ? phasesFirstPlan(ctx, phases, start, budget)
      : { ...improvePlacement(ctx, phases, start, budget), splits: undefined };
  // The full analysis judges the plan the search returns (its steps were scored incrementally).
  const [slack] = scoreOfAnalysis(ctx, analyzeSchedule(ctx.c, placementSchedule(ctx.c, at, splits)), 1);
  if (!(slack >= 0)) return undefined;
  const model = f.builder.model;
  const columns = placementColumns(f, at, model.colLower.length, splits);
  // HiGHS completes a start given by its integer columns alone (it fixes them and solves the LP),
  // which costs less than solving that LP here first.
  const indices: number[] = [];
  for (const row of [...f.x, ...f.active]) {
    for (let k = 1; k < (row?.length ?? 0); k++) if (model.integer[row![k]]) indices.push(row![k]);
  }
  return { columns, start: { indices, values: indices.map((col) => columns[col]) } };
}
