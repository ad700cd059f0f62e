/**
 * A first plan for the largest-slack search, built without a MILP (docs/planner.md, "A first plan
 * from the analysis"). On large scenarios the direct MILP can spend its whole share of the time at
 * the root without finding any plan (the 200 × 6 × 40 benchmark: none in 28.5 CPU-s), and a floor
 * probe's first plan only clears s ≥ 0. Every move at its earliest legal phase (the `simultaneous`
 * doctrine of MODEL.md §5) is a valid plan whenever it fits in the phases, and a local search over
 * single moves, each judged by the analysis itself, raises its minimum slack quickly (that
 * benchmark: 23.3 → 44.3 in a few seconds). The plan is only a starting point: the MILP and the
 * floor probes still decide what is proven.
 *
 * This module holds the first plan's budget and turns its plan into the solver's start; the search
 * is placement-search.ts (the slack objective's first plan), with splits and leximin for the phases
 * objective in phases-first-plan.ts.
 */
import { analyzeSchedule } from "../analysis/index.ts";
import type { Formulation } from "./formulation.ts";
import { phasesFirstPlan } from "./phases-first-plan.ts";
import { scoreOfAnalysis } from "./placement-score.ts";
import {
  earliestPlacement,
  improvePlacement,
  type Placement,
  placementSchedule,
  type Splits,
} from "./placement-search.ts";
import { type Context, now } from "./session.ts";

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
