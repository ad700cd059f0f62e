/**
 * The planner's reference: enumerate every assignment of (indivisible) moves to phases — or to
 * no phase, when the goal does not need the move — and judge each with `analyzePlan`.
 */
import { type Analysis, analyzePlan, analyzeSchedule } from "../../src/analysis/analyze.ts";
import type { CompiledScenario } from "../../src/analysis/compile.ts";
import { buildSchedule } from "../../src/analysis/schedule.ts";
import { isValidSchedule } from "../../src/analysis/validity.ts";
import type { Plan } from "../../src/model/schema.ts";

export interface BruteForce {
  /** Fewest phases of a feasible plan, and the largest minimum slack at that many phases. */
  fewest?: { phases: number; minSlack: number };
  /** Best feasible values over every plan within the horizon. */
  slack?: number;
  robustFewest?: { phases: number; minSlack: number };
  welfare?: number;
  maxmin?: number;
  /** Best Σ log(final − reservation) over the parties that can gain at all. */
  nash?: number;
  /** Least Σ (extra tolerance + inducement) over valid, individually rational plans. */
  relaxation?: number;
}

/** Minimum slack v2 at the worst case of the ranges: the least worst g_c over rows that depend on a value. */
function worstSlack(a: Analysis): number {
  const dependent = a.rows.filter((r) => r.dependsOnValues).map((r) => r.worstSlack);
  const pick = dependent.length > 0 ? dependent : a.rows.map((r) => r.worstSlack);
  return pick.length > 0 ? Math.min(...pick) : 0;
}

export function bruteForce(c: CompiledScenario, horizon: number): BruteForce {
  const M = c.moveIds.length;
  const required = new Set(c.goal.filter((item) => item.length === 1).map((item) => item[0]));
  const choice = new Array<number>(M).fill(0);
  const out: BruteForce = {};
  const better = (best: { phases: number; minSlack: number } | undefined, phases: number, slack: number) =>
    !best || phases < best.phases || (phases === best.phases && slack > best.minSlack);
  const visit = (m: number) => {
    if (m === M) {
      const plan: Plan = {};
      choice.forEach((phase, n) => {
        if (phase > 0) plan[c.moveIds[n]] = phase;
      });
      if (Object.keys(plan).length === 0) return;
      // Every outcome below needs a valid plan (feasible and robustly feasible ones are valid):
      // the validity rules alone (validity.ts, what analysis.valid reads) skip the figures of the rest.
      const schedule = buildSchedule(c, plan);
      if (!isValidSchedule(c, schedule)) return;
      const a = analyzeSchedule(c, schedule);
      if (a.feasible) {
        const slack = a.minSlack;
        if (better(out.fewest, a.phases, slack)) out.fewest = { phases: a.phases, minSlack: slack };
        out.slack = Math.max(out.slack ?? Number.NEGATIVE_INFINITY, slack);
        const finals = c.partyIds.map((id) => a.parties[id].final);
        const welfare = finals.reduce((x, y) => x + y, 0);
        out.welfare = Math.max(out.welfare ?? Number.NEGATIVE_INFINITY, welfare);
        const gain = Math.min(...finals.map((f, i) => f - c.reservation[i]));
        out.maxmin = Math.max(out.maxmin ?? Number.NEGATIVE_INFINITY, gain);
        let nash = 0;
        finals.forEach((f, i) => {
          const most = c.values.nominal[i].reduce((s, v) => s + Math.max(0, v), 0) - c.reservation[i];
          if (most > 1e-9) nash += Math.log(Math.max(1e-12, f - c.reservation[i]));
        });
        out.nash = Math.max(out.nash ?? Number.NEGATIVE_INFINITY, nash);
      }
      if (a.robustlyFeasible) {
        const w = worstSlack(a);
        if (better(out.robustFewest, a.phases, w)) out.robustFewest = { phases: a.phases, minSlack: w };
      }
      const rational = !a.violations.some((v) => v.kind === "reservation");
      if (a.valid && rational) {
        let need = 0;
        c.partyIds.forEach((id, i) => {
          const p = a.parties[id];
          need += Math.max(0, Math.max(...p.exposure) - c.tolerance[i]);
          need += Math.max(0, -Math.min(0, ...Object.values(p.margin)));
        });
        out.relaxation = Math.min(out.relaxation ?? Number.POSITIVE_INFINITY, need);
      }
      return;
    }
    for (let phase = required.has(m) ? 1 : 0; phase <= horizon; phase++) {
      choice[m] = phase;
      visit(m + 1);
    }
  };
  visit(0);
  return out;
}

/** The best interim plan by exhaustive search (MODEL.md §8): most progress, fewest phases, most slack. */
export interface ProgressTruth {
  progress: number;
  phases: number;
  minSlack: number;
}

/**
 * Every interim plan: each move left out or done whole in one phase; a divisible move also half in
 * one phase (left part-way) or in halves in two phases. Only grid shares, so for divisible moves
 * the planner (continuous shares) can only do as well or better.
 */
export function bruteForceProgress(c: CompiledScenario, horizon: number): ProgressTruth | undefined {
  const M = c.moveIds.length;
  const options: Plan[string][][] = c.moveIds.map((_, m) => {
    const out: Plan[string][] = [];
    for (let k = 1; k <= horizon; k++) out.push(k);
    if (c.divisible[m]) {
      for (let k = 1; k <= horizon; k++) {
        out.push({ [k]: 0.5 });
        for (let j = k + 1; j <= horizon; j++) out.push({ [k]: 0.5, [j]: 0.5 });
      }
    }
    return out;
  });
  const choice: Array<Plan[string] | undefined> = new Array(M).fill(undefined);
  let best: ProgressTruth | undefined;
  const visit = (m: number) => {
    if (m === M) {
      const plan: Plan = {};
      choice.forEach((entry, n) => {
        if (entry !== undefined) plan[c.moveIds[n]] = entry;
      });
      const a = analyzePlan(c, plan);
      if (a.violations.some((v) => v.kind !== "goal")) return;
      const xT = a.schedule.x[a.schedule.phases];
      let done = 0;
      let total = 0;
      c.goal.forEach((item, g) => {
        total += c.goalWeight[g];
        done += c.goalWeight[g] * Math.max(...item.map((n) => xT[n]));
      });
      const progress = done / total;
      const slack = a.phases === 0 ? Number.POSITIVE_INFINITY : a.minSlack;
      const better =
        !best ||
        progress > best.progress + 1e-9 ||
        (progress > best.progress - 1e-9 &&
          (a.phases < best.phases || (a.phases === best.phases && slack > best.minSlack)));
      if (better) best = { progress, phases: a.phases, minSlack: slack };
      return;
    }
    choice[m] = undefined;
    visit(m + 1);
    for (const entry of options[m]) {
      choice[m] = entry;
      visit(m + 1);
    }
    choice[m] = undefined;
  };
  visit(0);
  return best;
}
