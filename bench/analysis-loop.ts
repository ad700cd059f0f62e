/**
 * The simplest implementation of the analysis's figures that bench/analysis.ts measures the
 * project's analysis against: flat typed arrays, one pass per row, no objects, no explanations.
 * Given a compiled scenario flattened once (`flatten`) and a plan, it computes every figure the
 * analysis document reports: per party and phase the exposure and margin, nominal and worst case,
 * the final flow, every constraint row's slack and worst slack in the document's order, the
 * minimum slack and feasibility (MODEL.md v2 §2–5). Rounded as the document rounds (1e-9), so the
 * two can be compared figure by figure.
 */
import type { CompiledScenario } from "../src/analysis/index.ts";
import type { Plan } from "../src/model/index.ts";

export interface FlatScenario {
  P: number;
  M: number;
  horizon: number;
  /** [party × move] */
  nominal: Float64Array;
  low: Float64Array;
  high: Float64Array;
  creditLag: Int32Array;
  actor: Int32Array;
  lag: Int32Array;
  kappa: Float64Array;
  discount: Float64Array;
  tolerance: Float64Array;
  reservation: Float64Array;
  /** Goal items: moves goalMove[goalStart[g] .. goalStart[g+1]). */
  goalStart: Int32Array;
  goalMove: Int32Array;
  /** Prerequisites: moves reqMove[reqStart[m] .. reqStart[m+1]). */
  reqStart: Int32Array;
  reqMove: Int32Array;
}

/** A plan as parallel arrays of (move, phase, fraction). */
export interface FlatPlan {
  move: Int32Array;
  phase: Int32Array;
  fraction: Float64Array;
}

export interface FlatFigures {
  T: number;
  /** [party × (T+1)] */
  exposure: Float64Array;
  worstExposure: Float64Array;
  /** [party × (T+1)], NaN where the party has no move in the phase. */
  margin: Float64Array;
  worstMargin: Float64Array;
  final: Float64Array;
  worstFinal: Float64Array;
  /** Every row, party by party: exposure 1..T, margins, reservation. */
  slack: Float64Array;
  worstSlack: Float64Array;
  rows: number;
  minSlack: number;
  feasible: boolean;
}

const EPS = 1e-9;
const tidy = (x: number) => {
  const r = Math.round(x * 1e9) / 1e9;
  return Object.is(r, -0) ? 0 : r;
};

export function flatten(c: CompiledScenario): FlatScenario {
  const P = c.partyIds.length;
  const M = c.moveIds.length;
  const flat = (rows: ArrayLike<number>[]) => {
    const out = new Float64Array(P * M);
    rows.forEach((row, i) => {
      for (let m = 0; m < M; m++) out[i * M + m] = row[m];
    });
    return out;
  };
  const starts = (lists: number[][]) => {
    const start = new Int32Array(lists.length + 1);
    lists.forEach((l, n) => {
      start[n + 1] = start[n] + l.length;
    });
    return start;
  };
  return {
    P,
    M,
    horizon: c.horizon,
    nominal: flat(c.values.nominal),
    low: flat(c.values.low),
    high: flat(c.values.high),
    creditLag: Int32Array.from(flat(c.creditLag)),
    actor: c.actor,
    lag: c.lag,
    kappa: c.kappa,
    discount: c.discount,
    tolerance: c.tolerance,
    reservation: c.reservation,
    goalStart: starts(c.goal),
    goalMove: Int32Array.from(c.goal.flat()),
    reqStart: starts(c.requires),
    reqMove: Int32Array.from(c.requires.flat()),
  };
}

export function flattenPlan(c: CompiledScenario, plan: Plan): FlatPlan {
  const move: number[] = [];
  const phase: number[] = [];
  const fraction: number[] = [];
  for (const [id, entry] of Object.entries(plan)) {
    const m = c.moveIndex.get(id)!;
    const parts: Array<[string | number, number]> =
      typeof entry === "number" ? [[entry, 1]] : Object.entries(entry);
    for (const [k, f] of parts) {
      move.push(m);
      phase.push(Number(k));
      fraction.push(f);
    }
  }
  return {
    move: Int32Array.from(move),
    phase: Int32Array.from(phase),
    fraction: Float64Array.from(fraction),
  };
}

export function flatAnalysis(s: FlatScenario, plan: FlatPlan): FlatFigures {
  const { P, M } = s;
  let T = 0;
  for (let n = 0; n < plan.phase.length; n++) T = Math.max(T, plan.phase[n]);
  // Δ and x, [phase × move]
  const delta = new Float64Array((T + 1) * M);
  for (let n = 0; n < plan.move.length; n++) delta[plan.phase[n] * M + plan.move[n]] += plan.fraction[n];
  const x = new Float64Array((T + 1) * M);
  for (let k = 1; k <= T; k++)
    for (let m = 0; m < M; m++) x[k * M + m] = Math.min(1, x[(k - 1) * M + m] + delta[k * M + m]);

  // validity: horizon, goal, prerequisites
  let valid = T <= s.horizon;
  for (let g = 0; g + 1 < s.goalStart.length; g++) {
    let done = false;
    for (let n = s.goalStart[g]; n < s.goalStart[g + 1]; n++)
      if (x[T * M + s.goalMove[n]] >= 1 - EPS) done = true;
    if (!done) valid = false;
  }
  for (let m = 0; m < M && valid; m++) {
    let start = 0;
    for (let k = 1; k <= T && start === 0; k++) if (delta[k * M + m] > 0) start = k;
    if (start === 0) continue;
    for (let n = s.reqStart[m]; n < s.reqStart[m + 1]; n++) {
      const p = s.reqMove[n];
      let done = 0;
      for (let k = 1; k <= T && done === 0; k++) if (x[k * M + p] >= 1 - EPS) done = k;
      if (done === 0 || start < done + s.lag[p] + 1) valid = false;
    }
  }

  const out: FlatFigures = {
    T,
    exposure: new Float64Array(P * (T + 1)),
    worstExposure: new Float64Array(P * (T + 1)),
    margin: new Float64Array(P * (T + 1)).fill(Number.NaN),
    worstMargin: new Float64Array(P * (T + 1)).fill(Number.NaN),
    final: new Float64Array(P),
    worstFinal: new Float64Array(P),
    slack: new Float64Array(P * (2 * T + 1)),
    worstSlack: new Float64Array(P * (2 * T + 1)),
    rows: 0,
    minSlack: 0,
    feasible: valid,
  };
  const comply = new Float64Array((T + 1) * M);
  const coef = new Float64Array(M); // the current row's coefficients a(m)
  let least = Number.POSITIVE_INFINITY;
  let leastAny = Number.POSITIVE_INFINITY;
  let r = 0;
  let g = 0;
  let w = 0;
  // the current row: g = constant + Σ v·a, and its worst case w
  const finishRow = (i: number, constant: number) => {
    g = 0;
    w = 0;
    let depends = false;
    for (let m = 0, at = i * M; m < M; m++, at++) {
      const a = coef[m];
      g += s.nominal[at] * a;
      w += (a >= 0 ? s.low[at] : s.high[at]) * a;
      if (a !== 0 && (s.low[at] !== 0 || s.high[at] !== 0)) depends = true;
    }
    g += constant;
    w += constant;
    out.slack[r] = tidy(g);
    out.worstSlack[r] = tidy(w);
    r++;
    leastAny = Math.min(leastAny, g);
    if (depends) least = Math.min(least, g);
    if (g < -EPS) out.feasible = false;
  };
  for (let i = 0; i < P; i++) {
    const tau = s.tolerance[i];
    for (let k = 1; k <= T; k++) {
      for (let m = 0; m < M; m++) {
        const t = k - s.creditLag[i * M + m];
        coef[m] = s.kappa[m] * (t <= 0 ? 0 : x[Math.min(t, T) * M + m]);
      }
      finishRow(i, tau);
      out.exposure[i * (T + 1) + k] = tidy(Math.max(0, tau - g));
      out.worstExposure[i * (T + 1) + k] = tidy(Math.max(0, tau - w));
    }
    const d = s.discount[i];
    for (let m = 0; m < M; m++) comply[T * M + m] = x[T * M + m];
    for (let k = T - 1; k >= 1; k--)
      for (let m = 0; m < M; m++) comply[k * M + m] = (1 - d) * x[k * M + m] + d * comply[(k + 1) * M + m];
    for (let k = 1; k <= T; k++) {
      let L = -1;
      for (let m = 0; m < M; m++)
        if (delta[k * M + m] > 0 && s.actor[m] === i && (L < 0 || s.lag[m] < L)) L = s.lag[m];
      if (L < 0) continue;
      for (let m = 0; m < M; m++) {
        const own = s.actor[m] === i;
        const frozen = k - 1 <= 0 ? 0 : x[Math.min(k - 1, T) * M + m];
        let sum = 0;
        let factor = 1;
        for (let t = k; t <= k + L; t++) {
          sum += factor * (own ? frozen : x[Math.min(t, T) * M + m]);
          factor *= d;
        }
        const last = own ? frozen : x[Math.min(k + L, T) * M + m];
        coef[m] = comply[k * M + m] - ((1 - d) * sum + factor * s.kappa[m] * last);
      }
      finishRow(i, 0);
      out.margin[i * (T + 1) + k] = tidy(g);
      out.worstMargin[i * (T + 1) + k] = tidy(w);
    }
    for (let m = 0; m < M; m++) coef[m] = x[T * M + m];
    finishRow(i, -s.reservation[i]);
    out.final[i] = tidy(g + s.reservation[i]);
    out.worstFinal[i] = tidy(w + s.reservation[i]);
  }
  out.rows = r;
  out.minSlack = tidy(Number.isFinite(least) ? least : Number.isFinite(leastAny) ? leastAny : 0);
  return out;
}

// What the bench times beside the loop, bundled into the same file (see bench/analysis.ts).
export { analyzePlan, compileScenario } from "../src/analysis/index.ts";
export { Scenario } from "../src/model/index.ts";
export { generateCase } from "./generate.ts";
