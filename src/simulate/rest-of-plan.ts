/**
 * The rest-of-plan part of a party's margin (MODEL.md §4), as a table the engine looks up.
 *
 * A run's margin of party i before plan phase k, from its current state u = u_i(x), uk = u_i(κ⊙x),
 * assuming everyone follows the rest of the plan, is
 *
 *     M_i(k) = keep − defect
 *     keep   = (1−δ) Σ_{j=k}^{T−1} δ^{j−k} (u + A_k + … + A_j) + δ^{T−k} (u + A_k + … + A_T)
 *     defect = (1−δ) Σ_{t=k}^{k+L} δ^{t−k} (u + O_k + … + O_t) + δ^{L+1} (uk + K_k + … + K_{k+L})
 *
 * where A_j, O_j, K_j are the changes to u_i in plan phase j from every move, from the other
 * parties' moves, and from theirs on the collapse state (sums stop at T), and L is the detection
 * lag of i's defection in phase k. The weights on u add up to 1 in keep and to 1 − δ^{L+1} in
 * defect, so
 *
 *     M_i(k) = δ^{L+1} (u − uk) + R_i(k)
 *
 * with R_i(k) the margin from u = uk = 0, which depends on the values but not on the state. keep
 * at u = 0 is a discounted suffix sum: keep(T) = A_T, keep(k) = A_k + δ keep(k + 1).
 *
 * R is linear in the values, so for drawn values R = R(nominal) + Σ_r (v_r − nominal_r) · ∂R/∂v_r,
 * and a value of party i only moves row i. The engine adds those products once per run and then
 * reads every margin in O(1), instead of walking the rest of the plan for every decision.
 */

export interface RestOfPlanInput {
  parties: number;
  moves: number;
  phases: number;
  actor: Int32Array;
  kappa: Float64Array;
  discount: Float64Array;
  /** [party × moves] value of each move to each party. */
  nominal: Float64Array;
  /** Tranches sorted by phase: phase k's are [trancheStart[k], trancheStart[k + 1]). */
  trancheStart: Int32Array;
  trancheMove: Int32Array;
  trancheAmount: Float64Array;
  /** [party × (T + 1)] detection lag of the party's defection in phase k, −1 if it has no move then. */
  defectLag: Int32Array;
  /** Flat [party × moves] indices of the values drawn per run. */
  rangedIndex: Int32Array;
}

export interface RestOfPlan {
  /** [party × (T + 1)] δ^{L+1}, the weight of u − uk in M_i(k) (0 where the party does not act). */
  lagWeight: Float64Array;
  /** [party × (T + 1)] R_i(k) at the nominal values. */
  base: Float64Array;
  /** [ranged value × (T + 1)] ∂R_i(k)/∂v for the party i the value belongs to. */
  sensitivity: Float64Array;
}

export function restOfPlan(plan: RestOfPlanInput): RestOfPlan {
  const { parties: P, moves: M, phases: T } = plan;
  const stride = T + 1;
  const lagWeight = new Float64Array(P * stride);
  for (let i = 0; i < P; i++) {
    for (let k = 1; k <= T; k++) {
      const L = plan.defectLag[i * stride + k];
      if (L >= 0) lagWeight[i * stride + k] = plan.discount[i] ** (L + 1);
    }
  }
  const changes = new PhaseChanges(T);
  const base = new Float64Array(P * stride);
  for (let i = 0; i < P; i++) {
    changes.clear();
    for (let m = 0; m < M; m++) changes.addMove(plan, i, m, plan.nominal[i * M + m]);
    changes.restInto(plan, i, base, i * stride);
  }
  const sensitivity = new Float64Array(plan.rangedIndex.length * stride);
  plan.rangedIndex.forEach((at, r) => {
    const i = Math.floor(at / M);
    changes.clear();
    changes.addMove(plan, i, at - i * M, 1);
    changes.restInto(plan, i, sensitivity, r * stride);
  });
  return { lagWeight, base, sensitivity };
}

/** One party's A, O and K per plan phase (index 1..T; 0 and T + 1 stay 0). */
class PhaseChanges {
  readonly all: Float64Array;
  readonly others: Float64Array;
  readonly othersCollapsed: Float64Array;

  constructor(readonly phases: number) {
    this.all = new Float64Array(phases + 2);
    this.others = new Float64Array(phases + 2);
    this.othersCollapsed = new Float64Array(phases + 2);
  }

  clear(): void {
    this.all.fill(0);
    this.others.fill(0);
    this.othersCollapsed.fill(0);
  }

  /** Adds move m, worth `value` per unit done to party i, in every phase it is done. */
  addMove(plan: RestOfPlanInput, i: number, m: number, value: number): void {
    for (let j = 1; j <= this.phases; j++) {
      for (let q = plan.trancheStart[j]; q < plan.trancheStart[j + 1]; q++) {
        if (plan.trancheMove[q] !== m) continue;
        const amount = value * plan.trancheAmount[q];
        this.all[j] += amount;
        if (plan.actor[m] !== i) {
          this.others[j] += amount;
          this.othersCollapsed[j] += plan.kappa[m] * amount;
        }
      }
    }
  }

  /** R_i(k) for k = 1..T into out[offset + k] (see the top of this file). */
  restInto(plan: RestOfPlanInput, i: number, out: Float64Array, offset: number): void {
    const T = this.phases;
    const delta = plan.discount[i];
    let keep = 0;
    for (let k = T; k >= 1; k--) {
      keep = this.all[k] + delta * keep;
      const L = plan.defectLag[i * (T + 1) + k];
      if (L < 0) continue;
      let y = 0;
      let yk = 0;
      let sum = 0;
      let factor = 1;
      for (let t = k; t <= k + L; t++) {
        if (t <= T) {
          y += this.others[t];
          yk += this.othersCollapsed[t];
        }
        sum += factor * y;
        factor *= delta;
      }
      out[offset + k] = keep - ((1 - delta) * sum + factor * yk);
    }
  }
}
