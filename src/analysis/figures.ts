/**
 * The two figures of MODEL.md §3–4 as linear forms in a party's values.
 *
 * Both exposure and margin are Σ_m value_i(m) · coefficient_m for coefficients fixed by the plan.
 * Computing the coefficients once gives the nominal figure, the exact worst case over value
 * ranges, and each move's contribution (for explanations) from the same numbers.
 */
import type { CompiledScenario } from "./compile.ts";
import { type Schedule, stateAt } from "./schedule.ts";

/** Coefficients of −E's inner sum: u_i(κ ⊙ x̂ⁱ_k) = Σ_m v_i(m) · coef_m. */
export function exposureCoefficients(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  k: number,
): Float64Array {
  const M = c.moveIds.length;
  const coef = new Float64Array(M);
  const lags = c.creditLag[party];
  for (let m = 0; m < M; m++) coef[m] = c.kappa[m] * stateAt(s, k - lags[m])[m];
  return coef;
}

/**
 * Compliance weights S_k(m), so that Wᶜ_i(k) = Σ_m v_i(m) · S_k(m). Uses the recursion
 * S_T = x_T, S_k = (1−δ) x_k + δ S_{k+1}, which equals MODEL.md's sum (and gives u(x_T) at δ = 1).
 */
export function complianceWeights(c: CompiledScenario, s: Schedule, party: number): Float64Array[] {
  const T = s.phases;
  const delta = c.discount[party];
  const M = c.moveIds.length;
  const weights: Float64Array[] = new Array(T + 1);
  weights[T] = Float64Array.from(s.x[T]);
  for (let k = T - 1; k >= 1; k--) {
    const next = weights[k + 1];
    const row = new Float64Array(M);
    const xk = s.x[k];
    for (let m = 0; m < M; m++) row[m] = (1 - delta) * xk[m] + delta * next[m];
    weights[k] = row;
  }
  return weights;
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
 * Defection weights D_k(m), so that Wᵈ_i(k) = Σ_m v_i(m) · D_k(m): the deviation path y_t keeps
 * i's own moves at x_{k−1} while the others go on for L phases, then the collapse state κ ⊙ y_{k+L}.
 */
export function defectionWeights(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  k: number,
  lag: number,
): Float64Array {
  const M = c.moveIds.length;
  const delta = c.discount[party];
  const weights = new Float64Array(M);
  const frozen = stateAt(s, k - 1);
  for (let m = 0; m < M; m++) {
    const own = c.actor[m] === party;
    let sum = 0;
    let factor = 1;
    for (let t = k; t <= k + lag; t++) {
      sum += factor * (own ? frozen[m] : stateAt(s, t)[m]);
      factor *= delta;
    }
    const last = own ? frozen[m] : stateAt(s, k + lag)[m];
    // factor is now δ^{L+1}
    weights[m] = (1 - delta) * sum + factor * c.kappa[m] * last;
  }
  return weights;
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
