/**
 * One planner call's search state and the steps every objective shares: building and solving a
 * MILP within the call's time budget, checking a solved plan against the analysis engine, and
 * preferring the earliest of equally good plans. `find.ts` and the objective modules drive these.
 */

import type { CompiledScenario } from "../analysis/index.ts";
import { type Analysis, analyzePlan, robustnessReport, toReport } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { compressPlan, extractPlan, worstSlack } from "./extract.ts";
import { buildFormulation, type Formulation, type FormulationOptions } from "./formulation.ts";
import type { Objective, PlanReport, PlanStatus } from "./report.ts";
import type { SearchSettings } from "./search-settings.ts";
import { type SolveOptions, type SolveResult, solveMilp } from "./solver.ts";

export interface PlanProgress {
  /** Phases of the MILP about to be solved. */
  phases: number;
  /** Solving the relaxation ("what it would take") rather than the plan itself. */
  relaxation: boolean;
  /** MILPs solved so far. */
  solves: number;
  /** Seconds spent in the solver so far. */
  seconds: number;
}

export type PlanResult = PlanReport;

/**
 * How far the tie-break may stray from the optimum (relative). Tighter than this, the extra row
 * fights HiGHS's own feasibility tolerance and the second solve can come back infeasible.
 */
export const TIE_TOLERANCE = 1e-7;

/**
 * The tie-break's budget in solver work: branch-and-bound nodes (HiGHS's `mip_max_nodes`). Work,
 * not seconds, so the plan chosen among equally good ones does not depend on the machine's load: a
 * wall-clock budget of the first solve's time ran out under load and returned another incumbent
 * (planner-threads failed so). Every tie-break of the built-in scenarios and of bench/planner-cases'
 * 20 × 3 × 8 and 40 × 4 × 12 seeds ends in 0–9 nodes, most of its work being the root; HiGHS
 * explores its nodes deterministically, so one that stops here stops with the same incumbent.
 */
export const TIE_BREAK_NODES = 200;

/**
 * What a tie-break solve may spend: TIE_BREAK_NODES nodes, and, as a backstop for a root that does
 * not finish, at most half the call's remaining time (only when time really runs out does the
 * wall clock decide). Undefined: too little time is left (or the call was aborted); the first plan
 * stands.
 */
export function tieBreakBudget(
  ctx: Pick<Context, "deadline" | "signal">,
): Pick<SolveOptions, "timeLimitSeconds" | "nodeLimit"> | undefined {
  const seconds = (ctx.deadline - now()) * 0.5;
  if (seconds < 0.2 || ctx.signal?.aborted) return undefined;
  return { timeLimitSeconds: seconds, nodeLimit: TIE_BREAK_NODES };
}

/** Agreement between the solver's slack and the analysis's, relative to the values' scale. */
export const CHECK_TOLERANCE = 1e-6;

export interface Context {
  c: CompiledScenario;
  objective: Objective;
  robust: boolean;
  horizon: number;
  values: Float64Array[];
  earliest: number[];
  deadline: number;
  signal?: AbortSignal;
  onProgress?: (step: PlanProgress) => void;
  stats: PlanReport["stats"];
  notes: string[];
  /** Whether an analysed plan counts as feasible for this search (robust, interim, …). */
  fits: (analysis: Analysis) => boolean;
  /** Views whose rows must also hold (plan --credible, MODEL.md §9). */
  credibleTo?: CompiledScenario[];
  /** This search's settings (search-settings.ts): the defaults unless a test or benchmark set some. */
  search: SearchSettings;
}

export function now(): number {
  return performance.now() / 1000;
}

/**
 * Builds the MILP for `phases` phases and solves it within `share` of the time left (the rest is
 * kept for what follows, e.g. the floor search of floor.ts).
 */
export async function solveAt(
  ctx: Context,
  phases: number,
  relax: boolean,
  extra: Partial<FormulationOptions> = {},
  share = 1,
  stall?: SolveOptions["stall"],
): Promise<[Formulation, SolveResult]> {
  const f = formulate(ctx, phases, relax, extra);
  reportSize(ctx, f);
  return [f, await solveFormulation(ctx, f, phases, relax, share, stall)];
}

/** The MILP for `phases` phases of this search. */
export function formulate(
  ctx: Context,
  phases: number,
  relax: boolean,
  extra: Partial<FormulationOptions> = {},
): Formulation {
  return buildFormulation(ctx.c, {
    phases,
    values: ctx.values,
    objective: ctx.objective,
    relax,
    earliest: ctx.earliest,
    credibleTo: ctx.credibleTo,
    strengthenings: ctx.search.strengthenings,
    ...extra,
  });
}

/**
 * The model's size as the report's: called by whoever builds the model a plan of the report is a
 * plan of (`solveAt`, the slack search's horizon model), not for the models searched on the way
 * (shorter.ts's).
 */
export function reportSize(ctx: Pick<Context, "stats">, f: Formulation): void {
  const model = f.builder.model;
  ctx.stats.variables = model.colLower.length;
  ctx.stats.constraints = model.rowLower.length;
  ctx.stats.nonzeros = model.indices.length;
}

/**
 * Solves a formulation within `share` of the time left; `start` (some columns' values) is handed
 * to the solver to complete into its first incumbent (HiGHS; other backends ignore it).
 */
export async function solveFormulation(
  ctx: Context,
  f: Formulation,
  phases: number,
  relax: boolean,
  share = 1,
  stall?: SolveOptions["stall"],
  start?: SolveOptions["start"],
): Promise<SolveResult> {
  const model = f.builder.model;
  ctx.stats.solves += 1;
  const remaining = ctx.deadline - now();
  if (ctx.signal?.aborted || remaining <= 0) {
    return { status: "limit", seconds: 0, message: ctx.signal?.aborted ? "aborted" : "time limit reached" };
  }
  // Keep back a little of the budget for checking the plan, so the whole call meets the limit.
  const reserve = Math.min(1, 0.02 * remaining);
  ctx.onProgress?.({ phases, relaxation: relax, solves: ctx.stats.solves - 1, seconds: ctx.stats.seconds });
  const result = await solveMilp(model, {
    timeLimitSeconds: (remaining - reserve) * share,
    signal: ctx.signal,
    ...(stall ? { stall } : {}),
    ...(start ? { start } : {}),
  });
  record(ctx, result);
  return result;
}

/** Adds a solve's time, and the solver that answered, to the call's statistics. */
export function record(ctx: Pick<Context, "stats">, result: SolveResult): void {
  ctx.stats.seconds += result.seconds;
  if (!result.solver) return;
  const known = ctx.stats.solver?.split("; ") ?? [];
  if (!known.includes(result.solver)) ctx.stats.solver = [...known, result.solver].join("; ");
}

export function scale(c: CompiledScenario): number {
  let largest = 1;
  for (const row of c.values.nominal) for (const v of row) largest = Math.max(largest, Math.abs(v));
  return largest;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, n) => from + n);
}

export type Base = Pick<PlanReport, "objective" | "robust" | "notes" | "stats">;

/** No plan, and a note saying why: the solver failed, or time ran out before one was found. */
export function noPlan(base: Base, status: "solver-error" | "time-limit", message: string): PlanResult {
  return {
    ...base,
    feasible: false,
    status,
    phases: 0,
    plan: {},
    minSlack: null,
    notes: [...base.notes, message],
  };
}

export function solverError(base: Base, message: string): PlanResult {
  return noPlan(base, "solver-error", message);
}

export function slackOf(ctx: Context, analysis: Analysis): number {
  return ctx.robust ? worstSlack(analysis) : analysis.minSlack;
}

/**
 * Among plans as good as the optimum found, one that does each move as early as it can: a second
 * MILP keeps the first objective within a hair of its optimum and maximises Σ x_k(m). Without it
 * ties fall at the solver's whim (moves spread over the horizon, arbitrary shares of divisible
 * moves). Only used when the first solve proved its optimum and time remains; its budget is
 * work (tieBreakBudget), so the answer does not depend on load; any doubt keeps the first plan.
 */
export async function earliestAmongEqual(
  ctx: Context,
  f: Formulation,
  result: SolveResult,
  accept: (plan: Plan) => boolean,
): Promise<{ plan: Plan; values: Float64Array } | undefined> {
  const budget = tieBreakBudget(ctx);
  if (!budget) return undefined;
  const first = f.builder.model;
  const best = result.objective!;
  const floor = best - TIE_TOLERANCE * Math.max(1, Math.abs(best));
  const terms = first.colCost.flatMap((coef, col) => (coef === 0 ? [] : [{ col, coef }]));
  const second = structuredClone(first);
  second.colCost = first.colCost.map(() => 0);
  for (const row of f.x) for (let k = 1; k < row.length; k++) second.colCost[row[k]] = 1;
  second.maximize = true;
  for (const { col, coef } of terms) {
    second.indices.push(col);
    second.values.push(coef);
  }
  second.starts.push(second.indices.length);
  second.rowNames?.push("tiebreak.objective");
  second.rowLower.push(first.maximize ? floor : Number.NEGATIVE_INFINITY);
  second.rowUpper.push(first.maximize ? Number.POSITIVE_INFINITY : best + (best - floor));
  ctx.stats.solves += 1;
  const again = await solveMilp(second, { ...budget, signal: ctx.signal });
  record(ctx, again);
  if (!again.values) return undefined;
  const plan = extractPlan(ctx.c, f, again.values);
  const objective = terms.reduce((sum, { col, coef }) => sum + coef * again.values![col], 0);
  if (first.maximize ? objective < floor - 1e-9 : objective > best + (best - floor) + 1e-9) return undefined;
  return accept(plan) ? { plan, values: again.values } : undefined;
}

/** Re-analyses the solver's plan; its figures must be the solver's, or the result is an error. */
export async function judge(
  ctx: Context,
  base: Base,
  solved: Plan,
  status: PlanStatus,
  f: Formulation,
  result: SolveResult,
): Promise<PlanResult> {
  const first = analyzePlan(ctx.c, solved);
  const fits = ctx.fits;
  if (!fits(first)) {
    const why = first.violations[0]?.message ?? "not robust across value ranges";
    return solverError(base, `the solver's plan failed the analysis check: ${why}`);
  }
  const solvedSlack = slackOf(ctx, first);
  const solverSlack = result.values![f.slack];
  // The last solve of the progress objective maximises the slack at a fixed progress.
  const slackObjective = ["phases", "slack", "progress", "safety"].includes(ctx.objective);
  if (
    slackObjective &&
    status === "optimal" &&
    Math.abs(solvedSlack - solverSlack) > CHECK_TOLERANCE * scale(ctx.c)
  ) {
    return solverError(base, `solver slack ${solverSlack} differs from the analysed plan's ${solvedSlack}`);
  }
  // Prefer the earliest of equally good plans. Objectives other than fewest phases are solved at
  // the full horizon: there, also drop idle phases that change nothing (slack must not fall).
  const asGood = (candidate: Plan) => {
    const a = analyzePlan(ctx.c, candidate);
    return fits(a) && slackOf(ctx, a) >= solvedSlack - TIE_TOLERANCE * Math.max(1, Math.abs(solvedSlack));
  };
  let plan = solved;
  if (status === "optimal") plan = (await earliestAmongEqual(ctx, f, result, asGood))?.plan ?? solved;
  if (ctx.objective !== "phases") plan = compressPlan(plan, asGood);
  const analysis = plan === solved ? first : analyzePlan(ctx.c, plan);
  return {
    ...base,
    feasible: true,
    status,
    phases: analysis.phases,
    plan,
    minSlack: slackOf(ctx, analysis),
    // the analysis's own document figure, rounded as `analyze --json` prints it
    safety: robustnessReport(ctx.c, analysis).safety,
    objectiveValue: result.objective,
    ...(status === "feasible" && result.gap !== undefined ? { gap: result.gap } : {}),
    analysis: toReport(analysis),
  };
}
