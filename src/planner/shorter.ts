/**
 * Plans from a shorter model (docs/planner.md, "Plans from a shorter model"). At the horizon of
 * the 200 × 6 × 40 benchmark (T = 40) neither the direct MILP (its root LP does not finish) nor a
 * probe near the optimum (undecided for minutes) finds a plan better than the local search's
 * 49.333, while the same probe on a model of 15–17 phases finds one with slack 59 in 16–17 CPU-s:
 * the shorter model has under half the columns and rows, and its floor is decided at the root far
 * closer to its optimum. A plan of T′ < T phases is a plan of T phases (its states held after T′,
 * nothing more done), so each plan found there is moved to the horizon's model and polished there.
 * Only the horizon's own probes bound the slack: a floor no plan of T′ phases clears says nothing
 * about plans of T phases, and is used only as the place for the horizon's next probe.
 */

import { fewestPossiblePhases } from "./bounds.ts";
import type { Formulation } from "./formulation.ts";
import { type Best, polished, probe } from "./probe.ts";
import { type Context, formulate, now } from "./session.ts";

/**
 * When the step is taken, and on how many phases, by default (a search reads its own from
 * `ctx.search.shorter`; tests change it through findPlan's `search` option). `when`: "stuck" (the
 * default) only when the direct MILP stopped in its root, so that nothing better is coming from it;
 * "always" whatever the direct MILP did (tests use it, with the floor search's `probesOnly`, to
 * reach the step on small scenarios); "never" turns it off. `factor`: T′ is this multiple of the phases the best plan
 * uses, rounded up (at most T − 1). `share`: of the time left, at most this much for its probes.
 * `close`: its probes stop once the best plan is within this relative distance of the shorter
 * model's own lowest infeasible floor.
 */
export const SHORTER_SEARCH = Object.freeze({
  when: "stuck" as "stuck" | "always" | "never",
  factor: 1.5,
  share: 0.6,
  close: 0.02,
});

/** T′: `factor` times the phases the plan uses, rounded up, at least the fewest any plan needs, below T. */
export function shorterPhases(ctx: Context, used: number, phases: number): number | undefined {
  const fewest = fewestPossiblePhases(ctx.c, ctx.earliest);
  const short = Math.min(phases - 1, Math.max(fewest, Math.ceil(ctx.search.shorter.factor * used)));
  return short >= 1 && short >= fewest && short < phases ? short : undefined;
}

/**
 * A plan of `short` (fewer phases) as the columns of `long`: each state held at its value in the
 * short model's last phase T′ (x_k = x_T′ for k > T′), no divisible move advancing after T′. Only
 * the state and activity columns are set; the polish (`polished`) fixes their integer part and
 * solves for the rest, and the analysis judges the plan either way.
 */
export function onLongerHorizon(short: Formulation, long: Formulation, values: Float64Array): Float64Array {
  const out = new Float64Array(long.builder.model.colLower.length);
  long.x.forEach((row, m) => {
    const from = short.x[m];
    const last = from.length - 1;
    for (let k = 1; k < row.length; k++) out[row[k]] = values[from[Math.min(k, last)]];
    const act = long.active[m];
    const fromAct = short.active[m];
    if (!act || !fromAct) return;
    for (let k = 1; k < act.length; k++) out[act[k]] = k <= last ? values[fromAct[k]] : 0;
  });
  return out;
}

export interface Shorter {
  /** The best plan after the step, on the horizon's model (the one it started from if none better). */
  best: Best;
  /** T′, when the step ran. */
  phases?: number;
  /** The shorter model's lowest floor proven infeasible, if any: where the horizon's next probe goes. */
  limit?: number;
}

/**
 * Probes on a model of T′ phases, halving between the best plan and the lowest floor proven
 * infeasible there (at first the horizon's `high`, which holds for T′ too), until the two are
 * within `close`, a probe is undecided, or the step's share of the time is spent. Each plan found
 * goes to the horizon's model (`onLongerHorizon`), is polished there with `raise`, and becomes the
 * best plan when it is better.
 */
export async function shorterPlans(
  ctx: Context,
  f: Formulation,
  phases: number,
  start: Best,
  high: number,
  raise: boolean,
): Promise<Shorter> {
  const short = shorterPhases(ctx, start.phases, phases);
  if (short === undefined) return { best: start };
  const g = formulate(ctx, short, false, {});
  const { share, close } = ctx.search.shorter;
  const until = now() + share * Math.max(0, ctx.deadline - now());
  let best = start;
  let top = Math.min(high, g.builder.model.colUpper[g.slack]);
  let limit: number | undefined;
  while ((top - best.slack) / Math.max(1, Math.abs(best.slack)) > close) {
    const remaining = until - now();
    if (ctx.signal?.aborted || remaining <= 0.05) break;
    const floor = (best.slack + top) / 2;
    const result = await probe(ctx, g, floor, remaining);
    if (result.status === "infeasible") {
      top = floor;
      limit = floor;
      continue;
    }
    if (!result.values) break; // undecided, or the solver failed (the horizon's probes will say)
    const found = await polished(ctx, f, onLongerHorizon(g, f, result.values), raise);
    if (found === undefined || found.slack <= best.slack) break;
    best = found;
    if (result.status !== "optimal") break;
  }
  return { best, phases: short, ...(limit !== undefined ? { limit } : {}) };
}
