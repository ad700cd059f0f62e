/**
 * Raising the floor: an exact search for the largest minimum slack when the direct MILP ("maximise
 * s") stalls or runs out of its share of the time without a proof (docs/planner.md, "When the
 * bound stalls").
 *
 * The direct MILP's bound can stall far above the optimum (B seed 2 of bench/objectives.ts: 34.37
 * against 29.05), yet the same model with s fixed at a floor and no objective is a feasibility
 * question that HiGHS settles much faster: presolve and propagation use the floor in every slack
 * row, and the lag indicators g, declared integer in these probes, then switch off whole phases of
 * a party. So the search probes floors: a probe with a plan raises the best slack to that plan's
 * own (analysed) slack, an infeasible one lowers the upper bound to its floor. While the two are
 * far apart it probes halfway; then just above the best plan (by TIE_TOLERANCE, relative), and
 * that probe being infeasible proves the best plan optimal to within that tolerance. Once an
 * infeasible probe (or the direct MILP's bound, when below the column's) caps the slack, one
 * "maximise s" held between the best plan and that cap (the bracketed solve) usually settles the
 * rest in a single tree; if it stops at its share of the time, its plan and bound feed the probes.
 * For the slack objective, when the direct MILP stopped in its root, plans come first from probes
 * on a model with fewer phases (shorter.ts), whose floors are cheap to decide but bound nothing here.
 */

import type { Formulation, FormulationOptions } from "./formulation.ts";
import { firstPlanOf } from "./incumbent.ts";
import { type Best, missedPlan, polished, probe } from "./probe.ts";
import {
  type Context,
  formulate,
  now,
  record,
  reportSize,
  solveAt,
  solveFormulation,
  TIE_TOLERANCE,
} from "./session.ts";
import { shorterPlans } from "./shorter.ts";
import type { SolveResult } from "./solver.ts";
import { solveMilp } from "./solver.ts";

/**
 * How the time of a slack search is shared, by default (a search reads its own from
 * `ctx.search.floor`; tests and benchmarks change it through findPlan's `search` option).
 * `firstShare`: the direct MILP's share of the time left (the rest is for the probes). `probesOnly` skips the direct MILP (tests use it to exercise every
 * step of the probe search on small scenarios, which the direct MILP proves at once).
 */
export const FLOOR_SEARCH = Object.freeze({
  firstShare: 0.6,
  /** The same with a first plan from the analysis (incumbent.ts): the probes get more. */
  seededShare: 0.15,
  /**
   * The direct MILP's stall rule, in work (LP iterations), so that where it hands over to the
   * probes does not depend on the machine's load: it stops once it has a plan, has done
   * `stallAfter` LP iterations, and its bound has not moved for the last `stallQuiet` share of
   * them. 20,000 is where the rule it replaced (a tenth of the time left, on the wall clock) let
   * B seed 2 of the benchmarks stop near idle with a 60 s limit: about 9.5 CPU-s, its bound
   * settled at 34.37 after fewer than 6,000 (docs/benchmarks.md, "Ninth session").
   */
  stallAfter: 20_000,
  stallQuiet: 0.5,
  probesOnly: false,
  polish: true,
  /** Below this relative gap the next probe asks for just above the best plan. */
  close: 0.02,
  /**
   * After the first infeasible probe, maximise s once more with s held between the best plan and
   * that probe's floor (the bracketed solve, below); `bracketShare` is its share of the time left.
   */
  bracket: true,
  bracketShare: 0.6,
});

/** Slack within this of a plan's is a tie (the probes' step above the best plan). */
const tieOf = (slack: number) => TIE_TOLERANCE * Math.max(1, Math.abs(slack));

/** Probes per search, at most (each one halves the gap or raises the best plan). */
const MOST_PROBES = 40;

/**
 * The largest minimum slack at `phases` phases: the direct MILP within its share of the time, then,
 * if it stopped at its limit, the floor search with the rest. The result reads like a direct
 * solve's: `optimal` with the best plan's values (s set to its slack) when proven, `infeasible`
 * when no plan exists, `limit` (with the best plan found, if any, and its gap) when time ran out.
 */
export async function solveLargestSlack(
  ctx: Context,
  phases: number,
  extra: Partial<FormulationOptions> = {},
): Promise<[Formulation, SolveResult]> {
  if (ctx.search.floor.probesOnly) {
    const [f] = await solveAt(ctx, phases, false, extra, 0);
    return [f, await raiseFloor(ctx, f, undefined, undefined, shortenable(ctx, phases, extra))];
  }
  const f = formulate(ctx, phases, false, extra);
  reportSize(ctx, f);
  // A plan from the analysis first (incumbent.ts), for the plain search only (extra rows, as the
  // safety objective's, are not the analysis's to check): the direct MILP starts from it, and
  // with it the probes take over sooner.
  const seed = isPlain(extra) ? firstPlanOf(ctx, f, phases) : undefined;
  // The direct MILP keeps going while its bound moves; once it has a plan and its bound has stood
  // still for half its LP iterations (after `stallAfter` of them), the probes take over.
  const stall = { after: ctx.search.floor.stallAfter, quiet: ctx.search.floor.stallQuiet };
  const share = seed ? ctx.search.floor.seededShare : ctx.search.floor.firstShare;
  const first = await solveFormulation(ctx, f, phases, false, share, stall, seed?.start);
  if (first.status !== "limit" || ctx.signal?.aborted) return [f, first];
  return [f, await raiseFloor(ctx, f, first, seed?.columns, shortenable(ctx, phases, extra))];
}

/** No rows beyond the ordinary formulation's: at most the objective, and that a largest-slack one. */
function isPlain(extra: Partial<FormulationOptions>): boolean {
  return Object.entries(extra).every(
    ([key, value]) => key === "objective" && (value === "slack" || value === "phases"),
  );
}

/**
 * The search's phases if plans of fewer phases are plans of this search (shorter.ts): for the slack objective at
 * the horizon they are; the default objective is already at the fewest phases that work, and the
 * safety and progress objectives' extra rows are not the shorter model's.
 */
function shortenable(ctx: Context, phases: number, extra: Partial<FormulationOptions>): number | undefined {
  return ctx.objective === "slack" && isPlain(extra) && ctx.search.shorter.when !== "never"
    ? phases
    : undefined;
}

/**
 * Whether the direct MILP stopped before its first node: at its limit with no node explored, its
 * root LP (or the cuts there) unfinished. Its bound is then the column's, or close to it, and more
 * of the same model is not where the next plan will come from (the 200 × 6 × 40 slack model).
 */
function stuckAtRoot(first: SolveResult | undefined): boolean {
  return first?.status === "limit" && first.work !== undefined && first.work.nodes === 0;
}

async function raiseFloor(
  ctx: Context,
  f: Formulation,
  first: SolveResult | undefined,
  seed: Float64Array | undefined,
  /** The search's phases, when plans from a shorter model may be tried (`shortenable`). */
  phases: number | undefined,
): Promise<SolveResult> {
  const model = f.builder.model;
  const started = now();
  let solver = first?.solver;
  let best: Best | undefined;
  // The direct MILP's incumbent, or (if it stopped before completing its start) the first plan.
  const from = first?.values ?? seed;
  if (from) {
    const own = await polished(ctx, f, from, ctx.search.floor.polish);
    if (own === undefined) return first ?? { status: "limit", seconds: 0 }; // judge() reports it
    best = own;
  }
  // Where to probe: below the column's bound and HiGHS's, if that one is sane. Only an infeasible
  // probe proves anything, so a wrong bound could cost probes but never a wrong "optimal".
  let high = model.colUpper[f.slack];
  const bound = first?.work?.bound;
  if (bound !== undefined && best !== undefined && bound >= best.slack) high = Math.min(high, bound);
  const done = (status: "optimal" | "limit", message?: string): SolveResult => {
    const seconds = now() - started + (first?.seconds ?? 0);
    if (!best) return { status: "limit", seconds, solver, message: message ?? "time limit reached" };
    const values = Float64Array.from(best.values);
    values[f.slack] = best.slack;
    const gap =
      status === "optimal" ? 0 : Math.max(0, high - best.slack) / Math.max(1e-9, Math.abs(best.slack));
    return { status, values, objective: best.slack, gap, seconds, solver, ...(message ? { message } : {}) };
  };
  // After a probe just above the best plan found a better one (slack can vary continuously with
  // divisible moves, and many shapes reach nearly the same slack), halve the gap again rather than
  // creep up shape by shape (docs/planner.md: probing just above again crept through six shapes on
  // B seed 2).
  let crept = false;
  // A direct MILP that stopped without a bound never finished its root LP (the 200 × 6 × 40 slack
  // model: 11.7 s of presolve, then a root LP longer than its share): a bracketed "maximise s" on
  // the same model would spend its share there too (9 CPU-s for nothing, docs/benchmarks.md), so
  // the probes, whose roots presolve settles with s fixed, keep the time. (HiGHS reports its work;
  // a native backend reports none, and keeps the bracket.)
  const stuck = stuckAtRoot(first);
  let bracketed = !ctx.search.floor.bracket || (first?.work !== undefined && first.work.bound === undefined);
  // Plans from a shorter model (shorter.ts), once there is a plan to start from; only when the
  // direct MILP stopped in its root, unless a test asks for it always.
  let shortened = phases === undefined || (ctx.search.shorter.when === "stuck" && !stuck);
  // The next probe's floor when the shorter model suggests one (its lowest infeasible floor).
  let hint: number | undefined;
  for (let n = 0; n < MOST_PROBES; n++) {
    // No plan's s exceeds the column's own bound (formulation.ts, slackUpper): a plan within a tie
    // of it is the optimum, and a probe could only find its tie. B seed 4 of 60×4×20 reached the
    // bound, 18.3333, then spent 0.64 CPU-s on a probe halfway to it and one more above it.
    if (best !== undefined && best.slack + tieOf(best.slack) >= model.colUpper[f.slack])
      return done("optimal");
    if (!shortened && best !== undefined) {
      shortened = true;
      const outcome = await shorterPlans(ctx, f, phases!, best, high, ctx.search.floor.polish);
      best = outcome.best;
      hint = outcome.limit;
      // Near idle the same root reports the column's bound (192 on that model) and no node: no
      // better sign that it finished. After the shorter model, the bracket there would again spend
      // its share in that root (33.5 CPU-s near idle, docs/benchmarks.md, "Ninth session").
      if (stuck && (bound === undefined || bound >= model.colUpper[f.slack])) bracketed = true;
      continue;
    }
    if (!bracketed && best !== undefined && high < model.colUpper[f.slack]) {
      // Once a probe (or the direct MILP's bound, when below the column's) has proven a floor no
      // plan clears, one "maximise s" between the best plan and that floor, lag indicators
      // integer, usually settles the rest in one tree: B seed 2 of
      // bench/objectives.ts proved its optimum this way in 6.8–10 CPU-s where the probes took 48.5
      // (docs/planner.md, "The bracketed solve").
      bracketed = true;
      const outcome = await bracket(ctx, f, best, high);
      if (outcome === "error") return done("limit");
      solver = outcome.solver ?? solver;
      if (outcome.best) best = outcome.best;
      if (outcome.proven) {
        high = best.slack;
        return done("optimal");
      }
      if (outcome.bound !== undefined && outcome.bound >= best.slack) high = Math.min(high, outcome.bound);
      continue;
    }
    const step = best === undefined ? 0 : tieOf(best.slack);
    const halve: boolean =
      best !== undefined &&
      (crept || (high - best.slack) / Math.max(1, Math.abs(best.slack)) > ctx.search.floor.close);
    // after the shorter model: at its lowest infeasible floor, a bound within its gap if no plan
    // of the horizon clears it either, and a plan better than any of T′ phases if one does
    const hinted = hint !== undefined && best !== undefined && hint > best.slack + step && hint < high;
    const floor =
      best === undefined ? 0 : hinted ? hint! : halve ? (best.slack + high) / 2 : best.slack + step;
    hint = undefined;
    crept = false;
    const remaining = ctx.deadline - now();
    if (ctx.signal?.aborted || remaining <= 0.05) return done("limit");
    const result = await probe(ctx, f, floor, remaining - Math.min(1, 0.02 * remaining));
    solver = result.solver ?? solver;
    if (result.status === "error") return result;
    if (result.status === "infeasible") {
      // unless HiGHS at its default tolerances finds a better plan the analysis accepts (probe.ts)
      const missed = await missedPlan(
        ctx,
        f,
        result,
        floor,
        ctx.deadline - now(),
        best ? best.slack + step : -Infinity,
      );
      if (missed !== undefined) {
        best = missed;
        continue;
      }
      // no plan clears the floor: with no plan at all, there is none (s ≥ 0 is every plan)
      if (best === undefined) return { ...result, seconds: now() - started + (first?.seconds ?? 0) };
      if (floor <= best.slack + step) return done("optimal");
      high = floor;
      continue;
    }
    if (!result.values) return done("limit", result.message);
    const found = await polished(ctx, f, result.values, ctx.search.floor.polish);
    if (found === undefined) return { ...result, status: "limit" }; // judge() reports the failed check
    if (best === undefined || found.slack > best.slack) best = found;
    crept = !halve && !hinted;
    // A probe's plan clears its floor (to the solver's tolerance); if the analysis says otherwise
    // the search could not move, so stop with what there is.
    if (found.slack < floor - tieOf(floor)) return done("limit");
    if (result.status === "limit") return done("limit", result.message);
  }
  return done("limit");
}

interface Bracketed {
  /** A better plan than the one the solve started from, if it found one. */
  best?: Best;
  /** The solve proved its plan (or the one it started from) the largest slack there is. */
  proven: boolean;
  /** HiGHS's bound when it stopped at its limit: every plan's slack is at most this. */
  bound?: number;
  solver?: string;
}

/**
 * "Maximise s" with s between the best plan's slack (less the tie tolerance) and `high`, a floor
 * no plan clears (an infeasible probe proved it), and the lag indicators integer as in the probes.
 * No plan is cut off: every plan's slack is below `high`, and one with less than the best is no
 * answer. Exact like the probes, but one tree instead of one per probe, and each probe's tree is
 * mostly its root (presolve and cuts, about 4 CPU-s of a probe's 5 on B seed 2). Why the upper
 * end matters so much is not understood; measured on B seed 2 (docs/planner.md): held to 29.71 it
 * proves the optimum in 6.8–7.6 CPU-s, to 33 in 10, to the column's own bound 34.37 in 21.5, and
 * from s ≥ 0 to 34.3 not within 24. Infeasible (tolerances only): undecided, the probes go on.
 */
async function bracket(ctx: Context, f: Formulation, best: Best, high: number): Promise<Bracketed | "error"> {
  const remaining = ctx.deadline - now();
  if (ctx.signal?.aborted || remaining <= 0.1) return { proven: false };
  const model = structuredClone(f.builder.model);
  model.colCost = model.colCost.map(() => 0);
  model.colCost[f.slack] = 1;
  model.maximize = true;
  model.colLower[f.slack] = Math.max(0, best.slack - tieOf(best.slack));
  model.colUpper[f.slack] = high;
  for (const col of f.lags) model.integer[col] = true;
  ctx.stats.solves += 1;
  const result = await solveMilp(model, {
    timeLimitSeconds: remaining * ctx.search.floor.bracketShare,
    signal: ctx.signal,
  });
  record(ctx, result);
  if (result.status === "error") return "error";
  const found = result.values ? await polished(ctx, f, result.values, ctx.search.floor.polish) : undefined;
  const better = found !== undefined && found.slack > best.slack ? found : undefined;
  // The optimum of this MILP is the optimum of the search only if the plan it returned passes the
  // analysis at (within the tie tolerance) the slack the solver proved.
  const proven =
    result.status === "optimal" &&
    found !== undefined &&
    result.objective !== undefined &&
    (better ?? best).slack >= result.objective - tieOf(result.objective);
  const bound = result.status === "limit" ? result.work?.bound : undefined;
  return {
    ...(better ? { best: better } : {}),
    proven,
    ...(bound !== undefined ? { bound } : {}),
    solver: result.solver,
  };
}
