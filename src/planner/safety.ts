/**
 * The safety objective and the frontier (MODEL.md §7): the plan within the horizon with the
 * largest safety factor θ* (capped at 100), then the fewest phases, then the largest minimum
 * slack; and, for each number of phases, the largest θ* a plan with at most that many achieves.
 *
 * Every row of a plan is linear in the values with non-negative coefficients (docs/planner.md), so
 * "θ*(P) ≥ θ" is exactly: P is feasible with every value moved to v̂ − θ·w (its worst end scaled by
 * θ), and P uses no move with an uncertain value whose sign θ·w could flip (|v̂|/w < θ, the θ_sign
 * cap). For a fixed θ that is the ordinary MILP with a second table of values and some moves left
 * out. The largest θ is found by bisection in log space, where every feasible probe returns a plan
 * whose own θ* (from the analysis, `safety`) raises the lower bound at once; it stops when the
 * bounds are within a relative 10⁻³, which MODEL.md counts as optimal.
 */

import type { CompiledScenario, Safety } from "../analysis/index.ts";
import { analyzePlan, robustnessReport, safety } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { extractPlan } from "./extract.ts";
import { solveLargestSlack } from "./floor.ts";
import type { FrontierPoint, PlanStatus } from "./report.ts";
import {
  type Base,
  type Context,
  judge,
  noPlan,
  type PlanResult,
  range,
  solveAt,
  solverError,
} from "./session.ts";

/** θ* above this counts as this (MODEL.md §7); an unbounded θ* is this too. */
export const SAFETY_CAP = 100;
/** Bounds within this relative distance count as the optimum (MODEL.md §7). */
export const SAFETY_TOLERANCE = 1e-3;
/** Below this, bisection works on absolute rather than relative distance. */
const SMALLEST = 1e-6;

/** The plan's θ* as the objective ranks it: capped at 100, unbounded as 100; undefined if infeasible. */
export function rankedTheta(s: Safety | null): number | undefined {
  if (!s) return undefined;
  return s.unbounded || s.theta === null ? SAFETY_CAP : Math.min(SAFETY_CAP, s.theta);
}

export function planSafety(c: CompiledScenario, plan: Plan): Safety | null {
  return safety(c, analyzePlan(c, plan));
}

/** Every value moved by θ·w towards the end that lowers every row (the low end). */
function shiftedValues(c: CompiledScenario, theta: number): Float64Array[] {
  return c.values.nominal.map((row, i) =>
    row.map((v, m) => v - (theta * (c.values.high[i][m] - c.values.low[i][m])) / 2),
  );
}

/** Moves with an uncertain value that θ·w could turn from a cost into a benefit (or back). */
function signRisk(c: CompiledScenario, theta: number): boolean[] {
  return c.moveIds.map((_, m) =>
    c.partyIds.some((_, i) => {
      const w = (c.values.high[i][m] - c.values.low[i][m]) / 2;
      return w > 0 && Math.abs(c.values.nominal[i][m]) / w < theta;
    }),
  );
}

/**
 * An upper bound on θ* known before any solve: a goal item whose every alternative has a value
 * that θ·w could turn from a cost into a benefit (or back) cannot be done at that θ (θ_sign, §7),
 * so no valid plan has θ* above the least, over goal items, of the largest such limit among the
 * item's alternatives. Capped at SAFETY_CAP.
 */
export function goalSignCap(c: CompiledScenario): number {
  const moveCap = (m: number) => {
    let cap = SAFETY_CAP;
    c.partyIds.forEach((_, i) => {
      const w = (c.values.high[i][m] - c.values.low[i][m]) / 2;
      if (w > 0) cap = Math.min(cap, Math.abs(c.values.nominal[i][m]) / w);
    });
    return cap;
  };
  let cap = SAFETY_CAP;
  for (const item of c.goal) cap = Math.min(cap, Math.max(...item.map(moveCap)));
  return cap;
}

interface Probe {
  plan: Plan;
  theta: number;
}

type Outcome = { kind: "plan"; probe: Probe } | { kind: "none" } | { kind: "stop"; message: string };

/** Is there a plan with at most `phases` phases and θ* ≥ θ? If so, it and its own θ*. */
async function probe(ctx: Context, phases: number, theta: number): Promise<Outcome> {
  const [f, result] = await solveAt(ctx, phases, false, {
    objective: "safety",
    alsoFeasibleAt: theta > 0 ? [shiftedValues(ctx.c, theta)] : [],
    excluded: theta > 0 ? signRisk(ctx.c, theta) : undefined,
  });
  if (result.status === "infeasible") return { kind: "none" };
  if (!result.values) return { kind: "stop", message: result.message ?? "time limit reached" };
  const plan = extractPlan(ctx.c, f, result.values);
  const own = rankedTheta(planSafety(ctx.c, plan));
  if (own === undefined) return { kind: "stop", message: "the solver's plan failed the analysis check" };
  return { kind: "plan", probe: { plan, theta: Math.max(own, 0) } };
}

export interface BestTheta {
  theta: number;
  plan: Plan;
  /** Every probe was answered (not cut short by the time limit). */
  proven: boolean;
}

/**
 * The largest θ* of a plan with at most `phases` phases, within a relative 10⁻³. `known`: a θ no
 * such plan reaches, when the caller has already found one (else the a-priori cap is tried first).
 */
export async function largestTheta(
  ctx: Context,
  phases: number,
  start?: Probe,
  known?: number,
): Promise<BestTheta | undefined | { stopped: string }> {
  let best = start;
  let hi = known ?? goalSignCap(ctx.c);
  // Ask for the a-priori bound first: on many scenarios some goal move's value is within one
  // half-width of 0, and one feasibility probe at that θ settles the search.
  if (known === undefined && hi > 0 && (best === undefined || best.theta < hi / (1 + SAFETY_TOLERANCE))) {
    const top = await probe(ctx, phases, hi);
    if (top.kind === "stop") {
      if (best) return { theta: best.theta, plan: best.plan, proven: false };
      return { stopped: top.message };
    }
    if (top.kind === "plan") {
      return { theta: Math.max(top.probe.theta, hi), plan: top.probe.plan, proven: true };
    }
  }
  if (!best) {
    const first = await probe(ctx, phases, 0);
    if (first.kind === "none") return undefined;
    if (first.kind === "stop") return { stopped: first.message };
    best = first.probe;
  }
  for (let n = 0; n < 60 && best.theta < hi / (1 + SAFETY_TOLERANCE) && hi - best.theta > SMALLEST; n++) {
    const lo = best.theta;
    const middle =
      lo < SMALLEST ? Math.min(hi, Math.max(2 * SMALLEST, Math.sqrt(SMALLEST * hi))) : Math.sqrt(lo * hi);
    const theta = Math.min(hi, Math.max(middle, lo * (1 + SAFETY_TOLERANCE)));
    const next = await probe(ctx, phases, theta);
    if (next.kind === "stop") return { theta: best.theta, plan: best.plan, proven: false };
    if (next.kind === "none") hi = theta;
    else best = { plan: next.probe.plan, theta: Math.max(next.probe.theta, theta) };
  }
  return { theta: best.theta, plan: best.plan, proven: true };
}

/**
 * `--objective safety`: the largest θ* within the horizon, then the fewest phases with a plan that
 * reaches it (within 10⁻³), then the largest minimum slack among those.
 *
 * The a-priori cap (`goalSignCap`) comes first, searched the way the default objective searches:
 * for T = fewest, …, the largest slack of a plan with θ* at the cap. The first T with one is the
 * answer (no plan does better than the cap, and this is the fewest phases, then the largest
 * slack), with no solve at the full horizon. Only when no T reaches the cap does the bisection
 * run, with the cap as its known upper end.
 */
export async function safestPlan(ctx: Context, base: Base, fewest: number): Promise<PlanResult> {
  const cap = goalSignCap(ctx.c);
  let known: number | undefined;
  if (cap > 0) {
    const direct = await largestSlackAt(ctx, base, fewest, cap, true);
    if (direct !== undefined) return direct;
    known = cap;
  }
  const found = await largestTheta(ctx, ctx.horizon, undefined, known);
  if (found === undefined)
    return { ...base, feasible: false, status: "infeasible", phases: 0, plan: {}, minSlack: null };
  if ("stopped" in found) return stopped(base, found.stopped);
  const settled = await largestSlackAt(ctx, base, fewest, found.theta, found.proven);
  if (settled !== undefined && settled.status !== "time-limit") return settled;
  // Time ran out (or rounding kept every T from the target): the plan the search found stands.
  const a = analyzePlan(ctx.c, found.plan);
  return {
    ...base,
    feasible: a.feasible,
    status: "feasible",
    phases: a.phases,
    plan: found.plan,
    minSlack: a.minSlack,
    safety: robustnessReport(ctx.c, a).safety,
    notes: [
      ...base.notes,
      "fewest phases and largest slack at this safety factor not settled before the time limit",
    ],
  };
}

function stopped(base: Base, message: string): PlanResult {
  return noPlan(base, "time-limit", message);
}

/**
 * For T = fewest, …, horizon: the plan with the largest minimum slack among those with θ* ≥ θ; the
 * first T with one is the answer. Undefined when no T has one; status time-limit when the time ran
 * out before any T answered.
 */
async function largestSlackAt(
  ctx: Context,
  base: Base,
  fewest: number,
  theta: number,
  proven: boolean,
): Promise<PlanResult | undefined> {
  // θ reaches the optimum within 10⁻³; asking the same of the fewest-phases plan keeps it within
  // 10⁻³ too (a lower target could compound the two).
  const target = theta * (1 - 1e-9);
  ctx.fits = (a) => a.feasible && (rankedTheta(safety(ctx.c, a)) ?? -1) >= target - 1e-9;
  for (const phases of range(fewest, ctx.horizon)) {
    const [f, result] = await solveLargestSlack(ctx, phases, {
      objective: "slack",
      alsoFeasibleAt: target > 0 ? [shiftedValues(ctx.c, target)] : [],
      excluded: target > 0 ? signRisk(ctx.c, target) : undefined,
    });
    if (result.status === "infeasible") continue;
    if (result.status === "error") return solverError(base, result.message ?? "solver failed");
    if (!result.values) return stopped(base, result.message ?? "time limit reached");
    const status: PlanStatus = result.status === "optimal" && proven ? "optimal" : "feasible";
    return judge(ctx, base, extractPlan(ctx.c, f, result.values), status, f, result);
  }
  return undefined;
}

export interface Frontier {
  points: FrontierPoint[];
  /** Why the frontier leaves out some numbers of phases (the time limit), if it does. */
  note?: string;
}

/**
 * For each T from the fewest feasible phases to the horizon: the largest θ* and its plan.
 *
 * `safest` is the safety objective's answer. When it is proven (status optimal: its θ* within
 * 10⁻³ of the best within the horizon, and no plan with fewer phases reaching it), it is every
 * point from its own number of phases on: θ*(T) only grows with T and is at most the horizon's.
 * Those points cost no solve; only the points below it are searched, each with the safest θ* as a
 * bound no such plan reaches. If the time limit stops the search, the remaining points are the
 * safest plan found that fits (the last point's, or the safest plan), marked unproven, and a note
 * says so: the frontier used to come back empty, silently, when the safest plan's search had used
 * the call's time (under load, where 60 s of wall clock was about 5 CPU-s).
 */
export async function safetyFrontier(ctx: Context, fewest: number, safest?: PlanResult): Promise<Frontier> {
  const points: FrontierPoint[] = [];
  const known = safest?.status === "optimal" ? knownPoint(ctx, safest) : undefined;
  const last = known ? known.from - 1 : ctx.horizon;
  let previous: Probe | undefined;
  let stopped: { at: number; why: string } | undefined;
  for (const phases of range(fewest, last)) {
    // A plan with fewer phases embeds in one with more, so the last answer is a valid start.
    const found = await largestTheta(ctx, phases, previous, known?.target);
    if (found === undefined) continue;
    if ("stopped" in found) {
      stopped = { at: phases, why: found.stopped };
      break;
    }
    previous = { plan: found.plan, theta: found.theta };
    points.push(pointOf(ctx, phases, found.plan, found.theta, found.proven));
  }
  let note: string | undefined;
  if (stopped) {
    const fallback = safest?.feasible ? probeOf(ctx, safest.plan) : undefined;
    const fallbackFrom = safest?.phases ?? Number.POSITIVE_INFINITY;
    for (const phases of range(stopped.at, last)) {
      let best = previous;
      if (fallback && fallbackFrom <= phases && (!best || fallback.theta > best.theta)) best = fallback;
      if (best) points.push(pointOf(ctx, phases, best.plan, best.theta, false));
    }
    note = `the frontier from ${stopped.at} phases on is not proven: the time limit came first (${stopped.why}); those points are the safest plans found that fit`;
  }
  if (known) {
    for (const phases of range(known.from, ctx.horizon)) points.push({ ...known.point, phases });
  }
  return note ? { points, note } : { points };
}

function pointOf(ctx: Context, phases: number, plan: Plan, theta: number, proven: boolean): FrontierPoint {
  const s = robustnessReport(ctx.c, analyzePlan(ctx.c, plan)).safety;
  return { phases, theta, proven, safety: s, plan };
}

function probeOf(ctx: Context, plan: Plan): Probe | undefined {
  const theta = rankedTheta(planSafety(ctx.c, plan));
  return theta === undefined ? undefined : { plan, theta: Math.max(theta, 0) };
}

/** The proven safest plan as a frontier point, the first T it answers, and the θ* below it. */
function knownPoint(ctx: Context, safest: PlanResult) {
  const own = probeOf(ctx, safest.plan);
  if (own === undefined || !safest.safety) return undefined;
  const point = { theta: own.theta, proven: true, safety: safest.safety, plan: safest.plan };
  // largestSlackAt found no plan with fewer phases at the search's target (its θ less a hair),
  // which is at most this plan's own θ*
  return { point, from: Math.max(1, safest.phases), target: own.theta * (1 - 1e-9) };
}
