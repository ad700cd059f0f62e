/**
 * Solver columns back to a plan in the scenario's own terms (move → phase, or phase → fraction),
 * and the figures a plan is judged by. Binaries are rounded; a divisible move's fractions are made
 * to sum to exactly 1, as the parser demands.
 */
import type { AnalysisReport, CompiledScenario } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import type { Formulation } from "./formulation.ts";

/** How far below 1 a solver's x_T may sit and still mean "the move is done". */
const COMPLETE_TOLERANCE = 1e-5;

export function extractPlan(c: CompiledScenario, f: Formulation, values: Float64Array): Plan {
  const plan: Plan = {};
  const T = f.x[0].length - 1;
  c.moveIds.forEach((id, m) => {
    const at = (k: number) => (k <= 0 ? 0 : values[f.x[m][k]]);
    const act = f.active[m];
    if (!act) {
      if (at(T) < 0.5) return; // not scheduled
      for (let k = 1; k <= T; k++) {
        if (at(k) > 0.5) {
          plan[id] = k;
          return;
        }
      }
      return;
    }
    const shares: Array<[number, number]> = [];
    for (let k = 1; k <= T; k++) {
      if (values[act[k]] > 0.5) shares.push([k, Math.max(0, at(k) - at(k - 1))]);
    }
    if (shares.length === 0) return; // not scheduled
    // A complete move's fractions must sum to exactly 1; an interim plan may stop part-way (§8).
    // The solver's x_T for a complete move can sit a little below 1 (its feasibility tolerance,
    // scaled by the progress row's weights: 1.4e-6 seen on korea-2018), so "complete" allows that.
    const complete = at(T) > 1 - COMPLETE_TOLERANCE;
    if (shares.length === 1 && complete) {
      plan[id] = shares[0][0];
      return;
    }
    const total = shares.reduce((sum, [, share]) => sum + share, 0);
    const entry: Record<string, number> = {};
    let assigned = 0;
    shares.forEach(([k, share], n) => {
      const fraction = !complete
        ? Math.round(share * 1e9) / 1e9
        : n === shares.length - 1
          ? 1 - assigned
          : share / total;
      entry[String(k)] = fraction;
      assigned += fraction;
    });
    plan[id] = entry;
  });
  return startAtPhaseOne(plan);
}

/**
 * Drops leading phases where nothing happens. Every figure depends only on the time since the
 * first move (x_0 = 0), so the shifted plan has the same figures and reads better. (Empty phases
 * in the middle stay: they are waits for verification.)
 */
function startAtPhaseOne(plan: Plan): Plan {
  let first = Number.POSITIVE_INFINITY;
  for (const entry of Object.values(plan)) {
    if (typeof entry === "number") first = Math.min(first, entry);
    else for (const phase of Object.keys(entry)) first = Math.min(first, Number(phase));
  }
  const shift = Number.isFinite(first) ? first - 1 : 0;
  if (shift === 0) return plan;
  const shifted: Plan = {};
  for (const [move, entry] of Object.entries(plan)) {
    shifted[move] =
      typeof entry === "number"
        ? entry - shift
        : Object.fromEntries(
            Object.entries(entry).map(([phase, share]) => [String(Number(phase) - shift), share]),
          );
  }
  return shifted;
}

/** The plan with phase `empty` taken out: every later phase moves one earlier. */
function shiftFrom(plan: Plan, empty: number): Plan {
  const down = (phase: number) => (phase > empty ? phase - 1 : phase);
  const shifted: Plan = {};
  for (const [move, entry] of Object.entries(plan)) {
    shifted[move] =
      typeof entry === "number"
        ? down(entry)
        : Object.fromEntries(
            Object.entries(entry).map(([phase, share]) => [String(down(Number(phase))), share]),
          );
  }
  return shifted;
}

function usedPhases(plan: Plan): Set<number> {
  const used = new Set<number>();
  for (const entry of Object.values(plan)) {
    if (typeof entry === "number") used.add(entry);
    else for (const phase of Object.keys(entry)) used.add(Number(phase));
  }
  return used;
}

/**
 * Removes empty phases while the plan stays as good: objectives judged at a fixed horizon leave
 * idle phases wherever the solver put them. An idle phase can be a deliberate wait for
 * verification, so each removal is kept only if `keep` (run on the re-analysed plan) agrees.
 */
export function compressPlan(plan: Plan, analyse: (plan: Plan) => boolean): Plan {
  let current = plan;
  let changed = true;
  while (changed) {
    changed = false;
    const used = usedPhases(current);
    const last = Math.max(0, ...used);
    for (let phase = last - 1; phase >= 1; phase--) {
      if (used.has(phase)) continue;
      const candidate = shiftFrom(current, phase);
      if (analyse(candidate)) {
        current = candidate;
        changed = true;
        break;
      }
    }
  }
  return current;
}

/**
 * The plan's minimum slack at the worst case of the value ranges (MODEL.md §1, v2 §5): the least
 * worst-case g_c over the rows that depend on a value, read off the analysis's own rows (with the
 * analysis's fallbacks: every row when none depends, 0 when there is no row).
 */
export function worstSlack(analysis: Pick<AnalysisReport, "rows">): number {
  const dependent = analysis.rows.filter((row) => row.dependsOnValues).map((row) => row.worstSlack);
  const any = analysis.rows.map((row) => row.worstSlack);
  const pick = dependent.length > 0 ? dependent : any;
  return pick.length > 0 ? Math.min(...pick) : 0;
}
