/**
 * findPlan: the optimal phased plan for a scenario, or a proof that none exists together with
 * what it would take (MODEL.md §5). Orchestrates the per-T MILPs, checks every plan it returns
 * against the analysis engine, and never reports a solver failure as "infeasible".
 */
import { type Analysis, analyzePlan, EPSILON, toReport } from "../analysis/analyze.ts";
import type { CompiledScenario } from "../analysis/compile.ts";
import type { Plan } from "../model/schema.ts";
import { didYouMean } from "../model/suggest.ts";
import { earliestStarts, fewestPossiblePhases } from "./bounds.ts";
import { clampedSlack, compressPlan, extractPlan, worstSlack } from "./extract.ts";
import { buildFormulation, type Formulation, MIN_SHARE } from "./formulation.ts";
import { applyRelaxation, relaxationOf } from "./relax.ts";
import { Objective, type PlanReport, type PlanStatus } from "./report.ts";
import { type SolveResult, solveMilp } from "./solver.ts";

export interface PlanOptions {
  objective?: Objective;
  /** Most phases a plan may use (default: the scenario's horizon). */
  horizon?: number;
  /** Wall-clock budget for all solves together (default 60 s). */
  timeLimitSeconds?: number;
  /** Every value at the worst end of its range (MODEL.md §1). */
  robust?: boolean;
  signal?: AbortSignal;
  /** Called before each MILP solve, so long searches can show where they are. */
  onProgress?: (step: PlanProgress) => void;
}

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

/** Options a user got wrong: the CLI prints the message with exit status 2, the server answers 400. */
export class PlanOptionError extends Error {}

export const DEFAULT_TIME_LIMIT = 60;

/**
 * How far the tie-break may stray from the optimum (relative). Tighter than this, the extra row
 * fights HiGHS's own feasibility tolerance and the second solve can come back infeasible.
 */
const TIE_TOLERANCE = 1e-7;

/** Agreement between the solver's slack and the analysis's, relative to the values' scale. */
const CHECK_TOLERANCE = 1e-6;

export function checkPlanOptions(options: PlanOptions): void {
  if (options.objective !== undefined && !Objective.safeParse(options.objective).success) {
    const names = Objective.options;
    throw new PlanOptionError(
      `unknown objective '${options.objective}'${didYouMean(options.objective, names)} (objectives: ${names.join(", ")})`,
    );
  }
  const h = options.horizon;
  if (h !== undefined && (!Number.isInteger(h) || h < 1)) {
    throw new PlanOptionError(`horizon must be a whole number of phases, at least 1 (got ${h})`);
  }
  const t = options.timeLimitSeconds;
  if (t !== undefined && !(t > 0))
    throw new PlanOptionError(`time limit must be a positive number of seconds (got ${t})`);
}

interface Context {
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
}

function now(): number {
  return performance.now() / 1000;
}

async function solveAt(ctx: Context, phases: number, relax: boolean): Promise<[Formulation, SolveResult]> {
  const f = buildFormulation(ctx.c, {
    phases,
    values: ctx.values,
    objective: ctx.objective,
    relax,
    earliest: ctx.earliest,
  });
  const model = f.builder.model;
  ctx.stats.variables = model.colLower.length;
  ctx.stats.constraints = model.rowLower.length;
  ctx.stats.nonzeros = model.indices.length;
  ctx.stats.solves += 1;
  const remaining = ctx.deadline - now();
  if (ctx.signal?.aborted || remaining <= 0) {
    return [
      f,
      { status: "limit", seconds: 0, message: ctx.signal?.aborted ? "aborted" : "time limit reached" },
    ];
  }
  // Keep back a little of the budget for checking the plan, so the whole call meets the limit.
  const reserve = Math.min(1, 0.02 * remaining);
  ctx.onProgress?.({ phases, relaxation: relax, solves: ctx.stats.solves - 1, seconds: ctx.stats.seconds });
  const result = await solveMilp(model, { timeLimitSeconds: remaining - reserve, signal: ctx.signal });
  ctx.stats.seconds += result.seconds;
  return [f, result];
}

function scale(c: CompiledScenario): number {
  let largest = 1;
  for (const row of c.values.nominal) for (const v of row) largest = Math.max(largest, Math.abs(v));
  return largest;
}

export async function findPlan(scenario: CompiledScenario, options: PlanOptions = {}): Promise<PlanResult> {
  checkPlanOptions(options);
  const objective = options.objective ?? "phases";
  const robust = options.robust ?? false;
  const horizon = options.horizon ?? scenario.horizon;
  // Plans are judged against the horizon of this search, which the caller may have changed.
  const c = horizon === scenario.horizon ? scenario : { ...scenario, horizon };
  const earliest = earliestStarts(c);
  const ctx: Context = {
    c,
    objective,
    robust,
    horizon,
    values: robust ? c.values.low : c.values.nominal,
    earliest,
    deadline: now() + (options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT),
    signal: options.signal,
    onProgress: options.onProgress,
    stats: { variables: 0, constraints: 0, nonzeros: 0, solves: 0, seconds: 0 },
    notes: [],
  };
  if (horizon > scenario.horizon) {
    ctx.notes.push(
      `horizon raised from ${scenario.horizon} to ${horizon} for this search; the scenario still says ${scenario.horizon}`,
    );
  }
  if (robust) ctx.notes.push("robust: every value at the worst end of its range; minSlack is the worst case");
  if (objective === "nash") {
    ctx.notes.push(
      "nash: log of each party's gain over its reservation approximated by 48 tangents (within 1.5%)",
    );
  }
  if (c.divisible.some(Boolean)) {
    ctx.notes.push(`divisible moves: a share done in any phase is 0 or at least ${MIN_SHARE}`);
  }
  const base = { objective, robust, notes: ctx.notes, stats: ctx.stats };

  const fewest = fewestPossiblePhases(c, earliest);
  if (fewest > horizon) {
    return {
      ...base,
      feasible: false,
      status: "infeasible",
      phases: 0,
      plan: {},
      minSlack: null,
      binding: [unreachableGoal(c, earliest, horizon)],
    };
  }

  const tries = objective === "phases" ? range(fewest, horizon) : [horizon];
  for (const phases of tries) {
    const [f, result] = await solveAt(ctx, phases, false);
    if (result.status === "infeasible") continue;
    if (result.status === "error") return solverError(base, result.message ?? "solver failed");
    if (!result.values) {
      const why = `stopped (${result.message ?? "time limit reached"}) at ${phases} phases with no plan yet and no proof that none exists`;
      return {
        ...base,
        feasible: false,
        status: "time-limit",
        phases: 0,
        plan: {},
        minSlack: null,
        notes: [...base.notes, why],
      };
    }
    const plan = extractPlan(c, f, result.values);
    const status: PlanStatus = result.status === "optimal" ? "optimal" : "feasible";
    return judge(ctx, base, plan, status, f, result);
  }
  return relaxation(ctx, base);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, n) => from + n);
}

type Base = Pick<PlanReport, "objective" | "robust" | "notes" | "stats">;

function solverError(base: Base, message: string): PlanResult {
  return {
    ...base,
    feasible: false,
    status: "solver-error",
    phases: 0,
    plan: {},
    minSlack: null,
    notes: [...base.notes, message],
  };
}

function slackOf(ctx: Context, analysis: Analysis): number {
  return ctx.robust ? worstSlack(analysis) : clampedSlack(analysis);
}

/**
 * Among plans as good as the optimum found, one that does each move as early as it can: a second
 * MILP keeps the first objective within a hair of its optimum and maximises Σ x_k(m). Without it
 * ties fall at the solver's whim (moves spread over the horizon, arbitrary shares of divisible
 * moves). Only used when the first solve proved its optimum and time remains; any doubt keeps
 * the first plan.
 */
async function earliestAmongEqual(
  ctx: Context,
  f: Formulation,
  result: SolveResult,
  accept: (plan: Plan) => boolean,
): Promise<{ plan: Plan; values: Float64Array } | undefined> {
  const remaining = ctx.deadline - now();
  const budget = Math.min(remaining * 0.5, Math.max(1, result.seconds));
  if (budget < 0.2 || ctx.signal?.aborted) return undefined;
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
  second.rowLower.push(first.maximize ? floor : Number.NEGATIVE_INFINITY);
  second.rowUpper.push(first.maximize ? Number.POSITIVE_INFINITY : best + (best - floor));
  ctx.stats.solves += 1;
  const again = await solveMilp(second, { timeLimitSeconds: budget, signal: ctx.signal });
  ctx.stats.seconds += again.seconds;
  if (!again.values) return undefined;
  const plan = extractPlan(ctx.c, f, again.values);
  const objective = terms.reduce((sum, { col, coef }) => sum + coef * again.values![col], 0);
  if (first.maximize ? objective < floor - 1e-9 : objective > best + (best - floor) + 1e-9) return undefined;
  return accept(plan) ? { plan, values: again.values } : undefined;
}

/** Re-analyses the solver's plan; its figures must be the solver's, or the result is an error. */
async function judge(
  ctx: Context,
  base: Base,
  solved: Plan,
  status: PlanStatus,
  f: Formulation,
  result: SolveResult,
): Promise<PlanResult> {
  const first = analyzePlan(ctx.c, solved);
  const fits = (a: Analysis) => (ctx.robust ? a.robustlyFeasible : a.feasible);
  if (!fits(first)) {
    const why = first.violations[0]?.message ?? "not robust across value ranges";
    return solverError(base, `the solver's plan failed the analysis check: ${why}`);
  }
  const solvedSlack = slackOf(ctx, first);
  const solverSlack = result.values![f.slack];
  const slackObjective = ctx.objective === "phases" || ctx.objective === "slack";
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
    objectiveValue: result.objective,
    ...(status === "feasible" && result.gap !== undefined ? { gap: result.gap } : {}),
    analysis: toReport(analysis),
  };
}

/** No plan exists: the least extra tolerance and inducement that would make one, and that plan. */
async function relaxation(ctx: Context, base: Base): Promise<PlanResult> {
  const { c } = ctx;
  const infeasible = { ...base, feasible: false, status: "infeasible" as const };
  const [f, result] = await solveAt(ctx, ctx.horizon, true);
  if (result.status === "error") return solverError(base, result.message ?? "solver failed");
  if (result.status === "infeasible") {
    return {
      ...infeasible,
      phases: 0,
      plan: {},
      minSlack: null,
      binding: [
        `No plan within ${ctx.horizon} phases meets the goal, the prerequisites and every party's reservation, ` +
          "whatever extra tolerance or inducement is offered.",
      ],
    };
  }
  if (!result.values) {
    return {
      ...infeasible,
      phases: 0,
      plan: {},
      minSlack: null,
      notes: [
        ...base.notes,
        "no plan is feasible; the relaxation ran out of time before finding what it would take",
      ],
    };
  }
  // The least relaxation is rarely unique: prefer the plan that does each move earliest.
  const valid = (candidate: Plan) => {
    const a = analyzePlan(c, candidate);
    return a.valid && !a.violations.some((v) => v.kind === "reservation");
  };
  const earliest = result.status === "optimal" ? await earliestAmongEqual(ctx, f, result, valid) : undefined;
  const plan = earliest?.plan ?? extractPlan(c, f, result.values);
  const analysis = analyzePlan(c, plan);
  // σ and μ from the plan's own figures, not the solver's columns (which drift by its tolerance).
  const relax = relaxationOf(analysis, ctx.robust);
  const binding: string[] = [];
  for (const [id, r] of Object.entries(relax)) {
    const i = c.partyIndex.get(id)!;
    const name = c.scenario.parties[i].name ?? id;
    if (r.tolerance > 0) {
      binding.push(
        `${name} would need ${fmt(r.tolerance)} more tolerance (${fmt(c.tolerance[i])} → ${fmt(c.tolerance[i] + r.tolerance)}).`,
      );
    }
    if (r.inducement > 0) {
      binding.push(
        `${name} would need an inducement of ${fmt(r.inducement)} per phase, paid while it keeps to the plan and stopped when it defects.`,
      );
    }
  }
  if (ctx.robust) binding.push(...worstCaseBreaches(c, analysis));
  for (const violation of analysis.violations) binding.push(violation.message);
  const notes = [...base.notes];
  if (result.status !== "optimal") notes.push(`relaxation not proven least (gap ${result.gap ?? "unknown"})`);
  return {
    ...infeasible,
    phases: analysis.phases,
    plan,
    minSlack: slackOf(ctx, analysis),
    ...(result.status !== "optimal" && result.gap !== undefined ? { gap: result.gap } : {}),
    analysis: toReport(analysis),
    relaxation: relax,
    relaxed: applyRelaxation(toReport(analysis), relax),
    binding,
    notes,
  };
}

/** In robust mode the relaxation is about the worst case: say where the plan breaks there. */
function worstCaseBreaches(c: CompiledScenario, analysis: Analysis): string[] {
  const lines: string[] = [];
  c.partyIds.forEach((id, i) => {
    const name = c.scenario.parties[i].name ?? id;
    const worst = analysis.parties[id].worst;
    worst.exposure.forEach((e, k) => {
      if (e > c.tolerance[i] + EPSILON) {
        lines.push(
          `At the worst case of the value ranges, ${name} is exposed ${fmt(e)} after phase ${k}, above its tolerance ${fmt(c.tolerance[i])}.`,
        );
      }
    });
    for (const [k, m] of Object.entries(worst.margin)) {
      if (m < -EPSILON) {
        lines.push(
          `At the worst case of the value ranges, ${name} gains ${fmt(-m)} by walking away in phase ${k}.`,
        );
      }
    }
  });
  return lines;
}

/** Two decimals, or two significant digits for small figures (so a positive one never reads 0.00). */
function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a === 0 || a >= 0.01) return x.toFixed(2);
  return x.toPrecision(2);
}

function unreachableGoal(c: CompiledScenario, earliest: number[], horizon: number): string {
  const late = c.goal
    .filter((item) => Math.min(...item.map((m) => earliest[m])) > horizon)
    .map((item) => {
      const m = item.reduce((best, n) => (earliest[n] < earliest[best] ? n : best));
      return `'${c.moveIds[m]}' cannot start before phase ${earliest[m]}`;
    });
  return `No plan fits in ${horizon} phases: the prerequisites and their verification lags mean ${late.join("; ")}.`;
}
