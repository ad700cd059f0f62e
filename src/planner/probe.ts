/**
 * The floor search's two building blocks (docs/planner.md, "When the bound stalls"): a probe (the
 * largest-slack MILP with s held at or above a floor, no objective, the lag indicators integer)
 * and the polish that raises a plan to the best slack of its own shape. floor.ts drives them at
 * the search's own number of phases, shorter.ts on a model with fewer phases.
 */

import { analyzePlan } from "../analysis/index.ts";
import { extractPlan } from "./extract.ts";
import type { Formulation } from "./formulation.ts";
import { type Context, now, record, slackOf } from "./session.ts";
import { type SolveOptions, type SolveResult, solveMilp } from "./solver.ts";

/** A plan that passed the analysis: its columns, its slack (the analysis's) and its phases. */
export interface Best {
  values: Float64Array;
  slack: number;
  phases: number;
}

/**
 * One probe: is there a plan of `f` with s ≥ floor? Infeasible proves no plan of f's phases
 * clears the floor; a plan answers it (to the solver's tolerance: the caller analyses it).
 */
export async function probe(
  ctx: Context,
  f: Formulation,
  floor: number,
  seconds: number,
  highsOptions?: SolveOptions["highsOptions"],
): Promise<SolveResult> {
  const model = structuredClone(f.builder.model);
  model.colLower[f.slack] = floor;
  model.colCost = model.colCost.map(() => 0);
  for (const col of f.lags) model.integer[col] = true;
  ctx.stats.solves += 1;
  const result = await solveMilp(model, { timeLimitSeconds: seconds, signal: ctx.signal, highsOptions });
  record(ctx, result);
  return result;
}

/** HiGHS's own feasibility tolerances (its defaults), looser than the planner's 1e-9. */
const HIGHS_DEFAULTS = { primal_feasibility_tolerance: 1e-7, mip_feasibility_tolerance: 1e-6 };

/**
 * After HiGHS called a probe infeasible: a plan better than `better` that it finds for the same
 * probe at its default tolerances and that passes the analysis, or undefined when there is none,
 * and the infeasible answer stands. At the planner's 1e-9 tolerances HiGHS's presolve has called a
 * feasible probe infeasible (B seed 4 of the 60×4×20 benchmark: s ≥ 18.125 at 6 phases, "infeasible"
 * in 0.1 s, where GLPK and HiGHS at its defaults find plans; the floor search then reported 18.229 as
 * the optimum of 18.333). A plan the looser solve finds only counts if the analysis, the judge,
 * finds it better by more than a tie: a plan that clears the floor only by the looser tolerance is
 * the same plan as the best one. Other backends ignore HiGHS's options, so for them it is not tried.
 */
export async function missedPlan(
  ctx: Context,
  f: Formulation,
  infeasible: SolveResult,
  floor: number,
  seconds: number,
  better: number,
): Promise<Best | undefined> {
  if (!infeasible.solver?.startsWith("HiGHS") || ctx.signal?.aborted || seconds <= 0.05) return undefined;
  const looser = await probe(ctx, f, floor, seconds, HIGHS_DEFAULTS);
  if (!looser.values) return undefined;
  const found = await polished(ctx, f, looser.values, ctx.search.floor.polish);
  return found !== undefined && found.slack > better ? found : undefined;
}

/**
 * The plan in these values, raised to the largest slack of its own shape: the same model with the
 * shape fixed (which indivisible moves are done by which phase, and in which phases each divisible
 * move advances) and s maximised, a MILP whose integer part presolve settles (the touch and lag
 * indicators follow from the fixed states), so it costs about one LP. A probe's plan only clears its
 * floor, and a divisible move's shares can usually be moved to clear more; without this the probes
 * just above the best plan kept finding plans a hair better (docs/planner.md). Undefined if the
 * plan fails the analysis's check; `raise` false (the floor search's `polish`) only checks it.
 */
export async function polished(
  ctx: Context,
  f: Formulation,
  values: Float64Array,
  raise: boolean,
): Promise<Best | undefined> {
  const own = judged(ctx, f, values);
  if (own === undefined) return undefined;
  const remaining = ctx.deadline - now();
  if (!raise || ctx.signal?.aborted || remaining <= 0.1) return own;
  const model = structuredClone(f.builder.model);
  model.colCost = model.colCost.map(() => 0);
  model.colCost[f.slack] = 1;
  model.maximize = true;
  const fix = (col: number) => {
    if (!model.integer[col]) return;
    const v = Math.round(values[col]);
    model.colLower[col] = v;
    model.colUpper[col] = v;
  };
  for (const row of f.x) for (let k = 1; k < row.length; k++) fix(row[k]);
  for (const row of f.active) for (let k = 1; k < (row?.length ?? 0); k++) fix(row![k]);
  ctx.stats.solves += 1;
  const result = await solveMilp(model, {
    timeLimitSeconds: Math.min(remaining * 0.5, 5),
    signal: ctx.signal,
  });
  record(ctx, result);
  if (!result.values) return own;
  const better = judged(ctx, f, result.values);
  return better !== undefined && better.slack > own.slack ? better : own;
}

/** The plan in these values and its slack by the analysis; undefined if it fails the check. */
export function judged(ctx: Context, f: Formulation, values: Float64Array): Best | undefined {
  const analysis = analyzePlan(ctx.c, extractPlan(ctx.c, f, values));
  if (!ctx.fits(analysis)) return undefined;
  return { values, slack: slackOf(ctx, analysis), phases: analysis.phases };
}
