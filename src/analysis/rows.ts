/**
 * The constraint rows of MODEL.md v2 §5: feasibility as a list of rows g_c ≥ 0, each linear in one
 * party's values, g_c(v) = constant + Σ_m coef_m · v_i(m).
 *
 * - exposure rows, k = 1..T: g = τ_i + u_i(κ ⊙ x̂ⁱ_k) (not clamped at 0: a party that is ahead shows
 *   how far ahead it is);
 * - margin rows: g = M_i(k) wherever party i has a move in phase k;
 * - reservation rows: g = u_i(x_T) − ρ_i.
 *
 * Every figure that judges a plan — feasibility, minimum slack, the worst case over ranges, the
 * safety factor and the breaking points (robustness.ts) — is read off these rows, so faces never
 * re-derive a limit test. Rows hold party indices and coefficient arrays; `reportRows` turns them
 * into the JSON document's rows.
 */
import type { CompiledScenario } from "./compile.ts";
import {
  complianceWeights,
  defectionWeights,
  detectionLag,
  dot,
  exposureCoefficients,
  worstDot,
} from "./figures.ts";
import type { RowKind } from "./report.ts";
import type { Schedule } from "./schedule.ts";

/** Figures within this of a limit count as on it (floating-point noise, not a violation). */
export const EPSILON = 1e-9;

export interface ConstraintRow {
  kind: RowKind;
  /** Party index: the row is linear in this party's values only. */
  party: number;
  /** Phase k for exposure and margin rows; null for the reservation row. */
  phase: number | null;
  /** The constant term b_c: τ_i for exposure, 0 for margin, −ρ_i for reservation. */
  constant: number;
  /** a_c: the coefficient of v_party(m) for each move m. */
  coef: Float64Array;
  /** Margin rows: the detection lag L of a defection in that phase. */
  lag?: number;
}

/** The rows of one party, in phase order: exposure k = 1..T, margins where defined, reservation. */
export function partyRows(c: CompiledScenario, s: Schedule, party: number): ConstraintRow[] {
  const rows: ConstraintRow[] = [];
  const tau = c.tolerance[party];
  for (let k = 1; k <= s.phases; k++) {
    rows.push({
      kind: "exposure",
      party,
      phase: k,
      constant: tau,
      coef: exposureCoefficients(c, s, party, k),
    });
  }
  const comply = complianceWeights(c, s, party);
  for (let k = 1; k <= s.phases; k++) {
    const lag = detectionLag(c, s, party, k);
    if (lag === undefined) continue;
    const defect = defectionWeights(c, s, party, k, lag);
    const coef = comply[k].map((w, m) => w - defect[m]);
    rows.push({ kind: "margin", party, phase: k, constant: 0, coef, lag });
  }
  rows.push({
    kind: "reservation",
    party,
    phase: null,
    constant: -c.reservation[party],
    coef: Float64Array.from(s.x[s.phases]),
  });
  return rows;
}

/** Every row of a plan, party by party. */
export function constraintRows(c: CompiledScenario, s: Schedule): ConstraintRow[] {
  return c.partyIds.flatMap((_, i) => partyRows(c, s, i));
}

/** g_c at the given values ([party][move]; default the nominal values). */
export function rowValue(c: CompiledScenario, row: ConstraintRow, values = c.values.nominal): number {
  return row.constant + dot(values[row.party], row.coef);
}

/** The least g_c over every value in its range: each value at whichever end lowers the row (exact). */
export function rowWorst(c: CompiledScenario, row: ConstraintRow): number {
  return row.constant + worstDot(c.values.low[row.party], c.values.high[row.party], row.coef);
}

/**
 * Whether g_c depends on at least one value of the scenario (MODEL.md v2 §5): some move with a
 * non-zero value for the party (anywhere in its range) has a non-zero coefficient. A row that
 * depends on none is a constant (the tolerance of a party nothing has touched yet) and is left
 * out of the minimum slack.
 */
export function rowDependsOnValues(c: CompiledScenario, row: ConstraintRow): boolean {
  const low = c.values.low[row.party];
  const high = c.values.high[row.party];
  for (let m = 0; m < row.coef.length; m++) {
    if (row.coef[m] !== 0 && (low[m] !== 0 || high[m] !== 0)) return true;
  }
  return false;
}

/** A row holds (g ≥ 0 within EPSILON). The one limit test every face uses. */
export function rowHolds(slack: number): boolean {
  return slack >= -EPSILON;
}

/**
 * Minimum slack v2: the least g_c over the rows that depend on a value. When none does (a plan
 * that touches no valued move), the least of all rows, and 0 for a plan with no rows at all, so
 * the figure stays a finite number.
 */
export function minimumSlack(c: CompiledScenario, rows: readonly ConstraintRow[], values = c.values.nominal) {
  let dependent = Number.POSITIVE_INFINITY;
  let any = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    const g = rowValue(c, row, values);
    any = Math.min(any, g);
    if (rowDependsOnValues(c, row)) dependent = Math.min(dependent, g);
  }
  if (Number.isFinite(dependent)) return dependent;
  return Number.isFinite(any) ? any : 0;
}

/** The least worst-case g_c over the rows that depend on a value (same fallbacks as minimumSlack). */
export function worstMinimumSlack(c: CompiledScenario, rows: readonly ConstraintRow[]): number {
  let dependent = Number.POSITIVE_INFINITY;
  let any = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    const g = rowWorst(c, row);
    any = Math.min(any, g);
    if (rowDependsOnValues(c, row)) dependent = Math.min(dependent, g);
  }
  if (Number.isFinite(dependent)) return dependent;
  return Number.isFinite(any) ? any : 0;
}

/** A row named in words, e.g. "b's exposure after phase 3" (used in messages and the tornado). */
export function describeRow(
  c: CompiledScenario,
  row: { kind: RowKind; party: number; phase: number | null },
) {
  const name = c.scenario.parties[row.party]?.name ?? c.partyIds[row.party];
  switch (row.kind) {
    case "exposure":
      return `${name}'s exposure after phase ${row.phase} (tolerance ${fmt(c.tolerance[row.party])})`;
    case "margin":
      return `${name}'s incentive to keep to the plan in phase ${row.phase}`;
    case "reservation":
      return `${name}'s final value against its reservation ${fmt(c.reservation[row.party])}`;
  }
}

export function fmt(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2);
}
