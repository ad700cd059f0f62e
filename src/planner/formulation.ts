/**
 * The planner's MILP for a fixed number of phases T (docs/planner.md has the derivation).
 *
 * Once T is fixed every figure of MODEL.md §3–4 is linear in the state x_k(m), so the model is:
 * state columns x_k(m) (binary for indivisible moves; continuous with a binary "active in k" for
 * divisible ones), per-party aggregate columns that keep the margin rows short, indicator columns
 * for "party i acts in phase k with a move of lag ≤ ℓ" that pick the detection lag L, and one
 * slack column s that every exposure and margin row must clear.
 */
import type { CompiledScenario } from "../analysis/compile.ts";
import { MilpBuilder, type Term } from "./milp.ts";
import type { Objective } from "./report.ts";

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
}

const INF = Number.POSITIVE_INFINITY;

export function buildFormulation(c: CompiledScenario, o: FormulationOptions): Formulation {
  const T = o.phases;
  const P = c.partyIds.length;
  const M = c.moveIds.length;
  const v = o.values;
  const b = new MilpBuilder();

  // --- state ------------------------------------------------------------------------------------
  const x: number[][] = [];
  const active: Array<number[] | undefined> = [];
  for (let m = 0; m < M; m++) {
    const row = [-1];
    const divisible = c.divisible[m];
    for (let k = 1; k <= T; k++) {
      const upper = k < o.earliest[m] ? 0 : 1;
      // A divisible move is done completely or not at all, so its final state is binary too.
      row.push(b.addColumn(`x_${m}_${k}`, 0, upper, !divisible || k === T));
    }
    x.push(row);
    if (divisible) {
      const act = [-1];
      for (let k = 1; k <= T; k++) act.push(b.addColumn(`a_${m}_${k}`, 0, k < o.earliest[m] ? 0 : 1, true));
      active.push(act);
    } else {
      active.push(undefined);
    }
  }
  /** x_t(m) as terms: nothing for t ≤ 0, x_T for t > T. */
  const state = (m: number, t: number, coef: number): Term[] =>
    t <= 0 || coef === 0 ? [] : [{ col: x[m][Math.min(t, T)], coef }];
  /** "m happens in phase k": Δ_k(m) for an indivisible move (0 or 1), the activity binary otherwise. */
  const happens = (m: number, k: number, coef: number): Term[] => {
    const act = active[m];
    if (act) return [{ col: act[k], coef }];
    return [...state(m, k, coef), ...state(m, k - 1, -coef)];
  };

  for (let m = 0; m < M; m++) {
    for (let k = 2; k <= T; k++) b.atLeast([...state(m, k, 1), ...state(m, k - 1, -1)], 0);
    const act = active[m];
    if (act) {
      for (let k = 1; k <= T; k++) {
        const delta = [...state(m, k, 1), ...state(m, k - 1, -1)];
        b.atMost([...delta, { col: act[k], coef: -1 }], 0);
        b.atLeast([...delta, { col: act[k], coef: -MIN_SHARE }], 0);
      }
    }
  }

  // --- validity: goal and prerequisites ------------------------------------------------------------
  for (const item of c.goal) {
    if (item.length === 1) b.model.colLower[x[item[0]][T]] = 1;
    else
      b.atLeast(
        item.flatMap((m) => state(m, T, 1)),
        1,
      );
  }
  for (let m = 0; m < M; m++) {
    for (const p of c.requires[m]) {
      for (let k = o.earliest[m]; k <= T; k++) {
        // started by k (indivisible: x_k; divisible: active in k) ⇒ p done by k − lag_p − 1
        const started = active[m] ? [{ col: active[m]![k], coef: 1 }] : state(m, k, 1);
        b.atMost([...started, ...state(p, k - c.lag[p] - 1, -1)], 0);
      }
    }
  }

  // --- slack and elastic columns -------------------------------------------------------------------
  const slackObjective = o.objective === "phases" || o.objective === "slack";
  const minTolerance = Math.min(...c.tolerance);
  const slackUpper = o.relax ? 0 : minTolerance;
  const slack = b.addColumn("s", 0, slackUpper, false, slackObjective && !o.relax ? 1 : 0);
  const sigma: number[] = [];
  const mu: number[] = [];
  for (let i = 0; i < P; i++) {
    sigma.push(o.relax ? b.addColumn(`sigma_${i}`, 0, INF, false, 1) : -1);
    mu.push(o.relax ? b.addColumn(`mu_${i}`, 0, INF, false, 1) : -1);
  }
  const elastic = (cols: number[], i: number, coef: number): Term[] =>
    o.relax ? [{ col: cols[i], coef }] : [];

  // --- exposure: τ_i + σ_i − E_i(k) ≥ s, i.e. u_i(κ ⊙ x̂ⁱ_k) + σ_i − s ≥ −τ_i ------------------------
  for (let i = 0; i < P; i++) {
    for (let k = 1; k <= T; k++) {
      const terms: Term[] = [];
      for (let m = 0; m < M; m++) terms.push(...state(m, k - c.creditLag[i][m], v[i][m] * c.kappa[m]));
      if (terms.length === 0) continue;
      b.atLeast([...terms, ...elastic(sigma, i, 1), { col: slack, coef: -1 }], -c.tolerance[i]);
    }
  }

  // --- individual rationality: u_i(x_T) ≥ ρ_i ------------------------------------------------------------
  const finalTerms = (i: number): Term[] => c.moveIds.flatMap((_, m) => state(m, T, v[i][m]));
  for (let i = 0; i < P; i++) b.atLeast(finalTerms(i), c.reservation[i]);

  // --- incentive margins --------------------------------------------------------------------------------
  for (let i = 0; i < P; i++) addMargins(i);

  function addMargins(i: number): void {
    const own = c.moveIds.map((_, m) => m).filter((m) => c.actor[m] === i);
    if (own.length === 0) return;
    const delta = c.discount[i];
    // Aggregates per phase: own and others' utility, each plain and after collapse (κ-weighted).
    const aggregate = (name: string, moves: number[], weight: (m: number) => number): number[] => {
      const cols = [-1];
      for (let k = 1; k <= T; k++) {
        const col = b.addColumn(`${name}_${i}_${k}`, -INF, INF);
        b.equal([{ col, coef: -1 }, ...moves.flatMap((m) => state(m, k, weight(m)))], 0);
        cols.push(col);
      }
      return cols;
    };
    const others = c.moveIds.map((_, m) => m).filter((m) => c.actor[m] !== i);
    const ownU = aggregate("own", own, (m) => v[i][m]);
    const ownK = aggregate("ownk", own, (m) => v[i][m] * c.kappa[m]);
    const othU = aggregate("oth", others, (m) => v[i][m]);
    const othK = aggregate("othk", others, (m) => v[i][m] * c.kappa[m]);
    const at = (cols: number[], t: number, coef: number): Term[] =>
      t <= 0 || coef === 0 ? [] : [{ col: cols[Math.min(t, T)], coef }];
    // Comply value C_k = (1−δ) u(x_k) + δ C_{k+1}, C_T = u(x_T): Wᶜ_i(k) of MODEL.md §4.
    const comply = [-1];
    for (let k = 1; k <= T; k++) comply.push(b.addColumn(`comply_${i}_${k}`, -INF, INF));
    b.equal([{ col: comply[T], coef: -1 }, ...at(ownU, T, 1), ...at(othU, T, 1)], 0);
    for (let k = T - 1; k >= 1; k--) {
      b.equal(
        [
          { col: comply[k], coef: -1 },
          ...at(ownU, k, 1 - delta),
          ...at(othU, k, 1 - delta),
          { col: comply[k + 1], coef: delta },
        ],
        0,
      );
    }
    // Indicator g_{k,ℓ}: i does, in phase k, some move whose lag is ≤ ℓ. L = ℓ exactly when
    // g_{k,ℓ} − g_{k,ℓ⁻} = 1 (ℓ⁻ the next smaller lag among i's moves).
    const lags = [...new Set(own.map((m) => c.lag[m]))].sort((a, z) => a - z);
    for (let k = 1; k <= T; k++) {
      let previous: number | undefined;
      for (const lag of lags) {
        const movers = own.filter((m) => c.lag[m] <= lag && o.earliest[m] <= k);
        if (movers.length === 0) continue;
        const g = b.addColumn(`g_${i}_${k}_${lag}`, 0, 1);
        for (const m of movers) b.atLeast([{ col: g, coef: 1 }, ...happens(m, k, -1)], 0);
        b.atMost([{ col: g, coef: 1 }, ...movers.flatMap((m) => happens(m, k, -1))], 0);
        addMarginRow(i, k, lag, g, previous, { own, others, delta, ownU, ownK, othU, othK, comply, at });
        previous = g;
      }
    }
  }

  interface MarginParts {
    own: number[];
    others: number[];
    delta: number;
    ownU: number[];
    ownK: number[];
    othU: number[];
    othK: number[];
    comply: number[];
    at: (cols: number[], t: number, coef: number) => Term[];
  }

  /** M_i(k) with L = lag, required (≥ s − μ_i) only when the indicator says L = lag. */
  function addMarginRow(
    i: number,
    k: number,
    lag: number,
    g: number,
    gPrev: number | undefined,
    p: MarginParts,
  ) {
    const { delta, at } = p;
    const decay = delta ** (lag + 1);
    // Wᵈ: own moves frozen at x_{k−1}; others go on until k+L; then the collapse state.
    const defect: Term[] = [...at(p.ownU, k - 1, -(1 - decay)), ...at(p.ownK, k - 1, -decay)];
    let factor = 1;
    for (let t = k; t <= k + lag; t++) {
      defect.push(...at(p.othU, t, -(1 - delta) * factor));
      factor *= delta;
    }
    defect.push(...at(p.othK, k + lag, -decay));
    // Big-M from the value magnitudes: every margin weight lies in [0, 1] for own moves and in
    // [0, δ^{L+1}] for others' moves (docs/planner.md), so M ≥ Σ min(0, v)·(largest weight).
    let lowest = 0;
    for (const m of p.own) lowest += Math.min(0, v[i][m]);
    for (const m of p.others) lowest += Math.min(0, v[i][m]) * decay;
    const bigM = slackUpper - lowest;
    if (bigM <= 0) return; // the row can never bind
    const indicator: Term[] = [{ col: g, coef: -bigM }];
    if (gPrev !== undefined) indicator.push({ col: gPrev, coef: bigM });
    b.atLeast(
      [
        { col: p.comply[k], coef: 1 },
        ...defect,
        ...elastic(mu, i, 1),
        { col: slack, coef: -1 },
        ...indicator,
      ],
      -bigM,
    );
  }

  // --- objective ---------------------------------------------------------------------------------------
  if (o.relax) {
    b.model.maximize = false;
  } else if (o.objective === "phases" || o.objective === "slack") {
    b.model.maximize = true;
  } else if (o.objective === "welfare") {
    b.model.maximize = true;
    for (let i = 0; i < P; i++) for (const { col, coef } of finalTerms(i)) b.model.colCost[col] += coef;
  } else if (o.objective === "maxmin") {
    b.model.maximize = true;
    const z = b.addColumn("z", -INF, INF, false, 1);
    for (let i = 0; i < P; i++) b.atLeast([...finalTerms(i), { col: z, coef: -1 }], c.reservation[i]);
  } else {
    b.model.maximize = true;
    for (let i = 0; i < P; i++) {
      // Largest possible gain over the reservation: every move that helps i done.
      const most = v[i].reduce((sum, value) => sum + Math.max(0, value), 0) - c.reservation[i];
      if (most <= 1e-9) continue; // a party that cannot gain adds nothing to the product
      const smallest = most * Math.SQRT1_2 ** (NASH_TANGENTS - 1);
      const log = b.addColumn(`log_${i}`, Math.log(smallest) - 1, INF, false, 1);
      for (let j = 0; j < NASH_TANGENTS; j++) {
        // log(g) ≤ log(a) + (g − a)/a at every breakpoint a, with g = u_i(x_T) − ρ_i.
        const a = most * Math.SQRT1_2 ** j;
        b.atMost(
          [{ col: log, coef: 1 }, ...finalTerms(i).map((t) => ({ col: t.col, coef: -t.coef / a }))],
          Math.log(a) - 1 - c.reservation[i] / a,
        );
      }
    }
  }
  return { builder: b, x, active, slack, sigma, mu };
}
