/**
 * The planner's MILP for a fixed number of phases T (docs/planner.md has the derivation).
 *
 * Once T is fixed every figure of MODEL.md §3–4 is linear in the state x_k(m), so the model is:
 * state columns x_k(m) (binary for indivisible moves; continuous with a binary "active in k" for
 * divisible ones), per-party aggregate columns that keep the margin rows short, indicator columns
 * for "party i acts in phase k with a move of lag ≤ ℓ" that pick the detection lag L, and one
 * slack column s that every row of the figures must clear.
 *
 * `buildFormulation` runs the steps below in order; each adds one family of columns or rows.
 */
import {
  type CompiledScenario,
  creditedPhase,
  exposureCoefficient,
  type History,
} from "../analysis/index.ts";
import { firstTouchCap, latestDone } from "./bounds.ts";
import { MilpBuilder, type Term } from "./milp.ts";
import type { Objective } from "./report.ts";
import type { SearchSettings } from "./search-settings.ts";

/** Least share of a divisible move in a phase where it happens (see docs/planner.md). */
export const MIN_SHARE = 1e-3;

/** Tangents of log used by the Nash objective: geometric breakpoints, ratio √2 (error < 1.5 %). */
const NASH_TANGENTS = 48;

export interface FormulationOptions {
  phases: number;
  /** [party][move]: the values the figures use (nominal, or the low ends for robust mode). */
  values: Float64Array[];
  objective: Objective;
  /** Elastic mode: extra tolerance σ_i and inducement μ_i, minimise their total; s is fixed at 0. */
  relax: boolean;
  earliest: number[];
  /**
   * Further value tables whose figures must also be feasible (rows ≥ 0, no slack): the values
   * moved by θ·w toward their worst ends for the safety objective (MODEL.md §7).
   */
  alsoFeasibleAt?: Float64Array[][];
  /**
   * Parties' views (MODEL.md §9) in which every row must also hold (rows ≥ 0, no slack), for plans
   * credible to every party: the same rows, evaluated with each view's figures.
   */
  credibleTo?: CompiledScenario[];
  /** Interim plan (MODEL.md §8): the goal is not required and a divisible move may stop short of 1. */
  interim?: boolean;
  /** Moves the plan must leave out (x = 0 throughout). */
  excluded?: boolean[];
  /** Least progress (MODEL.md §8) the plan must make, as a share of the goal's total weight. */
  minProgress?: number;
  /**
   * Re-planning (MODEL.md §10): the states x_1..x_k0 are fixed to this history and only phases
   * after k0 get rows (state order, prerequisites, lag indicators, exposure, margins). `earliest`
   * must then come from `continuationEarliest`.
   */
  history?: History;
  /** Which strengthenings the model gets (default `STRENGTHENINGS`: all but integer lags). */
  strengthenings?: SearchSettings["strengthenings"];
}

export interface Formulation {
  builder: MilpBuilder;
  /** x[m][k] for k = 1..T (index 0 unused). */
  x: number[][];
  /** Activity columns of divisible moves, active[m][k] (undefined for indivisible moves). */
  active: Array<number[] | undefined>;
  slack: number;
  sigma: number[];
  mu: number[];
  /** Per goal item, the column d_g of how much of it is done (interim plans only). */
  done: number[];
  /** The lag indicators g (continuous; integral at every integral x). */
  lags: number[];
}

const INF = Number.POSITIVE_INFINITY;

/** What every step reads and writes: the scenario, the options and the columns made so far. */
interface Build {
  c: CompiledScenario;
  o: FormulationOptions;
  T: number;
  b: MilpBuilder;
  x: number[][];
  active: Array<number[] | undefined>;
  slack: number;
  slackUpper: number;
  sigma: number[];
  mu: number[];
  done: number[];
  /** Prefix of the figure rows being added: "" for the main table, else which table or view. */
  tag: string;
  /** k0: the last phase of a fixed history (0 without one). */
  k0: number;
  /** Fixed columns holding a credited share above the history's state (see `credit`). */
  creditCols: Map<string, number>;
  /**
   * Per move, the phase from which every valid plan has it done (x fixed at 1), or undefined
   * (`latestDone`; only for complete plans without a history).
   */
  latest: Array<number | undefined>;
  /** The strengthenings this model gets (`o.strengthenings` or the defaults). */
  on: SearchSettings["strengthenings"];
}

export function buildFormulation(c: CompiledScenario, o: FormulationOptions): Formulation {
  const on = o.strengthenings ?? STRENGTHENINGS;
  const build: Build = {
    c,
    o,
    T: o.phases,
    b: new MilpBuilder(),
    x: [],
    active: [],
    slack: -1,
    slackUpper: 0,
    sigma: [],
    mu: [],
    done: [],
    tag: "",
    k0: o.history?.phases ?? 0,
    creditCols: new Map(),
    latest:
      partial(o) || o.history || !on.latest
        ? c.moveIds.map(() => undefined)
        : latestDone(c, o.phases).map((by, m) =>
            by !== undefined && by >= o.earliest[m] && !o.excluded?.[m] ? by : undefined,
          ),
    on,
  };
  addStateColumns(build);
  addStateRows(build);
  addGoal(build);
  addPrerequisites(build);
  addSlackColumns(build);
  const indicators = addLagIndicators(build);
  addFigureRows(build, o.values, true, indicators);
  (o.alsoFeasibleAt ?? []).forEach((values, n) => {
    build.tag = `shifted${n + 1}.`;
    addFigureRows(build, values, false, indicators);
  });
  (o.credibleTo ?? []).forEach((view, n) => {
    build.tag = `view${n + 1}.`;
    addFigureRows(build, view.values.nominal, false, indicators, view);
  });
  build.tag = "";
  setObjective(build);
  const { b, x, active, slack, sigma, mu, done } = build;
  return { builder: b, x, active, slack, sigma, mu, done, lags: indicators.map((g) => g.col) };
}

/**
 * An interim plan that may leave goal items undone. One held to progress 1 (the progress
 * objective's complete plans, MODEL.md §8) does every goal item, as a complete plan does, so the
 * bounds that rest on the goal being done hold for it too.
 */
function partial(o: FormulationOptions): boolean {
  return (o.interim ?? false) && (o.minProgress ?? 0) < 1;
}

// --- names -------------------------------------------------------------------------------------------

// Rows are named after the scenario's ids (export.ts sanitises them for MPS and LP): `family.PARTY.K`,
// `family.MOVE.K`, ..., so that an exported model maps back to parties, phases and moves.
const mv = (f: Build, m: number) => f.c.moveIds[m];
const pt = (f: Build, i: number) => f.c.partyIds[i];

// --- terms -------------------------------------------------------------------------------------------

/** x_t(m) as terms: nothing for t ≤ 0, x_T for t > T. */
function state(f: Build, m: number, t: number, coef: number): Term[] {
  return t <= 0 || coef === 0 ? [] : [{ col: f.x[m][Math.min(t, f.T)], coef }];
}

/** "m happens in phase k": Δ_k(m) for an indivisible move (0 or 1), the activity binary otherwise. */
function happens(f: Build, m: number, k: number, coef: number): Term[] {
  const act = f.active[m];
  if (act) return [{ col: act[k], coef }];
  return [...state(f, m, k, coef), ...state(f, m, k - 1, -coef)];
}

/**
 * x̂_k(m) as terms: x_t(m) for the credited phase t (`creditedPhase`, MODEL.md §2), and in
 * re-planning (§10) raised to the share a verifier has verified: where t < k falls in the fixed
 * history, max(V(m), x_t(m)) is a constant, held in a fixed column.
 */
function credit(f: Build, m: number, k: number, t: number, coef: number): Term[] {
  const h = f.o.history;
  if (!h || t === k || t > f.k0 || coef === 0) return state(f, m, t, coef);
  const past = t <= 0 ? 0 : h.x[t][m];
  const seen = Math.max(past, Math.min(h.verified[m], h.x[f.k0][m]));
  if (seen <= past) return state(f, m, t, coef);
  const key = `${m}_${t}`;
  let col = f.creditCols.get(key);
  if (col === undefined) {
    col = f.b.addColumn(`xhat_${m}_${t}`, seen, seen);
    f.creditCols.set(key, col);
  }
  return [{ col, coef }];
}

function elastic(f: Build, cols: number[], i: number, coef: number): Term[] {
  return f.o.relax ? [{ col: cols[i], coef }] : [];
}

/** u_i(x_T) as terms, for the given values. */
function finalTerms(f: Build, values: Float64Array[], i: number): Term[] {
  return f.c.moveIds.flatMap((_, m) => state(f, m, f.T, values[i][m]));
}

// --- state -------------------------------------------------------------------------------------------

function addStateColumns(f: Build): void {
  const { c, o, b, T } = f;
  for (let m = 0; m < c.moveIds.length; m++) {
    const row = [-1];
    const divisible = c.divisible[m];
    const out = o.excluded?.[m] ?? false;
    const history = o.history;
    const now = history?.x[f.k0][m] ?? 0;
    for (let k = 1; k <= T; k++) {
      if (history && k <= f.k0) {
        // the history is fixed: what was done, phase by phase
        const done = history.x[k][m];
        row.push(b.addColumn(`x_${m}_${k}`, done, done));
        continue;
      }
      // a move already (partly) done stays done; one not started waits for its earliest phase
      const upper = (now > 0 ? false : k < o.earliest[m]) || out ? now : 1;
      // Done by its latest phase in every valid plan: fixing it lets the bounds below use it.
      const by = f.latest[m];
      const lower = by !== undefined && k >= by && upper === 1 ? 1 : now;
      // A complete plan does a divisible move completely or not at all, so its final state is
      // binary too; an interim plan may stop part-way (MODEL.md §8).
      row.push(b.addColumn(`x_${m}_${k}`, lower, upper, !divisible || (k === T && !o.interim)));
    }
    f.x.push(row);
    if (divisible) {
      const act = [-1];
      for (let k = 1; k <= T; k++) {
        const upper = k <= f.k0 || k < o.earliest[m] || out ? 0 : 1;
        act.push(b.addColumn(`a_${m}_${k}`, 0, upper, true));
      }
      f.active.push(act);
    } else {
      f.active.push(undefined);
    }
  }
}

/** x never falls; a divisible move's share in a phase is 0 or in [MIN_SHARE, 1], as its binary says. */
function addStateRows(f: Build): void {
  const { c, b, T } = f;
  for (let m = 0; m < c.moveIds.length; m++) {
    for (let k = Math.max(2, f.k0 + 1); k <= T; k++)
      b.atLeast([...state(f, m, k, 1), ...state(f, m, k - 1, -1)], 0, `state.${mv(f, m)}.${k}`);
    const act = f.active[m];
    if (!act) continue;
    for (let k = f.k0 + 1; k <= T; k++) {
      const delta = [...state(f, m, k, 1), ...state(f, m, k - 1, -1)];
      b.atMost([...delta, { col: act[k], coef: -1 }], 0, `share.max.${mv(f, m)}.${k}`);
      b.atLeast([...delta, { col: act[k], coef: -MIN_SHARE }], 0, `share.min.${mv(f, m)}.${k}`);
    }
  }
}

// --- validity: goal and prerequisites ----------------------------------------------------------------

/**
 * A complete plan does every goal item. An interim plan need not; instead d_g measures how much of
 * item g is done (x_T of its move, or the largest x_T among its alternatives), for progress.
 */
function addGoal(f: Build): void {
  const { c, b, T, o } = f;
  if (!o.interim) {
    for (const item of c.goal) {
      if (item.length === 1) b.model.colLower[f.x[item[0]][T]] = 1;
      else
        b.atLeast(
          item.flatMap((m) => state(f, m, T, 1)),
          1,
          `goal.${item.map((m) => mv(f, m)).join(".or.")}`,
        );
    }
    return;
  }
  c.goal.forEach((item, g) => {
    const d = b.addColumn(`d_${g}`, 0, 1);
    f.done.push(d);
    if (item.length === 1 || item.every((m) => !c.divisible[m])) {
      // x_T is binary for indivisible moves, so the largest of them is min(1, their sum).
      b.atMost([{ col: d, coef: 1 }, ...item.flatMap((m) => state(f, m, T, -1))], 0, `done.${g + 1}`);
      return;
    }
    // Shares can be fractional: d_g ≤ x_T(m) for the one alternative the binaries pick.
    const picks = item.map((m) => b.addColumn(`pick_${g}_${m}`, 0, 1, true));
    b.equal(
      picks.map((col) => ({ col, coef: 1 })),
      1,
      `pick.${g + 1}`,
    );
    item.forEach((m, n) => {
      b.atMost(
        [{ col: d, coef: 1 }, ...state(f, m, T, -1), { col: picks[n], coef: 1 }],
        1,
        `done.${g + 1}.${mv(f, m)}`,
      );
    });
  });
  if (o.minProgress !== undefined) b.atLeast(progressTerms(f), o.minProgress, "progress");
}

/** Σ_g W_g d_g / Σ_g W_g: the progress of MODEL.md §8, as terms over the d_g columns. */
function progressTerms(f: Build): Term[] {
  const weights = f.c.goalWeight;
  const total = weights.reduce((sum, w) => sum + w, 0);
  return f.done.map((col, g) => ({ col, coef: weights[g] / total }));
}

/** start(m) ≥ done(p) + lag_p + 1: started by k ⇒ p done by k − lag_p − 1. */
function addPrerequisites(f: Build): void {
  const { c, o, b, T } = f;
  for (let m = 0; m < c.moveIds.length; m++) {
    for (const p of c.requires[m]) {
      for (let k = Math.max(o.earliest[m], f.k0 + 1); k <= T; k++) {
        // After a history (§10) a move may have been done and taken back, so the rule is read per
        // share: m happening in k needs p done by k − lag_p − 1.
        const act = f.active[m];
        const started = act || o.history ? happens(f, m, k, 1) : state(f, m, k, 1);
        b.atMost(
          [...started, ...state(f, p, k - c.lag[p] - 1, -1)],
          0,
          `requires.${mv(f, m)}.${mv(f, p)}.${k}`,
        );
      }
    }
  }
}

// --- slack and elastic columns -----------------------------------------------------------------------

function addSlackColumns(f: Build): void {
  const { c, o, b } = f;
  const slackObjective = o.objective === "phases" || o.objective === "slack";
  f.slackUpper = o.relax
    ? 0
    : Math.min(
        slackBound(c, o.values),
        forcedReservationBound(f),
        lastMoverBound(f),
        forcedActingBound(f),
        firstTouchBound(f),
      );
  f.slack = b.addColumn("s", 0, f.slackUpper, false, slackObjective && !o.relax ? 1 : 0);
  for (let i = 0; i < c.partyIds.length; i++) {
    f.sigma.push(o.relax ? b.addColumn(`sigma_${i}`, 0, INF, false, 1) : -1);
    f.mu.push(o.relax ? b.addColumn(`mu_${i}`, 0, INF, false, 1) : -1);
  }
}

/**
 * No row can exceed this, so neither can the minimum slack (v2 §5: rows are not clamped, so the
 * slack is no longer capped by the least tolerance): an exposure row is at most τ_i + Σ max(0, v),
 * a margin at most Σ max(0, v) (every weight is in [0, 1]), a reservation row Σ max(0, v) − ρ_i.
 */
function slackBound(c: CompiledScenario, values: Float64Array[]): number {
  let bound = 0;
  c.partyIds.forEach((_, i) => {
    const gains = values[i].reduce((sum, v) => sum + Math.max(0, v), 0);
    bound = Math.max(bound, gains + Math.max(c.tolerance[i], -c.reservation[i]));
  });
  return bound;
}

/**
 * A tighter bound on s from the reservation rows that every plan touches. When the goal forces a
 * move valued by party i (x_T fixed at 1), i's reservation row u_i(x_T) − ρ_i ≥ s is always in
 * the minimum slack, and u_i(x_T) is at most the forced moves' values plus every other move's
 * gain. Every big-M below is s's bound minus the row's least value, so this tightens all of them:
 * with the whole goal forced (the usual case), u_i(x_T) is a constant and the bound is exact.
 */
function forcedReservationBound(f: Build): number {
  const { c, o, T } = f;
  let bound = INF;
  c.partyIds.forEach((_, i) => {
    let most = -c.reservation[i];
    let touchedAlways = false;
    for (let m = 0; m < c.moveIds.length; m++) {
      const col = f.x[m][T];
      const v = o.values[i][m];
      if (f.b.model.colUpper[col] === 0) continue;
      if (f.b.model.colLower[col] === 1) {
        most += v;
        if (valued(c, i, m)) touchedAlways = true;
      } else most += Math.max(0, v);
    }
    if (touchedAlways) bound = Math.min(bound, Math.max(0, most));
  });
  return bound;
}

/**
 * A bound on s from the last phase K in which anybody acts (docs/planner.md, "The last mover").
 * Every move done is done by K, so in a margin row (i, K, L) of a party acting in K another
 * party's move weighs δ^{L+1}(1 − κ), and so does an own move done before K, while an own move
 * done in K weighs 1. The row is then at most b_i(L): each move at its better weight (a move the
 * plan may leave out at no less than 0, an own move in K only if its lag is ≥ L), with at least one
 * own move of lag L in K. Somebody acts in K, so s ≤ max_i max_L b_i(L); a party that must act in
 * phase T (a required move that cannot start earlier) always acts in K = T, so s ≤ its own
 * max_L b_i(L) too. A party whose row (K, L) may depend on no value (no required move it values
 * with κ < 1) bounds nothing. Complete plans without a history only; Infinity otherwise.
 */
function lastMoverBound(f: Build): number {
  const { c, o, T } = f;
  if (partial(o) || o.history || !f.on.lastMover) return INF;
  const lower = f.b.model.colLower;
  const upper = f.b.model.colUpper;
  const forced = c.moveIds.map((_, m) => lower[f.x[m][T]] === 1);
  const possible = c.moveIds.map((_, m) => upper[f.x[m][T]] > 0);
  if (!forced.some(Boolean)) return INF;
  let anyone = Number.NEGATIVE_INFINITY;
  let always = INF;
  c.partyIds.forEach((_, i) => {
    const own = ownMoves(c, i).filter((m) => possible[m]);
    if (own.length === 0) return; // never acts
    const delta = c.discount[i];
    const measured = forced.some((must, m) => must && valued(c, i, m) && c.kappa[m] < 1 && delta > 0);
    const atT = own.filter((m) => forced[m] && o.earliest[m] >= T);
    let best = Number.NEGATIVE_INFINITY;
    let bestAtT = Number.NEGATIVE_INFINITY;
    for (const lag of new Set(own.map((m) => c.lag[m]))) {
      const decay = delta ** (lag + 1);
      let total = 0;
      let pick = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < c.moveIds.length; m++) {
        if (!possible[m]) continue;
        const v = o.values[i][m];
        const before = decay * (1 - c.kappa[m]) * v;
        const mine = c.actor[m] === i;
        const most = mine && c.lag[m] >= lag ? Math.max(before, v) : before;
        const contribution = forced[m] ? most : Math.max(0, most);
        total += contribution;
        // a divisible move with a share in K mixes its two weights: no charge for it
        if (mine && c.lag[m] === lag) pick = Math.max(pick, c.divisible[m] ? 0 : v - contribution);
      }
      if (pick === Number.NEGATIVE_INFINITY) continue;
      const row = measured ? total + pick : INF;
      best = Math.max(best, row);
      if (atT.some((m) => c.lag[m] >= lag)) bestAtT = Math.max(bestAtT, row);
    }
    anyone = Math.max(anyone, best);
    if (atT.length > 0) always = Math.min(always, bestAtT);
  });
  return Math.max(0, Math.min(anyone, always));
}

/**
 * A bound on s from the phases in which a party must act: a required indivisible move m that can
 * only be done in phase k (earliest = latest) puts its actor i in k with a detection lag L ≤
 * lag(m), so the row (i, k, L) is in the minimum slack (m is valued by i: its weight 1 makes the
 * row depend on a value) and s ≤ the most that row can be (`highestMargin`).
 */
function forcedActingBound(f: Build): number {
  const { c, o } = f;
  if (partial(o) || o.history || !f.on.forcedActing) return INF;
  let bound = INF;
  for (let m = 0; m < c.moveIds.length; m++) {
    const k = f.latest[m];
    const i = c.actor[m];
    if (k === undefined || k !== o.earliest[m] || c.divisible[m] || !valued(c, i, m)) continue;
    const lags = new Set(ownMoves(c, i).map((n) => c.lag[n]));
    let most = Number.NEGATIVE_INFINITY;
    for (const lag of lags) {
      if (lag <= c.lag[m]) most = Math.max(most, highestMargin(f, i, k, lag, o.values, c));
    }
    bound = Math.min(bound, most);
  }
  return Math.max(0, bound);
}

/**
 * A bound on s from the first phase in which a party's exposure row depends on a value, for each
 * party whose exposure rows every plan touches (`firstTouchCap`, docs/planner.md "The first
 * touch"): that row is in the minimum slack, and it can hold only what is credited there for the
 * first time, by moves none of whose ancestors touch the party's rows.
 */
function firstTouchBound(f: Build): number {
  const { c, o, T } = f;
  if (partial(o) || o.history || !f.on.firstTouch) return INF;
  const possible = c.moveIds.map((_, m) => f.b.model.colUpper[f.x[m][T]] > 0);
  let bound = INF;
  c.partyIds.forEach((_, i) => {
    const cap = firstTouchCap(c, o.values, o.earliest, f.latest, possible, i, T);
    if (cap !== undefined) bound = Math.min(bound, cap);
  });
  return Math.max(0, bound);
}

/**
 * A cell value_i(m) that is not identically 0. A row depends on the values (and enters the
 * minimum slack, v2 §5) exactly when one of these has a non-zero coefficient in it, as the
 * analysis's `rowDependsOnValues` reads it; the ends of the range decide, not the table in use.
 */
function valued(c: CompiledScenario, i: number, m: number): boolean {
  return c.values.low[i][m] !== 0 || c.values.high[i][m] !== 0;
}

/**
 * A binary that must be 1 when any of the given states is above 0, and may be 0 otherwise: "the
 * row has been touched". Undefined when no state can ever be above 0 (the row never is).
 */
function touched(
  f: Build,
  name: string,
  rowName: string,
  states: Array<[move: number, Term]>,
): number | undefined {
  if (states.length === 0) return undefined;
  const t = f.b.addColumn(name, 0, 1, true);
  for (const [m, { col }] of states)
    f.b.atLeast(
      [
        { col: t, coef: 1 },
        { col, coef: -1 },
      ],
      0,
      `${rowName}.${mv(f, m)}`,
    );
  return t;
}

// --- which detection lag applies ---------------------------------------------------------------------

/** One indicator g_{i,k,ℓ}: i does, in phase k, some move whose lag is ≤ ℓ. */
interface LagIndicator {
  party: number;
  phase: number;
  lag: number;
  col: number;
  /** The indicator of the next smaller lag; L = ℓ exactly when g − gPrevious = 1. */
  previous?: number;
  /** The indicator of the largest lag in this phase: 0 exactly when i does no move in phase k. */
  top: number;
}

function addLagIndicators(f: Build): LagIndicator[] {
  const { c, o, b, T } = f;
  const out: LagIndicator[] = [];
  for (let i = 0; i < c.partyIds.length; i++) {
    const own = ownMoves(c, i);
    const lags = [...new Set(own.map((m) => c.lag[m]))].sort((a, z) => a - z);
    for (let k = f.k0 + 1; k <= T; k++) {
      let previous: number | undefined;
      const phase: LagIndicator[] = [];
      for (const lag of lags) {
        const movers = own.filter((m) => c.lag[m] <= lag && o.earliest[m] <= k);
        if (movers.length === 0) continue;
        const col = b.addColumn(`g_${i}_${k}_${lag}`, 0, 1, f.on.integerLags);
        const name = `lag.${pt(f, i)}.${k}.${lag}`;
        for (const m of movers)
          b.atLeast([{ col, coef: 1 }, ...happens(f, m, k, -1)], 0, `${name}.${mv(f, m)}`);
        b.atMost([{ col, coef: 1 }, ...movers.flatMap((m) => happens(f, m, k, -1))], 0, name);
        phase.push({ party: i, phase: k, lag, col, previous, top: col });
        previous = col;
      }
      for (const g of phase) out.push({ ...g, top: previous ?? g.col });
    }
  }
  return out;
}

function ownMoves(c: CompiledScenario, i: number): number[] {
  return c.moveIds.map((_, m) => m).filter((m) => c.actor[m] === i);
}

// --- the figures: exposure, individual rationality, incentive margins -----------------------------------

/**
 * Every row of MODEL.md §5 for one table of values. With `withSlack` the rows must clear the
 * slack column s (and take the elastic columns in the relaxation); otherwise they must be ≥ 0.
 */
function addFigureRows(
  f: Build,
  values: Float64Array[],
  withSlack: boolean,
  indicators: LagIndicator[],
  figures: Figures = f.c,
): void {
  const slack = withSlack && !f.o.relax;
  for (let i = 0; i < f.c.partyIds.length; i++) {
    addExposureRows(f, values, i, withSlack, figures);
    addReservationRow(f, values, i, slack, figures);
  }
  const parts = f.c.partyIds.map((_, i) => marginParts(f, values, i, figures));
  for (const g of indicators) addMarginRow(f, values, parts[g.party], g, withSlack, figures);
}

/** Everything besides the values that the rows read: the truth's, or a party's view (MODEL.md §9). */
type Figures = Pick<CompiledScenario, "kappa" | "creditLag" | "discount" | "tolerance" | "reservation">;

/**
 * τ_i + σ_i + u_i(κ ⊙ x̂ⁱ_k) ≥ 0 (E_i(k) ≤ τ_i + σ_i), and for the slack, not clamped (v2 §5):
 * τ_i + u_i(κ ⊙ x̂ⁱ_k) ≥ s once some valued move with κ > 0 is credited; before that the row is
 * the constant τ_i and is left out, which a "touched" binary t relaxes by B(1 − t).
 */
function addExposureRows(
  f: Build,
  values: Float64Array[],
  i: number,
  withSlack: boolean,
  fig: Figures,
): void {
  const { c, T } = f;
  const tau = fig.tolerance[i];
  for (let k = f.k0 + 1; k <= T; k++) {
    const terms: Term[] = [];
    const credited: Array<[number, Term]> = [];
    for (let m = 0; m < c.moveIds.length; m++) {
      const seen = creditedPhase(fig, i, m, k); // the rule, analysis/exposure.ts
      terms.push(...credit(f, m, k, seen, values[i][m] * exposureCoefficient(fig, m, 1)));
      if (fig.kappa[m] !== 0 && valued(c, i, m))
        for (const term of credit(f, m, k, seen, 1)) credited.push([m, term]);
    }
    const elasticTerms = withSlack ? elastic(f, f.sigma, i, 1) : [];
    const name = `${f.tag}exposure.${pt(f, i)}.${k}`;
    if (terms.length > 0) f.b.atLeast([...terms, ...elasticTerms], -tau, name);
    if (!withSlack || f.o.relax) continue;
    const t = touched(f, `touch_${i}_${k}`, `touched.${pt(f, i)}.${k}`, credited);
    if (t === undefined) continue; // the row never depends on a value
    const bigM = f.slackUpper - tau; // untouched: u = 0, so τ − s ≥ −B
    const relax: Term[] = bigM > 0 ? [{ col: t, coef: -bigM }] : [];
    f.b.atLeast([...terms, { col: f.slack, coef: -1 }, ...relax], -tau - Math.max(0, bigM), `slack.${name}`);
  }
}

/**
 * u_i(x_T) ≥ ρ_i; for the slack, u_i(x_T) − ρ_i ≥ s once the plan does a move valued by i (before
 * that the row is the constant −ρ_i and is left out).
 */
function addReservationRow(f: Build, values: Float64Array[], i: number, slack: boolean, fig: Figures): void {
  const { c, T } = f;
  const final = finalTerms(f, values, i);
  const rho = fig.reservation[i];
  const name = `${f.tag}reservation.${pt(f, i)}`;
  f.b.atLeast(final, rho, name);
  if (!slack) return;
  const done = c.moveIds.flatMap((_, m) =>
    valued(c, i, m) ? state(f, m, T, 1).map((term): [number, Term] => [m, term]) : [],
  );
  const r = touched(f, `done_${i}`, `touched.${pt(f, i)}.final`, done);
  if (r === undefined) return;
  const bigM = f.slackUpper + rho; // untouched: u = 0, so −ρ − s ≥ −B
  const relax: Term[] = bigM > 0 ? [{ col: r, coef: -bigM }] : [];
  f.b.atLeast([...final, { col: f.slack, coef: -1 }, ...relax], rho - Math.max(0, bigM), `slack.${name}`);
}

/** Columns a party's margin rows share: utility aggregates and the comply value per phase. */
interface MarginParts {
  party: number;
  own: number[];
  others: number[];
  ownU: number[];
  ownK: number[];
  othU: number[];
  othK: number[];
  comply: number[];
}

/**
 * Aggregates per phase (own and others' utility, each plain and after collapse, κ-weighted), which
 * keep margin rows short, and the comply value C_k = (1−δ) u(x_k) + δ C_{k+1}, C_T = u(x_T).
 */
function marginParts(f: Build, values: Float64Array[], i: number, fig: Figures): MarginParts {
  const { c, b, T } = f;
  const own = ownMoves(c, i);
  const others = c.moveIds.map((_, m) => m).filter((m) => c.actor[m] !== i);
  const aggregate = (name: string, moves: number[], weight: (m: number) => number): number[] => {
    const cols = [-1];
    for (let k = 1; k <= T; k++) {
      const col = b.addColumn(`${f.tag}${name}_${i}_${k}`, -INF, INF);
      b.equal(
        [{ col, coef: -1 }, ...moves.flatMap((m) => state(f, m, k, weight(m)))],
        0,
        `${f.tag}def.${name}.${pt(f, i)}.${k}`,
      );
      cols.push(col);
    }
    return cols;
  };
  const parts: MarginParts = { party: i, own, others, ownU: [], ownK: [], othU: [], othK: [], comply: [] };
  if (own.length === 0) return parts; // a party with no moves never defects
  parts.ownU = aggregate("own", own, (m) => values[i][m]);
  parts.ownK = aggregate("ownk", own, (m) => values[i][m] * fig.kappa[m]);
  parts.othU = aggregate("oth", others, (m) => values[i][m]);
  parts.othK = aggregate("othk", others, (m) => values[i][m] * fig.kappa[m]);
  const delta = fig.discount[i];
  const comply = [-1];
  for (let k = 1; k <= T; k++) comply.push(b.addColumn(`${f.tag}comply_${i}_${k}`, -INF, INF));
  const at = (cols: number[], t: number, coef: number) => aggregateAt(f, cols, t, coef);
  const name = (k: number) => `${f.tag}def.comply.${pt(f, i)}.${k}`;
  b.equal([{ col: comply[T], coef: -1 }, ...at(parts.ownU, T, 1), ...at(parts.othU, T, 1)], 0, name(T));
  for (let k = T - 1; k >= 1; k--) {
    b.equal(
      [
        { col: comply[k], coef: -1 },
        ...at(parts.ownU, k, 1 - delta),
        ...at(parts.othU, k, 1 - delta),
        { col: comply[k + 1], coef: delta },
      ],
      0,
      name(k),
    );
  }
  parts.comply = comply;
  return parts;
}

function aggregateAt(f: Build, cols: number[], t: number, coef: number): Term[] {
  return t <= 0 || coef === 0 ? [] : [{ col: cols[Math.min(t, f.T)], coef }];
}

/** M_i(k) with L = lag, required (≥ s − μ_i, or ≥ 0) only when the indicator says L = lag. */
function addMarginRow(
  f: Build,
  values: Float64Array[],
  p: MarginParts,
  g: LagIndicator,
  withSlack: boolean,
  fig: Figures,
): void {
  const i = p.party;
  const { phase: k, lag } = g;
  const delta = fig.discount[i];
  const at = (cols: number[], t: number, coef: number) => aggregateAt(f, cols, t, coef);
  const decay = delta ** (lag + 1);
  // Wᵈ: own moves frozen at x_{k−1}; others go on until k+L; then the collapse state.
  const defect: Term[] = [...at(p.ownU, k - 1, -(1 - decay)), ...at(p.ownK, k - 1, -decay)];
  let factor = 1;
  for (let t = k; t <= k + lag; t++) {
    defect.push(...at(p.othU, t, -(1 - delta) * factor));
    factor *= delta;
  }
  defect.push(...at(p.othK, k + lag, -decay));
  // Big-M from the value magnitudes (docs/planner.md): M ≥ Σ min(0, v)·(largest weight). Two
  // bounds, one for each way the row can be switched off: i acts in k with another lag (own
  // weights up to 1), or i does nothing in k (own weights up to max(δ, δ^{L+1}(1−κ)), often much
  // less). The row is then relaxed by B_idle·(1 − g_top) + B_act·(g_top − e), never more than
  // the single big-M B_act·(1 − e) relaxed it, and less wherever the LP spreads i's moves thin.
  const { acting, idle } = lowestMargins(f, p, k, lag, values, fig);
  const margin: Term[] = [{ col: p.comply[k], coef: 1 }, ...defect];
  // −B_idle(1 − g_top) − B_act(g_top − g + g_prev), as terms (the constant −B_idle goes right).
  const when = (bIdle: number, bAct: number): Term[] => {
    const coefs = new Map<number, number>();
    const add = (col: number, coef: number) => coefs.set(col, (coefs.get(col) ?? 0) + coef);
    add(g.top, bAct - bIdle);
    add(g.col, -bAct);
    if (g.previous !== undefined) add(g.previous, bAct);
    return [...coefs].flatMap(([col, coef]) => (coef === 0 ? [] : [{ col, coef }]));
  };
  const name = `${f.tag}margin.${pt(f, i)}.${k}.${lag}`;
  if (!withSlack || f.o.relax) {
    // M_i(k) + μ_i ≥ 0 when L = lag
    if (-acting > 0) {
      const elasticMu = withSlack ? elastic(f, f.mu, i, 1) : [];
      f.b.atLeast([...margin, ...elasticMu, ...when(-idle, -acting)], idle, name);
    }
    return;
  }
  // M_i(k) ≥ s when L = lag. A row that depends on no value is the constant 0 and is left out of
  // the slack (v2 §5); that can only happen when i acts in k with unvalued moves of its own, so
  // only then does a binary z ("constant") get to relax it, and z may be 1 only if every valued
  // move's weight in the row is 0.
  const bAct = f.slackUpper - acting;
  const bIdle = f.slackUpper - idle;
  const constant = constantMarginRow(f, p, k, lag);
  const slackRow = [...margin, { col: f.slack, coef: -1 }, ...when(bIdle, bAct)];
  if (constant === undefined) {
    if (bAct > 0) f.b.atLeast(slackRow, -bIdle, `slack.${name}`);
    // s ≤ ub·e + U(1 − e): the row's own big-M is U − (least margin); this one is U − (most).
    const most = highestMargin(f, i, k, lag, values, fig);
    // (not after a history: its fixed phases need not follow the weights highestMargin assumes)
    if (f.on.rowCuts && !f.o.history && Number.isFinite(most) && most < f.slackUpper) {
      const e: Term[] = [{ col: g.col, coef: f.slackUpper - most }];
      if (g.previous !== undefined) e.push({ col: g.previous, coef: most - f.slackUpper });
      f.b.atMost([{ col: f.slack, coef: 1 }, ...e], f.slackUpper, `most.${name}`);
    }
    return;
  }
  if (-acting > 0) f.b.atLeast([...margin, ...when(-idle, -acting)], idle, name);
  f.b.atLeast([...slackRow, { col: constant, coef: bAct }], -bIdle, `slack.${name}`);
}

/**
 * Lower bounds on the margin M_i(k) at lag ℓ over every nondecreasing trajectory the column bounds
 * allow: `acting` for any such trajectory, `idle` for one where i does no move in phase k. A move
 * m's weight is W = S_k(m) − D_k(m). Others' moves: W ∈ [0, δ^{ℓ+1}]. Own moves: W = S_k(m) −
 * c·x_{k−1}(m) with c = 1 − δ^{ℓ+1}(1 − κ_m), and S_k(m) = Σ_{t≥k} w_t x_t (w_t = (1−δ)δ^{t−k},
 * w_T = δ^{T−k}) is at most the weight of the phases where x can be above 0. When i does nothing
 * in k, x_k = x_{k−1} = a: W = a(1 − c) for a = 1, at most the weight of t > k for a = 0, and
 * between the two for a share in between (x_t ≥ a after k).
 */
function lowestMargins(
  f: Build,
  p: MarginParts,
  k: number,
  lag: number,
  values: Float64Array[],
  fig: Figures,
): { acting: number; idle: number } {
  const { T } = f;
  const i = p.party;
  const delta = fig.discount[i];
  const decay = delta ** (lag + 1);
  const upper = f.b.model.colUpper;
  const weight = (t: number) => (t === T ? delta ** (T - k) : (1 - delta) * delta ** (t - k));
  let acting = 0;
  let idle = 0;
  for (const m of p.others) {
    const v = values[i][m];
    // A benefit counts at its least weight, which is above 0 only for a move every plan does.
    const w = v < 0 ? decay : leastWeight(f, m, k, lag, false, delta, fig.kappa[m]);
    acting += v * w;
    idle += v * w;
  }
  for (const m of p.own) {
    const v = values[i][m];
    if (v >= 0) {
      const w = leastWeight(f, m, k, lag, true, delta, fig.kappa[m]);
      acting += v * w;
      idle += v * w;
      continue;
    }
    let now = 0; // weight of t ≥ k where x_t can be above 0
    let later = 0; // the same for t > k
    for (let t = k; t <= T; t++) {
      if (upper[f.x[m][t]] <= 0) continue;
      now += weight(t);
      if (t > k) later += weight(t);
    }
    acting += v * Math.min(1, now);
    // The lag indicators see only moves that may start by k (`addLagIndicators`); any other move
    // is counted as if it could act.
    if (f.o.earliest[m] > k) {
      idle += v * Math.min(1, now);
      continue;
    }
    const started = k > 1 && upper[f.x[m][k - 1]] > 0;
    const kept = decay * (1 - fig.kappa[m]); // 1 − c: the weight of a move done before k
    idle += v * Math.min(1, started ? Math.max(kept, later) : later);
  }
  return { acting, idle };
}

/**
 * The strengthenings of docs/planner.md ("What holds the bound"), all on by default except
 * `integerLags` (the lag indicators declared integer in the direct MILP; the floor search's probes
 * always declare them so). Benchmarks and experiments turn them off one at a time to measure each
 * (`FormulationOptions.strengthenings`, or `search.strengthenings` of findPlan); every setting
 * gives the same optimum.
 */
export const STRENGTHENINGS = Object.freeze({
  rowCuts: true,
  integerLags: false,
  latest: true,
  leastWeight: true,
  lastMover: true,
  forcedActing: true,
  firstTouch: true,
});

/**
 * The most the margin M_i(k) at lag ℓ can be when i acts in k with L = ℓ: each move at its best
 * weight over the phases j where it may be done (or left out, weight 0, when a plan may leave it
 * out), with the weights of `leastWeight`; an own move of a lag below ℓ is not done in k, and at
 * least one indivisible own move of lag ℓ is, at weight 1 (a divisible one may mix phases: no
 * charge). -Infinity when no own move of lag ℓ can be done in k.
 */
function highestMargin(
  f: Build,
  i: number,
  k: number,
  lag: number,
  values: Float64Array[],
  fig: Figures,
): number {
  const { c, T } = f;
  const delta = fig.discount[i];
  const decay = delta ** (lag + 1);
  const upper = f.b.model.colUpper;
  let total = 0;
  let pick = Number.NEGATIVE_INFINITY;
  for (let m = 0; m < c.moveIds.length; m++) {
    const v = values[i][m];
    if (v === 0 && !(c.actor[m] === i && c.lag[m] === lag)) continue;
    const own = c.actor[m] === i;
    const by = f.latest[m];
    let best = by === undefined ? 0 : Number.NEGATIVE_INFINITY;
    for (let j = Math.max(1, f.o.earliest[m]); j <= (by ?? T); j++) {
      if (upper[f.x[m][j]] <= 0) continue;
      if (own && j === k && c.lag[m] < lag) continue;
      const early = own ? j < k : j <= k + lag;
      best = Math.max(best, v * (early ? decay * (1 - fig.kappa[m]) : delta ** (j - k)));
    }
    if (best === Number.NEGATIVE_INFINITY) best = 0; // cannot be done at all (excluded)
    total += best;
    if (own && c.lag[m] === lag && canActIn(f, m, k)) pick = Math.max(pick, c.divisible[m] ? 0 : v - best);
  }
  return pick === Number.NEGATIVE_INFINITY ? Number.NEGATIVE_INFINITY : total + pick;
}

/** Whether move m can have a share done in phase k (not before its earliest phase, nor after it must be done). */
function canActIn(f: Build, m: number, k: number): boolean {
  const upper = f.b.model.colUpper;
  const lower = f.b.model.colLower;
  return upper[f.x[m][k]] > 0 && (k === 1 || lower[f.x[m][k - 1]] < 1);
}

/**
 * The least weight S_k(m) − D_k(m) a move every valid plan does (`latestDone`) can have in party
 * i's margin row (k, ℓ), over the phases j ∈ [earliest, latest] in which it may be done (a
 * divisible move's trajectory mixes these): an own move weighs δ^{j−k} when j ≥ k and
 * δ^{ℓ+1}(1 − κ) when done before k; another party's move weighs δ^{j−k} when j > k + ℓ and
 * δ^{ℓ+1}(1 − κ) when done by k + ℓ. 0 for a move a plan may leave out.
 */
function leastWeight(
  f: Build,
  m: number,
  k: number,
  lag: number,
  own: boolean,
  delta: number,
  kappa: number,
): number {
  const by = f.latest[m];
  if (by === undefined || !f.on.leastWeight) return 0;
  const decay = delta ** (lag + 1);
  let least = 1;
  for (let j = Math.max(1, f.o.earliest[m]); j <= by; j++) {
    const early = own ? j < k : j <= k + lag;
    least = Math.min(least, early ? decay * (1 - kappa) : delta ** (j - k));
  }
  return Math.max(0, least);
}

/**
 * The binary z of a margin row (party, phase, lag) that may be 1 only when the row depends on no
 * value: every move valued by the party has weight S_k(m) − D_k(m) = 0 in it. Weights lie in
 * [0, 1] (docs/planner.md), so "weight + z ≤ 1" does it. Undefined when the party has no unvalued
 * move that could act in the phase (then any defined row has a valued own move with weight > 0).
 */
function constantMarginRow(f: Build, p: MarginParts, k: number, lag: number): number | undefined {
  const { c, o, T } = f;
  const i = p.party;
  if (!p.own.some((m) => !valued(c, i, m) && o.earliest[m] <= k)) return undefined;
  const z = f.b.addColumn(`const_${i}_${k}_${lag}`, 0, 1, true);
  const delta = c.discount[i];
  const decay = delta ** (lag + 1);
  for (let m = 0; m < c.moveIds.length; m++) {
    if (!valued(c, i, m)) continue;
    // S_k(m) = Σ_{t=k}^{T−1} (1−δ)δ^{t−k} x_t + δ^{T−k} x_T
    const weight: Term[] = [];
    for (let t = k; t < T; t++) weight.push(...state(f, m, t, (1 - delta) * delta ** (t - k)));
    weight.push(...state(f, m, T, delta ** (T - k)));
    if (c.actor[m] === i) {
      weight.push(...state(f, m, k - 1, -(1 - decay + decay * c.kappa[m])));
    } else {
      for (let t = k; t <= k + lag; t++) weight.push(...state(f, m, t, -(1 - delta) * delta ** (t - k)));
      weight.push(...state(f, m, k + lag, -decay * c.kappa[m]));
    }
    if (weight.length > 0)
      f.b.atMost([...weight, { col: z, coef: 1 }], 1, `constant.${pt(f, i)}.${k}.${lag}.${mv(f, m)}`);
  }
  return z;
}

// --- objective ---------------------------------------------------------------------------------------

function setObjective(f: Build): void {
  const { c, o, b } = f;
  const values = o.values;
  const P = c.partyIds.length;
  b.model.maximize = !o.relax;
  // "safety" probes are pure feasibility questions (is there a plan with θ* ≥ θ?): no objective.
  if (o.relax || o.objective === "phases" || o.objective === "slack" || o.objective === "safety") return;
  if (o.objective === "progress") {
    for (const { col, coef } of progressTerms(f)) b.model.colCost[col] += coef;
  } else if (o.objective === "welfare") {
    for (let i = 0; i < P; i++)
      for (const { col, coef } of finalTerms(f, values, i)) b.model.colCost[col] += coef;
  } else if (o.objective === "maxmin") {
    const z = b.addColumn("z", -INF, INF, false, 1);
    for (let i = 0; i < P; i++) {
      b.atLeast([...finalTerms(f, values, i), { col: z, coef: -1 }], c.reservation[i], `maxmin.${pt(f, i)}`);
    }
  } else if (o.objective === "nash") {
    addNashObjective(f);
  }
}

/** Σ_i log(u_i(x_T) − ρ_i), log replaced by the least of its tangents at geometric breakpoints. */
function addNashObjective(f: Build): void {
  const { c, b } = f;
  const v = f.o.values;
  for (let i = 0; i < c.partyIds.length; i++) {
    // Largest possible gain over the reservation: every move that helps i done.
    const most = v[i].reduce((sum, value) => sum + Math.max(0, value), 0) - c.reservation[i];
    if (most <= 1e-9) continue; // a party that cannot gain adds nothing to the product
    const smallest = most * Math.SQRT1_2 ** (NASH_TANGENTS - 1);
    const log = b.addColumn(`log_${i}`, Math.log(smallest) - 1, INF, false, 1);
    const final = finalTerms(f, v, i);
    for (let j = 0; j < NASH_TANGENTS; j++) {
      // log(g) ≤ log(a) + (g − a)/a at every breakpoint a, with g = u_i(x_T) − ρ_i.
      const a = most * Math.SQRT1_2 ** j;
      b.atMost(
        [{ col: log, coef: 1 }, ...final.map((t) => ({ col: t.col, coef: -t.coef / a }))],
        Math.log(a) - 1 - c.reservation[i] / a,
        `nash.${f.c.partyIds[i]}.${j + 1}`,
      );
    }
  }
}
