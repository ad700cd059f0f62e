/**
 * The constraint rows of one party under a plan (MODEL.md §5), each a number g that must be ≥ 0:
 * exposure g = τ_i + u_i(κ ⊙ x̂ⁱ_k) for k = 1..T (not clamped), margin g = M_i(k) wherever i can
 * defect, reservation g = u_i(x_T) − ρ_i. Perspectives compare these rows between the truth and a
 * party's view; this is the one place that computes them for that purpose, so it can be swapped
 * for the analysis's own row table once there is one.
 */
import type { CompiledScenario } from "./compile.ts";
import { complianceWeights, defectionWeights, detectionLag, dot, exposureCoefficients } from "./figures.ts";
import type { Schedule } from "./schedule.ts";

export type RowKind = "exposure" | "margin" | "reservation";

export interface Row {
  kind: RowKind;
  /** The phase of an exposure or margin row; null for the reservation row. */
  phase: number | null;
  /** g: the row holds when g ≥ 0. */
  value: number;
}

/** Every row of party i, in a fixed order (exposure by phase, margin by phase, reservation). */
export function partyRows(c: CompiledScenario, s: Schedule, i: number): Row[] {
  const v = c.values.nominal[i];
  const rows: Row[] = [];
  for (let k = 1; k <= s.phases; k++) {
    rows.push({
      kind: "exposure",
      phase: k,
      value: c.tolerance[i] + dot(v, exposureCoefficients(c, s, i, k)),
    });
  }
  const comply = complianceWeights(c, s, i);
  for (let k = 1; k <= s.phases; k++) {
    const lag = detectionLag(c, s, i, k);
    if (lag === undefined) continue;
    rows.push({
      kind: "margin",
      phase: k,
      value: dot(v, comply[k]) - dot(v, defectionWeights(c, s, i, k, lag)),
    });
  }
  rows.push({ kind: "reservation", phase: null, value: dot(v, s.x[s.phases]) - c.reservation[i] });
  return rows;
}

/** The weight of each of party i's values in one row (g = constant + Σ_m v_i(m) · weight_m). */
export function rowWeights(
  c: CompiledScenario,
  s: Schedule,
  i: number,
  kind: RowKind,
  phase: number | null,
): Float64Array {
  if (kind === "exposure") return exposureCoefficients(c, s, i, phase ?? 0);
  if (kind === "reservation") return Float64Array.from(s.x[s.phases]);
  const k = phase ?? 0;
  const lag = detectionLag(c, s, i, k) ?? 0;
  const comply = complianceWeights(c, s, i)[k];
  const defect = defectionWeights(c, s, i, k, lag);
  return comply.map((w, m) => w - defect[m]);
}
