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
import type { FrontierPoint, PlanStatus } from "./report.ts";
import { type Base, type Context, judge, type PlanResult, range, solveAt, solverError } from "./session.ts";

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

/** The largest θ* of a plan with at most `phases` phases, within a relative 10⁻³. */
export async function largestTheta(
  ctx: Context,
  phases: number,
  start?: Probe,
): Promise<BestTheta | undefined | { stopped: string }> {
  let best = start;
  if (!best) {
    const first = await probe(ctx, phases, 0);
    if (first.kind === "none") return undefined;
    if (first.kind === "stop") return { stopped: first.message };
    best = first.probe;
  }
  let hi = SAFETY_CAP;
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
 */
export async function safestPlan(ctx: Context, base: Base, fewest: number): Promise<PlanResult> {
  const found = await largestTheta(ctx, ctx.horizon);
  if (found === undefined)
    return { ...base, feasible: false, status: "infeasible", phases: 0, plan: {}, minSlack: null };
  if ("stopped" in found) {
    return {
      ...base,
      feasible: false,
      status: "time-limit",
      phases: 0,
      plan: {},
      minSlack: null,
      notes: [...base.notes, found.stopped],
    };
  }
  // The plan found reaches found.theta, which is within 10⁻³ of the optimum; asking the same of
  // the fewest-phases plan keeps it within 10⁻³ too (a lower target could compound the two).
  const target = found.theta * (1 - 1e-9);
  ctx.fits = (a) => a.feasible && (rankedTheta(safety(ctx.c, a)) ?? -1) >= target - 1e-9;
  for (const phases of range(fewest, ctx.horizon)) {
    const [f, result] = await solveAt(ctx, phases, false, {
      objective: "slack",
      alsoFeasibleAt: target > 0 ? [shiftedValues(ctx.c, target)] : [],
      excluded: target > 0 ? signRisk(ctx.c, target) : undefined,
    });
    if (result.status === "infeasible") continue;
    if (result.status === "error") return solverError(base, result.message ?? "solver failed");
    if (!result.values) break;
    const status: PlanStatus = result.status === "optimal" && found.proven ? "optimal" : "feasible";
    const judged = await judge(ctx, base, extractPlan(ctx.c, f, result.values), status, f, result);
    return judged;
  }
  // Time ran out (or rounding kept every T from the target): the plan the search found stands.
  const a = analyzePlan(ctx.c, found.plan);
  return {
    ...base,
    feasible: a.feasible,
    status: "feasible",
    phases: a.phases,
    plan: found.plan,
    minSlack: a.minSlack,
    notes: [
      ...base.notes,
      "fewest phases and largest slack at this safety factor not settled before the time limit",
    ],
  };
}

/** For each T from the fewest feasible phases to the horizon: the largest θ* and its plan. */
export async function safetyFrontier(ctx: Context, fewest: number): Promise<FrontierPoint[]> {
  const points: FrontierPoint[] = [];
  let previous: Probe | undefined;
  for (const phases of range(fewest, ctx.horizon)) {
    // A plan with fewer phases embeds in one with more, so the last answer is a valid start.
    const found = await largestTheta(ctx, phases, previous);
    if (found === undefined) continue;
    if ("stopped" in found) break;
    previous = { plan: found.plan, theta: found.theta };
    const s = robustnessReport(ctx.c, analyzePlan(ctx.c, found.plan)).safety;
    points.push({ phases, theta: found.theta, proven: found.proven, safety: s, plan: found.plan });
  }
  return points;
}
