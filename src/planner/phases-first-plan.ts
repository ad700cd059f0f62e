/**
 * The first plan of the phases objective (docs/planner.md, "A first plan for the phases
 * objective"): the placement search (placement-search.ts) with divisible moves split over two
 * phases where that raises the score, by the minimum slack and then by the least rows (leximin).
 */
import { MIN_SHARE } from "./formulation.ts";
import {
  dependantsOf,
  exceeds,
  improvePlacement,
  type Judge,
  judgeOf,
  type Placement,
  placementWindow,
  type Score,
  type SearchBudget,
  type Splits,
} from "./placement-search.ts";
import { type Context, now } from "./session.ts";

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
