/**
 * findPlan: the optimal phased plan for a scenario, or a proof that none exists together with
 * what it would take (MODEL.md §5). Orchestrates the per-T MILPs, checks every plan it returns
 * against the analysis engine, and never reports a solver failure as "infeasible".
 */

import type { CompiledScenario } from "../analysis/index.ts";
import {
  type Analysis,
  analyzePlan,
  compileViews,
  EPSILON,
  hasViews,
  mutuallyCredible,
  toReport,
} from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { didYouMean } from "../model/index.ts";
import { earliestStarts, fewestPossiblePhases } from "./bounds.ts";
import { noCrediblePlan } from "./credible.ts";
import { extractPlan } from "./extract.ts";
import { solveLargestSlack } from "./floor.ts";
import { fmt } from "./fmt.ts";
import { MIN_SHARE } from "./formulation.ts";
import { feasibleFit, robustFit } from "./placement-score.ts";
import { mostProgress, progressOf } from "./progress.ts";
import { applyRelaxation, relaxationOf, relaxationSentences } from "./relax.ts";
import { Objective, type PlanStatus } from "./report.ts";
import { safestPlan, safetyFrontier } from "./safety.ts";
import { type SearchTuning, searchSettings } from "./search-settings.ts";
import {
  type Base,
  type Context,
  earliestAmongEqual,
  judge,
  noPlan,
  now,
  type PlanProgress,
  type PlanResult,
  range,
  slackOf,
  solveAt,
  solverError,
} from "./session.ts";

export type { PlanProgress, PlanResult } from "./session.ts";

export interface PlanOptions {
  objective?: Objective;
  /** Most phases a plan may use (default: the scenario's horizon). */
  horizon?: number;
  /** Wall-clock budget for all solves together (default 60 s). */
  timeLimitSeconds?: number;
  /** Every value at the worst end of its range (MODEL.md §1). */
  robust?: boolean;
  /** Only plans credible to every party with a view (MODEL.md §9); the views' rows join the MILP. */
  credible?: boolean;
  signal?: AbortSignal;
  /** Called before each MILP solve, so long searches can show where they are. */
  onProgress?: (step: PlanProgress) => void;
  /** With the safety objective: the largest θ* for each number of phases (MODEL.md §7). */
  frontier?: boolean;
  /**
   * The search's own settings (search-settings.ts), for tests and benchmarks that compare one
   * against another; left out, the defaults. Not a user's option: the plans are the defaults'.
   */
  search?: SearchTuning;
}

/** Options a user got wrong: the CLI prints the message with exit status 2, the server answers 400. */
export class PlanOptionError extends Error {}

export const DEFAULT_TIME_LIMIT = 60;

export function checkPlanOptions(options: PlanOptions): void {
  if (options.objective !== undefined && !Objective.safeParse(options.objective).success) {
    const names = Objective.options;
    throw new PlanOptionError(
      `unknown objective '${options.objective}'${didYouMean(options.objective, names)} (objectives: ${names.join(", ")})`,
    );
  }
  const objective = options.objective ?? (options.frontier ? "safety" : "phases");
  if (options.frontier && objective !== "safety") {
    throw new PlanOptionError(
      `--frontier charts the safety factor against the number of phases; it goes with the safety objective, not '${objective}'`,
    );
  }
  if (options.robust && objective === "safety") {
    throw new PlanOptionError(
      "the safety objective already measures how far the values may move (θ*); it cannot also be --robust",
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

export async function findPlan(scenario: CompiledScenario, options: PlanOptions = {}): Promise<PlanResult> {
  checkPlanOptions(options);
  const objective = options.objective ?? (options.frontier ? "safety" : "phases");
  const robust = options.robust ?? false;
  const credible = (options.credible ?? false) && hasViews(scenario);
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
    // (the plain rules by name: the first plan's scorer recognises them, placement-score.ts)
    fits: credible
      ? (a: Analysis) => (robust ? a.robustlyFeasible : a.feasible) && mutuallyCredible(c, a)
      : robust
        ? robustFit
        : feasibleFit,
    credibleTo: credible ? compileViews(c).map((view) => view.compiled) : undefined,
    search: searchSettings(options.search),
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
  if (credible) {
    ctx.notes.push("credible: every row of every party also holds in each party's view (MODEL.md §9)");
  }
  const base = { objective, robust, ...(credible ? { credible } : {}), notes: ctx.notes, stats: ctx.stats };
  if (objective === "progress") return mostProgress(ctx, base);

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

  if (objective === "safety") {
    const best = await safestPlan(ctx, base, fewest);
    if (!options.frontier) return best;
    const { points, note } = await safetyFrontier(ctx, fewest, best);
    return { ...best, frontier: points, ...(note ? { notes: [...best.notes, note] } : {}) };
  }
  const tries = objective === "phases" ? range(fewest, horizon) : [horizon];
  const slackFirst = objective === "phases" || objective === "slack";
  for (const phases of tries) {
    const [f, result] = slackFirst ? await solveLargestSlack(ctx, phases) : await solveAt(ctx, phases, false);
    if (result.status === "infeasible") continue;
    if (result.status === "error") return solverError(base, result.message ?? "solver failed");
    if (!result.values) {
      const why = `stopped (${result.message ?? "time limit reached"}) at ${phases} phases with no plan yet and no proof that none exists`;
      return noPlan(base, "time-limit", why);
    }
    const plan = extractPlan(c, f, result.values);
    const status: PlanStatus = result.status === "optimal" ? "optimal" : "feasible";
    const judged = await judge(ctx, base, plan, status, f, result);
    return judged.feasible
      ? { ...judged, progress: progressOf(c, analyzePlan(c, judged.plan).schedule) }
      : judged;
  }
  return credible ? noCrediblePlan(c, options, base) : relaxation(ctx, base);
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
  const binding = relaxationSentences(c, relax);
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

function unreachableGoal(c: CompiledScenario, earliest: number[], horizon: number): string {
  const late = c.goal
    .filter((item) => Math.min(...item.map((m) => earliest[m])) > horizon)
    .map((item) => {
      const m = item.reduce((best, n) => (earliest[n] < earliest[best] ? n : best));
      return `'${c.moveIds[m]}' cannot start before phase ${earliest[m]}`;
    });
  return `No plan fits in ${horizon} phases: the prerequisites and their verification lags mean ${late.join("; ")}.`;
}
