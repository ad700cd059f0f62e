/**
 * MODEL.md v2 §2–5 and §7 written out literally: slow, obvious, and independent of the engine
 * (no shared code with src/analysis). Values come from a function, so a test can evaluate a plan
 * at any point inside (or outside) the ranges; the sign tests of κ and credit take their own
 * function, so §7's "classified by the nominal sign" and the plain truth at a drawn point can both
 * be written down.
 */
import type { Plan, Scenario } from "../../src/model/schema.ts";

/** value(party, move index) */
export type ValueFn = (party: string, j: number) => number;

export const mid = (v: number | [number, number] | undefined) =>
  v === undefined ? 0 : typeof v === "number" ? v : (v[0] + v[1]) / 2;

export const nominal =
  (scenario: Scenario): ValueFn =>
  (party, j) =>
    mid(scenario.moves[j].value[party]);

export const halfWidth = (v: number | [number, number] | undefined) =>
  v === undefined || typeof v === "number" ? 0 : (v[1] - v[0]) / 2;

export interface LiteralRow {
  kind: "exposure" | "margin" | "reservation";
  party: string;
  phase: number | null;
  g: number;
}

export interface LiteralFigures {
  T: number;
  exposure: Record<string, number[]>;
  margin: Record<string, Record<string, number>>;
  final: Record<string, number>;
  rows: LiteralRow[];
}

/** x_k(m) for a plan (phase or phase → fraction), with x_k = 0 for k ≤ 0 and x_T past T. */
function trajectory(scenario: Scenario, plan: Plan) {
  let T = 0;
  for (const e of Object.values(plan)) {
    if (typeof e === "number") T = Math.max(T, e);
    else for (const p of Object.keys(e)) T = Math.max(T, Number(p));
  }
  const x = (k: number, j: number) => {
    const e = plan[scenario.moves[j].id];
    if (e === undefined) return 0;
    const kk = Math.min(k, T);
    if (typeof e === "number") return kk >= e ? 1 : 0;
    let sum = 0;
    for (const [p, f] of Object.entries(e)) if (Number(p) <= kk) sum += f;
    return Math.min(1, sum);
  };
  return { T, x };
}

/** Every figure and every constraint row of MODEL.md §3–5 at the given values. */
export function literalFigures(
  scenario: Scenario,
  plan: Plan,
  value: ValueFn = nominal(scenario),
  signOf: ValueFn = value,
): LiteralFigures {
  const moves = scenario.moves;
  const { T, x } = trajectory(scenario, plan);
  const kappa = (j: number) => (signOf(moves[j].actor, j) < 0 ? 1 - moves[j].reversible : 1);
  const u = (party: string, state: (j: number) => number) =>
    moves.reduce((sum, _m, j) => sum + value(party, j) * state(j), 0);
  const out: LiteralFigures = { T, exposure: {}, margin: {}, final: {}, rows: [] };
  for (const party of scenario.parties) {
    const i = party.id;
    const d = party.discount;
    const exposure: number[] = [];
    for (let k = 0; k <= T; k++) {
      const seen = (j: number) => {
        const m = moves[j];
        const lagged = m.actor !== i && signOf(i, j) > 0 ? m.verify.lag : 0;
        return kappa(j) * x(k - lagged, j);
      };
      const held = u(i, seen);
      exposure.push(Math.max(0, -held));
      if (k >= 1) out.rows.push({ kind: "exposure", party: i, phase: k, g: party.tolerance + held });
    }
    const margin: Record<string, number> = {};
    for (let k = 1; k <= T; k++) {
      const mine = moves.filter((m, j) => m.actor === i && x(k, j) - x(k - 1, j) > 0);
      if (mine.length === 0) continue;
      const L = Math.min(...mine.map((m) => m.verify.lag));
      let comply: number;
      let defect: number;
      const y = (t: number) => (j: number) => (moves[j].actor === i ? x(k - 1, j) : x(t, j));
      if (d === 1) {
        comply = u(i, (j) => x(T, j));
        defect = u(i, (j) => kappa(j) * y(k + L)(j));
      } else {
        comply = d ** (T - k) * u(i, (j) => x(T, j));
        for (let t = k; t <= T - 1; t++) comply += (1 - d) * d ** (t - k) * u(i, (j) => x(t, j));
        defect = d ** (L + 1) * u(i, (j) => kappa(j) * y(k + L)(j));
        for (let t = k; t <= k + L; t++) defect += (1 - d) * d ** (t - k) * u(i, y(t));
      }
      margin[k] = comply - defect;
      out.rows.push({ kind: "margin", party: i, phase: k, g: margin[k] });
    }
    const final = u(i, (j) => x(T, j));
    out.rows.push({ kind: "reservation", party: i, phase: null, g: final - party.reservation });
    out.exposure[i] = exposure;
    out.margin[i] = margin;
    out.final[i] = final;
  }
  return out;
}

export const literallyFeasible = (f: LiteralFigures, tol = 1e-9) => f.rows.every((r) => r.g >= -tol);

/** The value cells (party, move) of a scenario that are written in the file. */
export function cells(scenario: Scenario): Array<{ party: string; j: number }> {
  return scenario.moves.flatMap((m, j) =>
    scenario.parties.filter((p) => m.value[p.id] !== undefined).map((p) => ({ party: p.id, j })),
  );
}

/**
 * MODEL.md §7 transcribed: g_c(v) = b_c + Σ a_cj v_j with κ and credit classified by the nominal
 * sign; a_cj found by moving one value by 1 (exact, since the rows are linear once signs are fixed).
 */
export function literalSafety(scenario: Scenario, plan: Plan) {
  const base = nominal(scenario);
  const at = literalFigures(scenario, plan, base, base);
  const list = cells(scenario);
  const a = list.map(({ party, j }) => {
    const moved: ValueFn = (p, jj) => base(p, jj) + (p === party && jj === j ? 1 : 0);
    const f = literalFigures(scenario, plan, moved, base);
    return f.rows.map((r, c) => r.g - at.rows[c].g);
  });
  const w = list.map(({ party, j }) => halfWidth(scenario.moves[j].value[party]));
  const v = list.map(({ party, j }) => base(party, j));
  let theta = Number.POSITIVE_INFINITY;
  let row: LiteralRow | undefined;
  at.rows.forEach((r, c) => {
    const denominator = list.reduce((s, _cell, n) => s + Math.abs(a[n][c]) * w[n], 0);
    if (denominator < 1e-12) return;
    const ratio = Math.max(0, r.g) / denominator;
    if (ratio < theta) {
      theta = ratio;
      row = r;
    }
  });
  let sign = Number.POSITIVE_INFINITY;
  list.forEach((_cell, n) => {
    if (w[n] > 0 && a[n].some((x) => Math.abs(x) > 1e-12)) sign = Math.min(sign, Math.abs(v[n]) / w[n]);
  });
  const breaking = list.map((_cell, n) => {
    let down = Number.POSITIVE_INFINITY;
    let up = Number.POSITIVE_INFINITY;
    at.rows.forEach((r, c) => {
      const coef = a[n][c];
      if (coef > 1e-12) down = Math.min(down, Math.max(0, r.g) / coef);
      if (coef < -1e-12) up = Math.min(up, Math.max(0, r.g) / -coef);
    });
    if (v[n] === 0) return { down: Number.POSITIVE_INFINITY, up: Number.POSITIVE_INFINITY };
    if (v[n] > 0 && down >= v[n]) down = Number.POSITIVE_INFINITY;
    if (v[n] < 0 && up >= -v[n]) up = Number.POSITIVE_INFINITY;
    return { down, up };
  });
  return {
    figures: at,
    rawTheta: theta,
    sign,
    theta: Math.min(theta, sign),
    row,
    cells: list,
    a,
    w,
    v,
    breaking,
  };
}
