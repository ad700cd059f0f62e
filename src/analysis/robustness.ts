/**
 * Robustness of a fixed plan (MODEL.md v2 §7): the safety factor θ*, what breaks first, and the
 * breaking point of every value, tolerance and reservation.
 *
 * Every constraint row is linear in one party's values once κ and the credit rule are classified
 * by each value's nominal sign (rows.ts): g_c(v) = b_c + Σ_j a_cj v_j. So
 *   θ* = min_c g_c(v̂) / Σ_j |a_cj| w_j        (rows with a non-zero denominator; +∞ if none),
 * capped at θ_sign = min |v̂_j| / w_j over the uncertain values that enter a row (beyond it a value
 * would change sign, and the rows would no longer be these), and for each value alone
 *   β⁻_j = min { g_c / a_cj : a_cj > 0 },   β⁺_j = min { g_c / (−a_cj) : a_cj < 0 }.
 * Both are defined for a plan feasible at nominal values only: θ* is null and the breaking points
 * are an empty list otherwise. One pass over the rows and their coefficients: no re-analysis.
 */
import type { CompiledScenario } from "./compile.ts";
import type { BreakingPoint, RowRef, Safety } from "./report.ts";
import { type ConstraintRow, fmt, rowValue, tidyFigure } from "./rows.ts";

/** What robustness needs of an analysis: its verdict and its rows with their coefficients. */
export interface RowsOfPlan {
  feasible: boolean;
  constraintRows: readonly ConstraintRow[];
}

const KIND_ORDER = { exposure: 0, margin: 1, reservation: 2 } as const;

/** Of two rows at the same ratio, the one that bites first: earlier phase, then kind, then party. */
function bitesFirst(a: ConstraintRow, b: ConstraintRow): boolean {
  const pa = a.phase ?? Number.MAX_SAFE_INTEGER;
  const pb = b.phase ?? Number.MAX_SAFE_INTEGER;
  if (pa !== pb) return pa < pb;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind];
  return a.party < b.party;
}

/** A smaller ratio, or (within rounding) the same ratio on a row that bites first. */
function better(
  ratio: number,
  row: ConstraintRow,
  best: number,
  bestRow: ConstraintRow | undefined,
): boolean {
  if (bestRow === undefined) return true;
  const tie = Math.abs(ratio - best) <= 1e-12 * Math.max(1, Math.abs(best));
  return tie ? bitesFirst(row, bestRow) : ratio < best;
}

function ref(c: CompiledScenario, row: ConstraintRow): RowRef {
  return { kind: row.kind, party: c.partyIds[row.party], phase: row.phase };
}

/** The half-widths w of one party's values, [move]. */
function widths(c: CompiledScenario, party: number): Float64Array {
  const low = c.values.low[party];
  const high = c.values.high[party];
  return low.map((l, m) => (high[m] - l) / 2);
}

/** "What breaks first" in words. */
export function breakText(c: CompiledScenario, row: ConstraintRow, capped: boolean): string {
  const name = c.scenario.parties[row.party]?.name ?? c.partyIds[row.party];
  const what =
    row.kind === "exposure"
      ? `${name}'s exposure after phase ${row.phase} would exceed its tolerance ${fmt(c.tolerance[row.party])}`
      : row.kind === "margin"
        ? `${name} would gain by walking away in phase ${row.phase}`
        : `${name} would end the deal below its reservation ${fmt(c.reservation[row.party])}`;
  return capped
    ? `nothing breaks before a value would change sign; beyond that, first: ${what}`
    : `first to break: ${what}`;
}

/**
 * The safety factor θ* of a plan (MODEL.md §7), or null for a plan infeasible at nominal values.
 * `theta` is null exactly when `unbounded` (no row moves with an uncertain value).
 */
export function safety(c: CompiledScenario, analysis: RowsOfPlan): Safety | null {
  if (!analysis.feasible) return null;
  const w = c.partyIds.map((_, i) => widths(c, i));
  let theta = Number.POSITIVE_INFINITY;
  let first: ConstraintRow | undefined;
  let thetaSign = Number.POSITIVE_INFINITY;
  for (const row of analysis.constraintRows) {
    const wi = w[row.party];
    const nominal = c.values.nominal[row.party];
    let denominator = 0;
    for (let m = 0; m < row.coef.length; m++) {
      const a = row.coef[m];
      if (a === 0 || wi[m] === 0) continue;
      denominator += Math.abs(a) * wi[m];
      thetaSign = Math.min(thetaSign, Math.abs(nominal[m]) / wi[m]);
    }
    if (denominator === 0) continue;
    // A row within rounding of its limit (feasible by the analysis's test) counts as exactly on it.
    const ratio = Math.max(0, rowValue(c, row)) / denominator;
    if (better(ratio, row, theta, first)) {
      theta = ratio;
      first = row;
    }
  }
  if (first === undefined) {
    return { theta: null, unbounded: true, capped: false, thetaSign: null, breaksFirst: null };
  }
  // Within rounding of θ_sign the row breaks exactly where a value reaches zero: not capped.
  const capped = theta > thetaSign * (1 + 1e-12);
  return {
    theta: capped ? thetaSign : theta,
    unbounded: false,
    capped,
    thetaSign,
    breaksFirst: { ...ref(c, first), text: breakText(c, first, capped) },
  };
}

/** For each move, the least g_c / |a_cm| over one party's rows whose coefficient has each sign. */
interface Nearest {
  down: Float64Array;
  downRow: Array<ConstraintRow | undefined>;
  up: Float64Array;
  upRow: Array<ConstraintRow | undefined>;
}

/**
 * One pass over a party's rows and coefficients (rows × moves), keeping for every move the nearest
 * break in each direction; ties go to the row that bites first.
 */
function nearestBreaks(rows: readonly ConstraintRow[], slacks: readonly number[], moves: number): Nearest {
  const out: Nearest = {
    down: new Float64Array(moves).fill(Number.POSITIVE_INFINITY),
    downRow: new Array(moves),
    up: new Float64Array(moves).fill(Number.POSITIVE_INFINITY),
    upRow: new Array(moves),
  };
  rows.forEach((row, n) => {
    const g = slacks[n];
    const coef = row.coef;
    for (let m = 0; m < moves; m++) {
      const a = coef[m];
      if (a > 0) {
        const ratio = g / a;
        if (ratio <= out.down[m] * (1 + 1e-12) + 1e-300 && better(ratio, row, out.down[m], out.downRow[m])) {
          out.down[m] = ratio;
          out.downRow[m] = row;
        }
      } else if (a < 0) {
        const ratio = g / -a;
        if (ratio <= out.up[m] * (1 + 1e-12) + 1e-300 && better(ratio, row, out.up[m], out.upRow[m])) {
          out.up[m] = ratio;
          out.upRow[m] = row;
        }
      }
    }
  });
  return out;
}

/**
 * The breaking points of a plan (MODEL.md §7): for every value written in the scenario, how far it
 * may fall (`down`) or rise (`up`) alone, in its own unit, before the plan becomes infeasible, and
 * the row that breaks; a break that needs the value to reach or cross zero is none (null). Then each
 * party's tolerance (how far it may fall) and reservation (how far it may rise). Empty for a plan
 * infeasible at nominal values.
 */
export function breakingPoints(c: CompiledScenario, analysis: RowsOfPlan): BreakingPoint[] {
  if (!analysis.feasible) return [];
  const byParty = c.partyIds.map(() => [] as ConstraintRow[]);
  for (const row of analysis.constraintRows) byParty[row.party].push(row);
  const slacks = byParty.map((rows) => rows.map((row) => Math.max(0, rowValue(c, row))));
  const out: BreakingPoint[] = [];
  const M = c.moveIds.length;
  const nearest = byParty.map((rows, i) => nearestBreaks(rows, slacks[i], M));
  const found = (amount: number, row: ConstraintRow | undefined) =>
    row ? { amount, row: ref(c, row) } : { amount: null, row: null };
  c.scenario.moves.forEach((move, m) => {
    c.partyIds.forEach((party, i) => {
      if (move.value[party] === undefined) return;
      const nominal = c.values.nominal[i][m];
      const width = (c.values.high[i][m] - c.values.low[i][m]) / 2;
      let down: { amount: number | null; row: RowRef | null } = found(
        nearest[i].down[m],
        nearest[i].downRow[m],
      );
      let up: { amount: number | null; row: RowRef | null } = found(nearest[i].up[m], nearest[i].upRow[m]);
      // A value keeps its sign: a break that needs it to reach or cross zero is none.
      // (Within rounding of zero counts as reaching it.)
      const none = { amount: null, row: null };
      const reachesZero = (amount: number | null) =>
        amount !== null && amount >= Math.abs(nominal) * (1 - 1e-12);
      if (nominal === 0) {
        down = none;
        up = none;
      } else if (nominal > 0 && reachesZero(down.amount)) down = none;
      else if (nominal < 0 && reachesZero(up.amount)) up = none;
      out.push({
        field: "value",
        move: move.id,
        party,
        nominal,
        width,
        down: down.amount,
        downRow: down.row,
        up: up.amount,
        upRow: up.row,
      });
    });
  });
  c.partyIds.forEach((party, i) => {
    const tau = c.tolerance[i];
    let least: { amount: number; row: ConstraintRow } | undefined;
    byParty[i].forEach((row, n) => {
      if (row.kind !== "exposure") return;
      if (!least || better(slacks[i][n], row, least.amount, least.row)) least = { amount: slacks[i][n], row };
    });
    // Only a fall that leaves τ ≥ 0 counts: a party that is never behind cannot break on its tolerance.
    const down = least && least.amount < tau ? least : undefined;
    out.push({
      field: "tolerance",
      party,
      nominal: tau,
      width: 0,
      down: down ? down.amount : null,
      downRow: down ? ref(c, down.row) : null,
      up: null,
      upRow: null,
    });
  });
  c.partyIds.forEach((party, i) => {
    const n = byParty[i].findIndex((row) => row.kind === "reservation");
    const row = byParty[i][n];
    out.push({
      field: "reservation",
      party,
      nominal: c.reservation[i],
      width: 0,
      down: null,
      downRow: null,
      up: row ? slacks[i][n] : null,
      upRow: row ? ref(c, row) : null,
    });
  });
  return out;
}

/** A breaking point inside the value's own range: the stated uncertainty already allows the break. */
export function breaksInsideRange(point: BreakingPoint): boolean {
  if (point.width === 0) return false;
  return (point.down !== null && point.down <= point.width) || (point.up !== null && point.up <= point.width);
}

/** The tornado's order: the nearest break as a multiple of the half-width (point values last). */
export function tornadoOrder(points: readonly BreakingPoint[]): BreakingPoint[] {
  const key = (p: BreakingPoint) => {
    const nearest = Math.min(p.down ?? Number.POSITIVE_INFINITY, p.up ?? Number.POSITIVE_INFINITY);
    return p.width > 0 ? [0, nearest / p.width] : [1, nearest];
  };
  return [...points].sort((a, b) => {
    const [ga, ka] = key(a);
    const [gb, kb] = key(b);
    return ga - gb || ka - kb;
  });
}

const tidyOrNull = (x: number | null) => (x === null ? null : tidyFigure(x));

/** The document fields robustness adds to an analysis (analyze --json, the API), rounded like every figure. */
export function robustnessReport(
  c: CompiledScenario,
  analysis: RowsOfPlan,
): { safety: Safety | null; breakingPoints: BreakingPoint[] } {
  const s = safety(c, analysis);
  return {
    safety: s && { ...s, theta: tidyOrNull(s.theta), thetaSign: tidyOrNull(s.thetaSign) },
    breakingPoints: breakingPoints(c, analysis).map((p) => ({
      ...p,
      nominal: tidyFigure(p.nominal),
      width: tidyFigure(p.width),
      down: tidyOrNull(p.down),
      up: tidyOrNull(p.up),
    })),
  };
}
