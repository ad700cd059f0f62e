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
  complianceWeightsFlat,
  detectionLag,
  dot,
  exposureCoefficientsInto,
  marginCoefficientsInto,
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

/**
 * The rows of one party, in phase order: exposure k = 1..T, margins where defined, reservation.
 *
 * The coefficients of all of them live in one flat buffer (rows × moves) and each row's `coef` is
 * a view into it: one allocation per party instead of one or more per row, and the weights are
 * computed straight into place. The arithmetic is that of figures.ts term for term (same order of
 * operations), so the figures are the same to the last bit; `scratch` may hold a buffer of at
 * least (T + 1) × moves for the compliance weights, reused across parties.
 */
export function partyRows(
  c: CompiledScenario,
  s: Schedule,
  party: number,
  scratch?: Float64Array,
): ConstraintRow[] {
  const T = s.phases;
  const M = c.moveIds.length;
  const lags: Array<number | undefined> = [];
  let marginRows = 0;
  for (let k = 1; k <= T; k++) {
    lags[k] = detectionLag(c, s, party, k);
    if (lags[k] !== undefined) marginRows++;
  }
  const buffer = new Float64Array((T + marginRows + 1) * M);
  const rows: ConstraintRow[] = [];
  let at = 0;
  const next = () => {
    at += M;
    return buffer.subarray(at - M, at);
  };
  const tau = c.tolerance[party];
  for (let k = 1; k <= T; k++) {
    const coef = next();
    exposureCoefficientsInto(c, s, party, k, coef);
    rows.push({ kind: "exposure", party, phase: k, constant: tau, coef });
  }
  if (marginRows > 0) {
    const comply = complianceWeightsFlat(c, s, party, scratch);
    for (let k = 1; k <= T; k++) {
      const lag = lags[k];
      if (lag === undefined) continue;
      const coef = next();
      marginCoefficientsInto(c, s, party, k, lag, comply.subarray(k * M, (k + 1) * M), coef);
      rows.push({ kind: "margin", party, phase: k, constant: 0, coef, lag });
    }
  }
  const final = next();
  final.set(s.x[T]);
  rows.push({ kind: "reservation", party, phase: null, constant: -c.reservation[party], coef: final });
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

/** A row's nominal value g_c, its worst case and whether it depends on a value. */
export interface RowFigures {
  value: number;
  worst: number;
  dependsOnValues: boolean;
}

/**
 * rowValue, rowWorst and rowDependsOnValues in one pass over the coefficients (the analysis needs
 * all three of every row); each sum is taken in the same order as theirs, so the figures are equal.
 */
export function rowFigures(c: CompiledScenario, row: ConstraintRow): RowFigures {
  return figuresOf(c, row.party, row.coef, row.constant);
}

/**
 * The figures of party `party`'s row with coefficients `coef` and constant term `constant`: the one
 * summation (same terms, same order) behind every row's figures, the analysis's and the planner's
 * incremental scorer's (placement-score.ts), so the two agree to the last bit.
 */
export function figuresOf(
  c: CompiledScenario,
  party: number,
  coef: Float64Array,
  constant: number,
): RowFigures {
  const nominal = c.values.nominal[party];
  const low = c.values.low[party];
  const high = c.values.high[party];
  let value = 0;
  let worst = 0;
  let depends = false;
  for (let m = 0; m < coef.length; m++) {
    const a = coef[m];
    value += nominal[m] * a;
    worst += (a >= 0 ? low[m] : high[m]) * a;
    if (a !== 0 && (low[m] !== 0 || high[m] !== 0)) depends = true;
  }
  return { value: constant + value, worst: constant + worst, dependsOnValues: depends };
}

/** A figure as reports give it: rounded to 1e-9, and never −0. */
export function tidyFigure(x: number): number {
  const r = Math.round(x * 1e9) / 1e9;
  return Object.is(r, -0) ? 0 : r;
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
  return leastSlack(
    rows.map((row) => ({ value: rowValue(c, row, values), dependsOnValues: rowDependsOnValues(c, row) })),
  );
}

/** minimumSlack's rule over rows whose figures are known already. */
export function leastSlack(rows: Iterable<Pick<RowFigures, "value" | "dependsOnValues">>): number {
  let dependent = Number.POSITIVE_INFINITY;
  let any = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    any = Math.min(any, row.value);
    if (row.dependsOnValues) dependent = Math.min(dependent, row.value);
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
