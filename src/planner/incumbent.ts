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
  type Analysis,
  analyzeSchedule,
  type CompiledScenario,
  type Schedule,
  scheduleFromDeltas,
} from "../analysis/index.ts";
import type { Formulation } from "./formulation.ts";
import { type Context, now, slackOf } from "./session.ts";

/**
 * Switches and budget of the first plan; tests and benchmarks turn it off to compare. The budget is
 * work (plans analysed), so the plan it returns does not depend on the machine's load; the wall
 * clock only caps it, so that a loaded machine still keeps the call's time limit.
 */
export const firstPlan = {
  enabled: true,
  /**
   * At most this many plans analysed. The 200 × 6 × 40 benchmark reaches its local optimum (49.33)
   * after 4,246 (docs/planner.md), 2.3–3.6 CPU-s; small scenarios stop at their local optimum
   * long before.
   */
  evaluations: 8000,
  /** And at most this share of the time left, whatever the work done. */
  share: 0.3,
};

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

/** The trajectory of a placement (each move done in one phase), as the analysis reads plans. */
export function placementSchedule(c: CompiledScenario, at: Placement): Schedule {
  const M = c.moveIds.length;
  const phases = Math.max(1, ...at);
  const delta = Array.from({ length: phases + 1 }, () => new Float64Array(M));
  at.forEach((k, m) => {
    if (k > 0) delta[k][m] = 1;
  });
  return scheduleFromDeltas(delta, M);
}

/** Higher is better: the minimum slack of a feasible plan, below 0 for any other. */
function score(ctx: Context, a: Analysis): number {
  if (!a.valid) return Number.NEGATIVE_INFINITY;
  const slack = slackOf(ctx, a);
  return ctx.fits(a) ? slack : Math.min(slack, -1e-9);
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
): { at: Placement; slack: number; evaluations: number } {
  const { c } = ctx;
  let evaluations = 0;
  const judge = (placement: Placement) => {
    evaluations++;
    return score(ctx, analyzeSchedule(c, placementSchedule(c, placement)));
  };
  const spent = () => evaluations >= budget.evaluations || now() >= budget.until;
  const at = [...start];
  const dependants: number[][] = c.moveIds.map(() => []);
  c.requires.forEach((reqs, m) => {
    for (const p of reqs) dependants[p].push(m);
  });
  const alone = new Set(c.goal.filter((item) => item.length === 1).map((item) => item[0]));
  let best = judge(at);
  const steps = [1, -1, 2, -2, 3, -3, 5, -5, 8, -8];
  for (;;) {
    let improved = false;
    for (let m = 0; m < at.length; m++) {
      if (at[m] === 0) continue;
      // where m may go: after each prerequisite is done and verified, before each dependant starts
      let low = Math.max(1, ctx.earliest[m]);
      for (const p of c.requires[m]) low = Math.max(low, at[p] + c.lag[p] + 1);
      let high = phases;
      for (const d of dependants[m]) if (at[d] > 0) high = Math.min(high, at[d] - c.lag[m] - 1);
      const options = steps.map((step) => at[m] + step).filter((k) => k >= low && k <= high);
      if (!alone.has(m) && dependants[m].every((d) => at[d] === 0)) options.push(0);
      const was = at[m];
      for (const k of options) {
        if (spent()) return { at, slack: best, evaluations };
        at[m] = k;
        const s = judge(at);
        if (s > best + 1e-9 * Math.max(1, Math.abs(best))) {
          best = s;
          improved = true;
          break;
        }
        at[m] = was;
      }
      if (at[m] !== was || was >= phases) continue;
      // m one phase later, and every dependant that must then wait with it
      if (spent()) return { at, slack: best, evaluations };
      const pushed = [...at];
      // (without a dependant to move this is the step of one phase tried above)
      if (
        !push(c, dependants, pushed, m, was + 1, phases) ||
        pushed.every((k, n) => n === m || k === at[n])
      ) {
        continue;
      }
      const s = judge(pushed);
      if (s > best + 1e-9 * Math.max(1, Math.abs(best))) {
        best = s;
        improved = true;
        at.splice(0, at.length, ...pushed);
      }
    }
    if (!improved) return { at, slack: best, evaluations };
  }
}

/** Puts m in phase k and moves each dependant (transitively) just late enough; false past `phases`. */
function push(
  c: CompiledScenario,
  dependants: number[][],
  at: Placement,
  m: number,
  k: number,
  phases: number,
) {
  if (k > phases) return false;
  at[m] = k;
  for (const d of dependants[m]) {
    const due = k + c.lag[m] + 1;
    if (at[d] > 0 && at[d] < due && !push(c, dependants, at, d, due, phases)) return false;
  }
  return true;
}

/**
 * A placement as the formulation's columns: x_k(m) (done by phase k) and, for a divisible move,
 * a_k(m) (it advances in k). Only these are read (floor.ts fixes them and solves for the rest).
 */
export function placementColumns(f: Formulation, at: Placement, columns: number): Float64Array {
  const values = new Float64Array(columns);
  at.forEach((phase, m) => {
    if (phase === 0) return;
    const row = f.x[m];
    for (let k = phase; k < row.length; k++) values[row[k]] = 1;
    const act = f.active[m];
    if (act) values[act[phase]] = 1;
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
 * plan. Spends at most `firstPlan.share` of the time left (and `firstPlan.most` seconds).
 */
export function firstPlanOf(ctx: Context, f: Formulation, phases: number): FirstPlan | undefined {
  if (!firstPlan.enabled) return undefined;
  const start = earliestPlacement(ctx.c, ctx.earliest, phases);
  const until = now() + firstPlan.share * Math.max(0, ctx.deadline - now());
  const { at, slack } = improvePlacement(ctx, phases, start, { until, evaluations: firstPlan.evaluations });
  if (!(slack >= 0)) return undefined;
  const model = f.builder.model;
  const columns = placementColumns(f, at, model.colLower.length);
  // HiGHS completes a start given by its integer columns alone (it fixes them and solves the LP),
  // which costs less than solving that LP here first.
  const indices: number[] = [];
  for (const row of [...f.x, ...f.active]) {
    for (let k = 1; k < (row?.length ?? 0); k++) if (model.integer[row![k]]) indices.push(row![k]);
  }
  return { columns, start: { indices, values: indices.map((col) => columns[col]) } };
}
