/**
 * Interim agreements (MODEL.md §8): the feasible interim plan with the most progress, then the
 * fewest phases, then the largest minimum slack; and for every goal item it leaves undone, why.
 *
 * Three steps, each a MILP family the other objectives already use:
 * 1. complete plans first: for T = the fewest phases the goal allows, …, horizon, the largest
 *    minimum slack of an interim plan with progress 1. The first T that has one is the answer
 *    (P* = 1, and a shorter plan embeds in a longer one). This is the default objective's search
 *    on the interim model, so when the whole goal can be done, progress costs what phases costs;
 * 2. otherwise the most progress P* < 1 any interim plan makes within the horizon (one solve at
 *    T = horizon), then for T = 1, 2, …: the largest minimum slack of an interim plan with
 *    progress ≥ P*; the first T that has one is the answer;
 * 3. for each item not fully done, the default objective's best plan forced to complete it,
 *    together with every item the interim plan completes: its first violation is the reason.
 */

import type { CompiledScenario, Schedule } from "../analysis/index.ts";
import { type Analysis, analyzePlan, EPSILON } from "../analysis/index.ts";
import type { GoalItem, Plan } from "../model/index.ts";
import { earliestStarts, fewestPossiblePhases } from "./bounds.ts";
import { extractPlan, worstSlack } from "./extract.ts";
// find.ts imports this module too: a cycle, harmless since each side calls the other only at run time
import { findPlan } from "./find.ts";
import { solveLargestSlack } from "./floor.ts";
import type { Deferred, PlanStatus } from "./report.ts";
import {
  type Base,
  type Context,
  judge,
  now,
  type PlanResult,
  range,
  record,
  solveAt,
  solverError,
} from "./session.ts";

/** Progress = Σ_g W_g d_g / Σ_g W_g, d_g the largest x_T among the item's moves (MODEL.md §8). */
export function progressOf(c: CompiledScenario, schedule: Schedule): number {
  const xT = schedule.x[schedule.phases] ?? new Float64Array(c.moveIds.length);
  let done = 0;
  let total = 0;
  c.goal.forEach((item, g) => {
    const w = c.goalWeight[g];
    total += w;
    done += w * Math.max(0, ...item.map((m) => Math.min(1, xT[m] ?? 0)));
  });
  return total > 0 ? Math.round((done / total) * 1e9) / 1e9 : 1;
}

/** Feasible as an interim plan: every row holds and the plan is valid, the goal aside. */
export function interimFeasible(analysis: Analysis, robust: boolean): boolean {
  if (analysis.violations.some((v) => v.kind !== "goal")) return false;
  if (!robust) return true;
  return (
    worstSlack(analysis) >= -EPSILON &&
    Object.values(analysis.parties).every((p) => p.worst.final >= p.reservation - EPSILON)
  );
}

/** The formulation options of the plain largest-slack search (a complete plan). */
const PLAIN = { objective: "slack" } as const;

/** How much a progress figure may fall short of P* and still count as reaching it. */
const PROGRESS_TOLERANCE = 1e-7;

export async function mostProgress(ctx: Context, base: Base): Promise<PlanResult> {
  const { c, horizon } = ctx;
  const interim = { interim: true } as const;
  ctx.fits = (a) => interimFeasible(a, ctx.robust);
  const infeasible = { ...base, feasible: false, phases: 0, plan: {}, minSlack: null };

  // Step 1: the whole goal, from the fewest phases its prerequisites allow.
  const fewest = fewestPossiblePhases(c, earliestStarts(c));
  const complete = await largestSlack(ctx, base, range(fewest, horizon), 1);
  if (complete !== undefined) return complete;

  const [, best] = await solveAt(ctx, horizon, false, { ...interim, objective: "progress" });
  if (best.status === "error") return solverError(base, best.message ?? "solver failed");
  if (best.status === "infeasible") {
    return {
      ...infeasible,
      status: "infeasible",
      binding: ["Not even an empty plan is feasible: some party's reservation is above the status quo."],
    };
  }
  if (!best.values || best.objective === undefined)
    return timeLimit(infeasible, "looking for the most progress");
  const target = Math.max(0, best.objective - PROGRESS_TOLERANCE);
  if (best.objective <= PROGRESS_TOLERANCE) {
    // Nothing can be done now: only the empty plan is feasible, and every item is deferred.
    const nothing = { ...infeasible, status: "infeasible" as const, progress: 0 };
    return withDeferred(ctx, nothing, {});
  }

  const found = await largestSlack(ctx, base, range(1, horizon), target);
  // P* was reached at the horizon, so some T ≤ horizon has it; getting here means the solver erred.
  return found ?? solverError(base, "the most progress found at the horizon was not reached again");
}

/**
 * For each number of phases in turn, the interim plan with the largest minimum slack among those
 * with progress ≥ `least`; the first T with one gives the answer (with its deferred items).
 * Undefined when no T has one.
 */
async function largestSlack(
  ctx: Context,
  base: Base,
  tries: number[],
  least: number,
): Promise<PlanResult | undefined> {
  const { c } = ctx;
  const infeasible = { ...base, feasible: false, phases: 0, plan: {}, minSlack: null };
  for (const phases of tries) {
    // Progress 1 asks for an ordinary complete plan (MODEL.md §8), so that search is the plain one,
    // which starts from the analysis's first plan (incumbent.ts) as the default objective's does.
    const extra = least >= 1 ? PLAIN : { interim: true, objective: "slack" as const, minProgress: least };
    const [f, result] = await solveLargestSlack(ctx, phases, extra);
    if (result.status === "infeasible") continue;
    if (result.status === "error") return solverError(base, result.message ?? "solver failed");
    if (!result.values) return timeLimit(infeasible, `at ${phases} phases`);
    const plan = extractPlan(c, f, result.values);
    const judged = await judge(ctx, base, plan, statusOf(result.status), f, result);
    if (!judged.feasible) return judged;
    const progress = progressOf(c, analyzePlan(c, judged.plan).schedule);
    return withDeferred(ctx, { ...judged, progress }, judged.plan);
  }
  return undefined;
}

function statusOf(status: string): PlanStatus {
  return status === "optimal" ? "optimal" : "feasible";
}

function timeLimit(report: Omit<PlanResult, "status">, where: string): PlanResult {
  return {
    ...report,
    status: "time-limit",
    notes: [...report.notes, `stopped (time limit reached) ${where}, with no plan yet`],
  };
}

/** Adds `deferred`: every goal item the plan does not fully do, each with why (MODEL.md §8). */
async function withDeferred(ctx: Context, report: PlanResult, plan: Plan): Promise<PlanResult> {
  const { c } = ctx;
  const xT = finalState(c, plan);
  const complete = c.goal.map((item) => item.some((m) => xT[m] >= 1 - EPSILON));
  const items: GoalItem[] = c.scenario.goal ?? c.moveIds;
  const deferred: Deferred[] = [];
  for (const [g, item] of c.goal.entries()) {
    if (complete[g]) continue;
    const forced = c.goal.filter((_, h) => h === g || complete[h]);
    deferred.push({ item: items[g], reason: await whyDeferred(ctx, forced, item) });
  }
  return { ...report, deferred };
}

function finalState(c: CompiledScenario, plan: Plan): Float64Array {
  const s = analyzePlan(c, plan).schedule;
  return s.x[s.phases] ?? new Float64Array(c.moveIds.length);
}

/**
 * The default objective's best plan when the item must be done along with what the interim plan
 * completes: its first violation, or why there is no such plan. Uses `findPlan` itself.
 */
async function whyDeferred(ctx: Context, forced: number[][], item: number[]): Promise<string> {
  const remaining = ctx.deadline - now();
  if (remaining <= 0.05) return "not determined within the time limit";
  const c: CompiledScenario = { ...ctx.c, goal: forced, goalWeight: forced.map(() => 1) };
  const names = item.map((m) => `'${c.moveIds[m]}'`).join(" or ");
  const best = await findPlan(c, {
    horizon: ctx.horizon,
    robust: ctx.robust,
    timeLimitSeconds: remaining,
    signal: ctx.signal,
    search: ctx.search,
  });
  ctx.stats.solves += best.stats.solves;
  for (const solver of best.stats.solver?.split("; ") ?? [])
    record(ctx, { status: "optimal", seconds: 0, solver });
  ctx.stats.seconds += best.stats.seconds;
  if (best.feasible) {
    return `${names} can be done with the items this plan completes, but only by giving up more progress elsewhere`;
  }
  const first = best.analysis?.violations.find((v) => v.kind !== "goal");
  if (first) return first.message;
  if (best.status === "infeasible") return "no valid plan within the horizon";
  return "not determined within the time limit";
}
