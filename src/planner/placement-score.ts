/**
 * The first plan's local search (placement-search.ts) scores 1,000–2,400 placements per 60 × 4 × 20 call,
 * each by a full analysis (0.1–0.25 ms: every row of every party, reports, violations and their
 * messages). A step moves one move, or a few, so most rows keep their coefficients. This scorer
 * keeps the last placement's rows and, for the next one, recomputes only the coefficients of the
 * moves that changed, then the figures of the rows whose coefficients changed (docs/planner.md,
 * "Scoring a step from the rows it touches").
 *
 * Exact, not approximate: every coefficient is computed by the analysis's own formulas (figures.ts,
 * exposure.ts) term for term, and a row whose coefficients changed is summed again in full, in the
 * analysis's order (rows.ts `rowFigures`), so each figure is the full analysis's to the last bit
 * and the search takes the same steps. test/planner/placement-score.test.ts checks that against
 * `analyzeSchedule` on generated scenarios and steps; the full analysis stays the judge of the plan
 * the search returns (`firstPlanOf`).
 */
import {
  type Analysis,
  type CompiledScenario,
  defectionWeight,
  detectionLag,
  figuresOf,
  isValidSchedule,
  rowHolds,
  type Schedule,
  tidyFigure,
} from "../analysis/index.ts";
import type { Placement, Splits } from "./placement-search.ts";
import { type Context, slackOf } from "./session.ts";

/** Higher is better; see placement-search.ts `Judge`. */
export type Score = number[];

/**
 * The search's score of an analysis: the minimum slack of a feasible plan (below 0 for any other,
 * −∞ for an invalid one), then, for a feasible plan and `depth` > 1, the next least row slacks in
 * order, `depth` figures in all (placement-search.ts `Judge`).
 */
export function scoreOfAnalysis(ctx: Context, a: Analysis, depth: number): Score {
  if (!a.valid) return [Number.NEGATIVE_INFINITY];
  const slack = slackOf(ctx, a);
  const first = ctx.fits(a) ? slack : Math.min(slack, -1e-9);
  if (depth <= 1 || !(first >= 0)) return [first];
  const slacks: number[] = [];
  for (const row of a.rows) if (row.dependsOnValues) slacks.push(ctx.robust ? row.worstSlack : row.slack);
  slacks.sort((x, y) => x - y);
  return [first, ...slacks.slice(1, depth)];
}

/**
 * The feasibility rules this scorer can decide from the rows alone: a valid plan whose every row
 * holds (and, robust, whose every row holds at its worst case too). `find.ts` sets `ctx.fits` to
 * one of these; any other rule (interim plans, credibility, a safety target) is decided by a full
 * analysis (`scorerFor` returns undefined).
 */
export const feasibleFit = (a: Analysis) => a.feasible;
export const robustFit = (a: Analysis) => a.robustlyFeasible;

/** One party's rows: exposure k = 1..T, margin where it has a move, reservation (rows.ts). */
interface PartyRows {
  /** Exposure coefficients, row k at (k − 1)·M. */
  exposure: Float64Array;
  /** Compliance weights S_k, at k·M (figures.ts `complianceWeightsFlat`). */
  comply: Float64Array;
  /** Margin coefficients, row k at k·M, where `lag[k]` ≥ 0. */
  margin: Float64Array;
  /** Detection lag of a defection in phase k, −1 without a margin row (figures.ts `detectionLag`). */
  lag: Int32Array;
  /** Figures of the rows: exposure k at k − 1, margin k at T + k − 1, reservation at 2T. */
  value: Float64Array;
  worst: Float64Array;
  depends: Uint8Array;
  dirty: Uint8Array;
}

export class PlacementScorer {
  private readonly c: CompiledScenario;
  private readonly M: number;
  private schedule: Schedule | undefined;
  private parties: PartyRows[] = [];
  /** The placement the rows are of: phase, and split (second phase, share; 0, 0 without one). */
  private at: Int32Array;
  private second: Int32Array;
  private share: Float64Array;
  /** Set by `place`: [party·(T + 1) + k], whether one of the party's moves came or went in phase k. */
  private presence = new Uint8Array(0);
  /** Set by `place`: whether x_T changed (the reservation rows). */
  private finalMoved = false;
  private changed: Int32Array;

  constructor(private readonly ctx: Context) {
    this.c = ctx.c;
    this.M = ctx.c.moveIds.length;
    this.at = new Int32Array(this.M);
    this.second = new Int32Array(this.M);
    this.share = new Float64Array(this.M);
    this.changed = new Int32Array(this.M);
  }

  /** The score `scoreOfAnalysis` gives the full analysis of this placement, to the last bit. */
  score(at: Placement, splits: Splits | undefined, depth: number): Score {
    const T = phasesOf(at, splits);
    if (this.schedule === undefined || this.schedule.phases !== T) this.rebuild(at, splits, T);
    else this.update(at, splits);
    return this.scoreRows(depth);
  }

  /**
   * Every row held, in the analysis's order (rows.ts `partyRows`: per party its exposure rows,
   * margin rows and reservation row), with its figures: for tests to compare with the analysis's.
   */
  rows(): Array<{
    kind: string;
    party: number;
    phase: number | null;
    value: number;
    worst: number;
    dependsOnValues: boolean;
  }> {
    const T = this.schedule?.phases ?? 0;
    return this.parties.flatMap((rows, party) => {
      const at = (kind: string, phase: number | null, n: number) => ({
        kind,
        party,
        phase,
        value: rows.value[n],
        worst: rows.worst[n],
        dependsOnValues: rows.depends[n] === 1,
      });
      const list = [];
      for (let k = 1; k <= T; k++) list.push(at("exposure", k, k - 1));
      for (let k = 1; k <= T; k++) if (rows.lag[k] >= 0) list.push(at("margin", k, T + k - 1));
      list.push(at("reservation", null, 2 * T));
      return list;
    });
  }

  /** Every row from scratch: the first placement, or one that ends in another phase. */
  private rebuild(at: Placement, splits: Splits | undefined, T: number) {
    const { c, M } = this;
    const P = c.partyIds.length;
    const delta = Array.from({ length: T + 1 }, () => new Float64Array(M));
    const x = Array.from({ length: T + 1 }, () => new Float64Array(M));
    this.schedule = { phases: T, delta, x };
    this.presence = new Uint8Array(P * (T + 1));
    for (let m = 0; m < M; m++) this.place(m, at, splits);
    this.parties = Array.from({ length: P }, () => ({
      exposure: new Float64Array(T * M),
      comply: new Float64Array((T + 1) * M),
      margin: new Float64Array((T + 1) * M),
      lag: new Int32Array(T + 1).fill(-1),
      value: new Float64Array(2 * T + 1),
      worst: new Float64Array(2 * T + 1),
      depends: new Uint8Array(2 * T + 1),
      dirty: new Uint8Array(2 * T + 1).fill(1),
    }));
    for (let i = 0; i < P; i++) {
      const rows = this.parties[i];
      for (let m = 0; m < M; m++) this.exposureColumn(i, m, rows);
      for (let m = 0; m < M; m++) this.complyColumn(i, m, rows);
      for (let k = 1; k <= T; k++) {
        rows.lag[k] = detectionLag(c, this.schedule, i, k) ?? -1;
        if (rows.lag[k] >= 0) this.marginRow(i, k, rows);
      }
      this.figures(i, rows);
    }
  }

  /** The rows of the moves that changed since the last placement (same last phase T). */
  private update(at: Placement, splits: Splits | undefined) {
    const { c, M } = this;
    const s = this.schedule!;
    const T = s.phases;
    const changed = this.changed;
    let n = 0;
    for (let m = 0; m < M; m++) {
      const split = splits?.[m];
      if (
        at[m] !== this.at[m] ||
        (split?.then ?? 0) !== this.second[m] ||
        (split?.share ?? 0) !== this.share[m]
      ) {
        changed[n++] = m;
      }
    }
    if (n === 0) return;
    this.presence.fill(0);
    this.finalMoved = false;
    for (let j = 0; j < n; j++) this.place(changed[j], at, splits);
    for (let i = 0; i < this.parties.length; i++) {
      const rows = this.parties[i];
      for (let j = 0; j < n; j++) {
        this.exposureColumn(i, changed[j], rows);
        this.complyColumn(i, changed[j], rows);
      }
      for (let k = 1; k <= T; k++) {
        // a move of this party's came or went in phase k: its detection lag there may be another
        const lag = this.presence[i * (T + 1) + k] ? (detectionLag(c, s, i, k) ?? -1) : rows.lag[k];
        if (lag !== rows.lag[k]) {
          rows.lag[k] = lag;
          rows.dirty[T + k - 1] = 1;
          if (lag >= 0) this.marginRow(i, k, rows);
        } else if (lag >= 0) {
          for (let j = 0; j < n; j++) this.marginCell(i, k, changed[j], rows);
        }
      }
      if (this.finalMoved) rows.dirty[2 * T] = 1;
      this.figures(i, rows);
    }
  }

  /** Move m's column of the trajectory, as `placementSchedule` and `scheduleFromDeltas` build it. */
  private place(m: number, at: Placement, splits: Splits | undefined) {
    const s = this.schedule!;
    const T = s.phases;
    const k = at[m];
    const split = k === 0 ? undefined : splits?.[m];
    const presence = this.c.actor[m] * (T + 1);
    const final = s.x[T][m];
    // the phases where m was done (δ > 0) before: m comes or goes where that differs now
    const first = this.at[m];
    const then = this.second[m];
    for (let j = 0; j <= T; j++) s.delta[j][m] = 0;
    if (k > 0) {
      s.delta[k][m] = split ? split.share : 1;
      if (split) s.delta[split.then][m] = 1 - split.share;
    }
    for (let j = 1; j <= T; j++) s.x[j][m] = Math.min(1, s.x[j - 1][m] + s.delta[j][m]);
    for (let j = 1; j <= T; j++) {
      if ((j === first || j === then) !== s.delta[j][m] > 0) this.presence[presence + j] = 1;
    }
    if (s.x[T][m] !== final) this.finalMoved = true;
    this.at[m] = k;
    this.second[m] = split?.then ?? 0;
    this.share[m] = split?.share ?? 0;
  }

  /** Party i's exposure coefficients of move m (figures.ts `exposureCoefficientsInto`). */
  private exposureColumn(i: number, m: number, rows: PartyRows) {
    const { c, M } = this;
    const s = this.schedule!;
    const T = s.phases;
    const credit = c.creditLag[i][m];
    for (let k = 1; k <= T; k++) {
      const t = k - credit;
      const coef = c.kappa[m] * (t <= 0 ? 0 : s.x[Math.min(t, T)][m]);
      const at = (k - 1) * M + m;
      if (rows.exposure[at] !== coef) {
        rows.exposure[at] = coef;
        rows.dirty[k - 1] = 1;
      }
    }
  }

  /** Party i's compliance weights of move m (figures.ts `complianceWeightsFlat`, one column). */
  private complyColumn(i: number, m: number, rows: PartyRows) {
    const { c, M } = this;
    const s = this.schedule!;
    const T = s.phases;
    const delta = c.discount[i];
    const w = rows.comply;
    w[T * M + m] = s.x[T][m];
    for (let k = T - 1; k >= 1; k--) w[k * M + m] = (1 - delta) * s.x[k][m] + delta * w[(k + 1) * M + m];
  }

  /** Party i's margin coefficient of move m in phase k (figures.ts `marginCoefficientsInto`). */
  private marginCell(i: number, k: number, m: number, rows: PartyRows) {
    const { M } = this;
    const coef = rows.comply[k * M + m] - defectionWeight(this.c, this.schedule!, i, k, rows.lag[k], m);
    if (rows.margin[k * M + m] !== coef) {
      rows.margin[k * M + m] = coef;
      rows.dirty[this.schedule!.phases + k - 1] = 1;
    }
  }

  /** Party i's whole margin row of phase k (its detection lag is new). */
  private marginRow(i: number, k: number, rows: PartyRows) {
    for (let m = 0; m < this.M; m++) this.marginCell(i, k, m, rows);
    rows.dirty[this.schedule!.phases + k - 1] = 1;
  }

  /** The figures of party i's changed rows. */
  private figures(i: number, rows: PartyRows) {
    const { c, M } = this;
    const s = this.schedule!;
    const T = s.phases;
    for (let k = 1; k <= T; k++) {
      if (rows.dirty[k - 1]) this.sum(i, rows, k - 1, rows.exposure, (k - 1) * M, c.tolerance[i]);
      if (rows.dirty[T + k - 1] && rows.lag[k] >= 0) this.sum(i, rows, T + k - 1, rows.margin, k * M, 0);
    }
    if (rows.dirty[2 * T]) this.sum(i, rows, 2 * T, s.x[T], 0, -c.reservation[i]);
  }

  /** One row's figures, by the analysis's own summation (rows.ts `figuresOf`). */
  private sum(i: number, rows: PartyRows, at: number, coef: Float64Array, offset: number, constant: number) {
    const figures = figuresOf(this.c, i, coef.subarray(offset, offset + this.M), constant);
    rows.value[at] = figures.value;
    rows.worst[at] = figures.worst;
    rows.depends[at] = figures.dependsOnValues ? 1 : 0;
    rows.dirty[at] = 0;
  }

  /** `scoreOfAnalysis` of the rows held: the same figures, read the same way. */
  private scoreRows(depth: number): Score {
    const { ctx } = this;
    const s = this.schedule!;
    const T = s.phases;
    if (!isValidSchedule(this.c, s)) return [Number.NEGATIVE_INFINITY];
    let feasible = true;
    let robustly = true;
    let dependent = Number.POSITIVE_INFINITY;
    let any = Number.POSITIVE_INFINITY;
    // the `depth` least dependent rows, ascending (what sorting them all and slicing gives)
    const lowest: number[] = [];
    for (const rows of this.parties) {
      for (let at = 0; at <= 2 * T; at++) {
        if (at >= T && at < 2 * T && rows.lag[at - T + 1] < 0) continue; // no margin row in that phase
        const value = rows.value[at];
        const worst = rows.worst[at];
        if (!rowHolds(value)) feasible = false;
        if (!rowHolds(worst)) robustly = false;
        const g = ctx.robust ? worst : value;
        any = Math.min(any, g);
        if (rows.depends[at]) {
          dependent = Math.min(dependent, g);
          if (depth > 1) keepLeast(lowest, tidyFigure(g), depth);
        }
      }
    }
    const least = Number.isFinite(dependent) ? dependent : Number.isFinite(any) ? any : 0;
    const slack = tidyFigure(least);
    // (`robustFit` for a robust search, `feasibleFit` for a plain one: `scorerFor`)
    const fits = ctx.robust ? feasible && robustly : feasible;
    const first = fits ? slack : Math.min(slack, -1e-9);
    if (depth <= 1 || !(first >= 0)) return [first];
    return [first, ...lowest.slice(1)];
  }
}

/** Inserts x into `least` (ascending) if it is among the `most` least values seen. */
function keepLeast(least: number[], x: number, most: number) {
  if (least.length === most && !(x < least[most - 1])) return;
  let n = least.length < most ? least.length : most - 1;
  while (n > 0 && least[n - 1] > x) {
    least[n] = least[n - 1];
    n--;
  }
  least[n] = x;
}

/** The last phase of a placement's trajectory, as `placementSchedule` counts it (at least 1). */
function phasesOf(at: Placement, splits: Splits | undefined): number {
  let phases = 1;
  for (let m = 0; m < at.length; m++) {
    if (at[m] > 0) phases = Math.max(phases, splits?.[m]?.then ?? at[m]);
  }
  return phases;
}

/**
 * A scorer for this search, or undefined when its feasibility rule is not the rows' alone
 * (`feasibleFit`, `robustFit`): then every placement gets a full analysis.
 */
export function scorerFor(ctx: Context): PlacementScorer | undefined {
  const rowsDecide = ctx.robust ? ctx.fits === robustFit : ctx.fits === feasibleFit;
  return rowsDecide ? new PlacementScorer(ctx) : undefined;
}
