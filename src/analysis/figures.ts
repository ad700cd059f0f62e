/**
 * The two figures of MODEL.md §3–4 as linear forms in a party's values.
 *
 * Both exposure and margin are Σ_m value_i(m) · coefficient_m for coefficients fixed by the plan.
 * Computing the coefficients once gives the nominal figure, the exact worst case over value
 * ranges, and each move's contribution (for explanations) from the same numbers. The `…Into`
 * forms write into a buffer the caller owns (rows.ts keeps every row of a party in one); the
 * others allocate, for callers that want one figure.
 */
import type { CompiledScenario } from "./compile.ts";
import { creditedPhase, exposureCoefficient } from "./exposure.ts";
import type { Schedule } from "./schedule.ts";

/** Coefficients of −E's inner sum (exposure.ts): u_i(κ ⊙ x̂ⁱ_k) = Σ_m v_i(m) · coef_m. */
export function exposureCoefficientsInto(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  k: number,
  out: Float64Array,
): Float64Array {
  const T = s.phases;
  const x = s.x;
  for (let m = 0; m < out.length; m++) {
    const t = creditedPhase(c, party, m, k);
    // x_t with x_t = 0 for t ≤ 0 and x_T past T (schedule.ts stateAt, inlined: this is the hot loop)
    out[m] = exposureCoefficient(c, m, t <= 0 ? 0 : x[Math.min(t, T)][m]);
  }
  return out;
}

export function exposureCoefficients(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  k: number,
): Float64Array {
  return exposureCoefficientsInto(c, s, party, k, new Float64Array(c.moveIds.length));
}

/**
 * Compliance weights S_k(m), so that Wᶜ_i(k) = Σ_m v_i(m) · S_k(m), as one flat buffer: S_k is
 * [k·M, (k+1)·M). Uses the recursion S_T = x_T, S_k = (1−δ) x_k + δ S_{k+1}, which equals
 * MODEL.md's sum (and gives u(x_T) at δ = 1). `into`, when long enough, is reused.
 */
export function complianceWeightsFlat(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  into?: Float64Array,
): Float64Array {
  const T = s.phases;
  const M = c.moveIds.length;
  const delta = c.discount[party];
  const w = into && into.length >= (T + 1) * M ? into : new Float64Array((T + 1) * M);
  w.set(s.x[T], T * M);
  for (let k = T - 1; k >= 1; k--) {
    const xk = s.x[k];
    const row = k * M;
    const next = row + M;
    for (let m = 0; m < M; m++) w[row + m] = (1 - delta) * xk[m] + delta * w[next + m];
  }
  return w;
}

/** Compliance weights S_k for k = 1..T, one array per phase (index 0 unused). */
export function complianceWeights(c: CompiledScenario, s: Schedule, party: number): Float64Array[] {
  const M = c.moveIds.length;
  const flat = complianceWeightsFlat(c, s, party);
  return Array.from({ length: s.phases + 1 }, (_, k) => flat.subarray(k * M, (k + 1) * M));
}

/** The detection lag L of a defection by `party` in phase k, or undefined if it has no move then. */
export function detectionLag(c: CompiledScenario, s: Schedule, party: number, k: number): number | undefined {
  let lag: number | undefined;
  const dk = s.delta[k];
  for (let m = 0; m < dk.length; m++) {
    if (dk[m] > 0 && c.actor[m] === party) lag = lag === undefined ? c.lag[m] : Math.min(lag, c.lag[m]);
  }
  return lag;
}

/**
 * Defection weight D_k(m), so that Wᵈ_i(k) = Σ_m v_i(m) · D_k(m): the deviation path y_t keeps
 * i's own moves at x_{k−1} while the others go on for L phases, then the collapse state κ ⊙ y_{k+L}.
 * (Exported for the planner's incremental scoring, which recomputes one move's weight at a time.)
 */
export function defectionWeight(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  k: number,
  lag: number,
  m: number,
) {
  const delta = c.discount[party];
  const T = s.phases;
  const x = s.x;
  const own = c.actor[m] === party;
  const frozen = k - 1 <= 0 ? 0 : x[Math.min(k - 1, T)][m];
  let sum = 0;
  let factor = 1;
  for (let t = k; t <= k + lag; t++) {
    sum += factor * (own ? frozen : x[Math.min(t, T)][m]);
    factor *= delta;
  }
  const last = own ? frozen : x[Math.min(k + lag, T)][m];
  // factor is now δ^{L+1}
  return (1 - delta) * sum + factor * c.kappa[m] * last;
}

export function defectionWeights(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  k: number,
  lag: number,
): Float64Array {
  const weights = new Float64Array(c.moveIds.length);
  for (let m = 0; m < weights.length; m++) weights[m] = defectionWeight(c, s, party, k, lag, m);
  return weights;
}

/** Margin row coefficients S_k(m) − D_k(m), written into `out` (`comply` is S_k). */
export function marginCoefficientsInto(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  k: number,
  lag: number,
  comply: Float64Array,
  out: Float64Array,
): Float64Array {
  for (let m = 0; m < out.length; m++) out[m] = comply[m] - defectionWeight(c, s, party, k, lag, m);
  return out;
}

export function dot(values: Float64Array, coef: Float64Array): number {
  let sum = 0;
  for (let m = 0; m < coef.length; m++) sum += values[m] * coef[m];
  return sum;
}

/** The least value of Σ v_m coef_m with each v_m anywhere in [low_m, high_m]. */
export function worstDot(low: Float64Array, high: Float64Array, coef: Float64Array): number {
  let sum = 0;
  for (let m = 0; m < coef.length; m++) sum += (coef[m] >= 0 ? low[m] : high[m]) * coef[m];
  return sum;
}
