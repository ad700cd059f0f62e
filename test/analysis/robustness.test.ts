/**
 * MODEL.md v2 §7 (safety factor, what breaks first, breaking points) against a literal
 * transcription (literal.ts), and against feasibility itself: θ* keeps the plan feasible with
 * every value moved θ*·w toward the worst end, and (θ*+ε)·w breaks it; each breaking point flips
 * feasibility exactly there. Then issue 17's check: a plan reported robust holds at 500 points
 * drawn inside its ranges, and no drawn figure is worse than the reported worst case.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import { breakingPoints, safety } from "../../src/analysis/robustness.ts";
import type { Plan, Scenario } from "../../src/model/schema.ts";
import { Scenario as ScenarioSchema } from "../../src/model/schema.ts";
import { literalFigures, literallyFeasible, literalSafety } from "./literal.ts";

const PARTIES = ["a", "b", "c"];

/**
 * Random scenarios whose plans are often feasible: own costs small, benefits to others larger,
 * tolerances 0–3, ranges that keep their sign (half-width up to |v|), plans over 1–4 phases.
 */
const arbitraryCase = fc
  .record({
    parties: fc.integer({ min: 2, max: 3 }),
    moves: fc.array(
      fc.record({
        actor: fc.nat(2),
        own: fc.integer({ min: -6, max: 1 }).map((n) => n / 4),
        others: fc.array(
          fc.integer({ min: -1, max: 16 }).map((n) => n / 4),
          { minLength: 3, maxLength: 3 },
        ),
        spread: fc.array(fc.constantFrom(0.1, 0.25, 0.5, 1, 2), { minLength: 3, maxLength: 3 }),
        ranged: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        reversible: fc.constantFrom(0, 0.5, 1, 1, 1),
        lag: fc.integer({ min: 0, max: 2 }),
        phase: fc.integer({ min: 1, max: 4 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    discounts: fc.array(fc.constantFrom(0.5, 0.8, 0.9, 1), { minLength: 3, maxLength: 3 }),
    tolerances: fc.array(fc.constantFrom(0, 1, 3, 6), { minLength: 3, maxLength: 3 }),
    reservations: fc.array(fc.constantFrom(0, -1, -2, 0.5), { minLength: 3, maxLength: 3 }),
  })
  .map(({ parties, moves, discounts, tolerances, reservations }) => {
    const ids = PARTIES.slice(0, parties);
    const raw = {
      horizon: 10,
      parties: ids.map((id, i) => ({
        id,
        discount: discounts[i],
        tolerance: tolerances[i],
        reservation: reservations[i],
      })),
      moves: moves.map((m, n) => {
        const actor = ids[m.actor % parties];
        const value: Record<string, number | [number, number]> = {};
        ids.forEach((id, i) => {
          const v = id === actor ? m.own : m.others[i];
          const w = Math.min(m.spread[i], Math.abs(v));
          value[id] = m.ranged[i] && w > 0 ? [v - w, v + w] : v;
        });
        return { id: `m${n}`, actor, value, reversible: m.reversible, verify: { lag: m.lag } };
      }),
    };
    const scenario: Scenario = ScenarioSchema.parse(raw);
    const plan: Plan = Object.fromEntries(moves.map((m, n) => [`m${n}`, m.phase]));
    return { scenario, plan };
  });

const close = (a: number, b: number, rel = 1e-7) =>
  Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

/** The scenario with every value a point: cell (party, move) → number. */
function withValues(scenario: Scenario, value: (party: string, j: number) => number): Scenario {
  const copy = structuredClone(scenario);
  copy.moves.forEach((move, j) => {
    for (const party of Object.keys(move.value)) move.value[party] = value(party, j);
  });
  return copy;
}

const feasibleAt = (scenario: Scenario, plan: Plan) => analyzePlan(compileScenario(scenario), plan).feasible;

const RUNS = { numRuns: Number(process.env.RUNS ?? 400) };

describe("safety factor θ* (MODEL.md §7)", () => {
  it("equals the literal formula, with the same cap and what breaks first", () => {
    let checked = 0;
    fc.assert(
      fc.property(arbitraryCase, ({ scenario, plan }) => {
        const c = compileScenario(scenario);
        const a = analyzePlan(c, plan);
        const s = safety(c, a);
        if (!a.feasible) {
          expect(s).toBeNull();
          return;
        }
        checked++;
        const ref = literalSafety(scenario, plan);
        expect(s).not.toBeNull();
        expect(s!.unbounded).toBe(!Number.isFinite(ref.rawTheta));
        if (s!.unbounded) {
          expect(s!.theta).toBeNull();
          expect(s!.breaksFirst).toBeNull();
          return;
        }
        expect(close(s!.theta!, ref.theta)).toBe(true);
        if (!close(ref.rawTheta, ref.sign, 1e-9)) expect(s!.capped).toBe(ref.rawTheta > ref.sign);
        expect(close(s!.thetaSign!, ref.sign)).toBe(true);
        // θ* ≥ 1 exactly when the plan is robustly feasible (up to rounding at 1 itself)
        if (Math.abs(s!.theta! - 1) > 1e-6) expect(s!.theta! >= 1).toBe(a.robustlyFeasible);
        // the row named is one that attains the minimum ratio
        const named = ref.figures.rows.findIndex(
          (r) =>
            r.kind === s!.breaksFirst!.kind &&
            r.party === s!.breaksFirst!.party &&
            r.phase === s!.breaksFirst!.phase,
        );
        expect(named).toBeGreaterThanOrEqual(0);
        const denominator = ref.cells.reduce(
          (sum, _cell, n) => sum + Math.abs(ref.a[n][named]) * ref.w[n],
          0,
        );
        expect(close(Math.max(0, ref.figures.rows[named].g) / denominator, ref.rawTheta)).toBe(true);
      }),
      RUNS,
    );
    expect(checked).toBeGreaterThan(20);
  });

  it("keeps the plan feasible with values moved θ*·w toward the worst end, and (θ*+ε)·w breaks it", () => {
    let broken = 0;
    fc.assert(
      fc.property(arbitraryCase, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (input, signs) => {
        const { scenario, plan } = input;
        const c = compileScenario(scenario);
        const a = analyzePlan(c, plan);
        const s = safety(c, a);
        if (!s || s.unbounded) return;
        const ref = literalSafety(scenario, plan);
        const theta = s.theta!;
        const binding = ref.figures.rows.findIndex(
          (r) =>
            r.kind === s.breaksFirst!.kind &&
            r.party === s.breaksFirst!.party &&
            r.phase === s.breaksFirst!.phase,
        );
        const cellIndex = new Map(ref.cells.map((cell, n) => [`${cell.party}/${cell.j}`, n]));
        // toward the worst end of the binding row: against the sign of its coefficient
        const toward = (t: number) => (party: string, j: number) => {
          const n = cellIndex.get(`${party}/${j}`)!;
          const coef = ref.a[n][binding];
          return ref.v[n] - t * ref.w[n] * (coef > 0 ? 1 : coef < 0 ? -1 : 0);
        };
        // At exactly θ_sign a value reaches 0, where MODEL.md §2 would count the move as costless
        // (κ = 1): the linear rows hold on the open interval, so θ* = θ_sign is checked a hair inside.
        const inside = theta >= ref.sign * (1 - 1e-12) ? theta * (1 - 1e-9) : theta;
        expect(feasibleAt(withValues(scenario, toward(inside)), plan)).toBe(true);
        // any other direction at θ* holds too (each row's own worst end is the worst it can get)
        const anyway = (party: string, j: number) => {
          const n = cellIndex.get(`${party}/${j}`)!;
          return ref.v[n] + inside * ref.w[n] * (signs[n % signs.length] ? 1 : -1);
        };
        expect(feasibleAt(withValues(scenario, anyway), plan)).toBe(true);
        if (s.capped) return;
        const denominator = ref.cells.reduce(
          (sum, _cell, n) => sum + Math.abs(ref.a[n][binding]) * ref.w[n],
          0,
        );
        const epsilon = Math.max(1e-7 * Math.max(1, theta), 1e-6 / denominator);
        if (theta + epsilon >= ref.sign) return; // the next step would change a value's sign
        expect(feasibleAt(withValues(scenario, toward(theta + epsilon)), plan)).toBe(false);
        broken++;
      }),
      RUNS,
    );
    expect(broken).toBeGreaterThan(5);
  });
});

describe("breaking points (MODEL.md §7)", () => {
  it("equal the literal formula and flip feasibility exactly there, for values, tolerances and reservations", () => {
    let flips = 0;
    fc.assert(
      fc.property(arbitraryCase, ({ scenario, plan }) => {
        const c = compileScenario(scenario);
        const a = analyzePlan(c, plan);
        const points = breakingPoints(c, a);
        if (!a.feasible) {
          expect(points).toEqual([]);
          return;
        }
        const ref = literalSafety(scenario, plan);
        const values = points.filter((p) => p.field === "value");
        expect(values.map((p) => [p.move, p.party])).toEqual(
          ref.cells.map(({ party, j }) => [scenario.moves[j].id, party]),
        );
        values.forEach((p, n) => {
          const { party, j } = ref.cells[n];
          const lit = ref.breaking[n];
          expect(p.nominal).toBeCloseTo(ref.v[n], 12);
          expect(p.width).toBeCloseTo(ref.w[n], 12);
          for (const [dir, mine, theirs] of [
            [-1, p.down, lit.down],
            [1, p.up, lit.up],
          ] as const) {
            // A break exactly at zero is none; floating-point may put either side on the boundary.
            const atZero =
              (Number.isFinite(theirs) && close(theirs, Math.abs(p.nominal), 1e-9)) ||
              (mine !== null && close(mine, Math.abs(p.nominal), 1e-9));
            if (!atZero) expect(mine === null).toBe(!Number.isFinite(theirs));
            if (mine === null) continue;
            expect(close(mine, theirs)).toBe(true);
            const at = (t: number) => (q: string, jj: number) =>
              ref.v[ref.cells.findIndex((cell) => cell.party === q && cell.j === jj)] +
              (q === party && jj === j ? dir * t : 0);
            expect(feasibleAt(withValues(scenario, at(mine)), plan)).toBe(true);
            const which = dir < 0 ? p.downRow! : p.upRow!;
            const row = ref.figures.rows.findIndex(
              (r) => r.kind === which.kind && r.party === which.party && r.phase === which.phase,
            );
            const coef = Math.abs(ref.a[n][row]);
            expect(close(Math.max(0, ref.figures.rows[row].g) / coef, mine)).toBe(true);
            const epsilon = Math.max(1e-7 * Math.max(1, mine), 1e-6 / coef);
            if (p.nominal > 0 && dir < 0 && mine + epsilon >= p.nominal) continue;
            if (p.nominal < 0 && dir > 0 && mine + epsilon >= -p.nominal) continue;
            expect(feasibleAt(withValues(scenario, at(mine + epsilon)), plan)).toBe(false);
            flips++;
          }
        });
        for (const p of points.filter((q) => q.field !== "value")) {
          const i = scenario.parties.findIndex((q) => q.id === p.party);
          const moved = (t: number) => {
            const copy = structuredClone(scenario);
            if (p.field === "tolerance") copy.parties[i].tolerance -= t;
            else copy.parties[i].reservation += t;
            return copy;
          };
          const amount = p.field === "tolerance" ? p.down : p.up;
          if (amount === null) {
            // tolerance: no fall down to 0 breaks the plan
            if (p.field === "tolerance") expect(feasibleAt(moved(p.nominal), plan)).toBe(true);
            continue;
          }
          expect(feasibleAt(moved(amount), plan)).toBe(true);
          expect(feasibleAt(moved(amount + 1e-6), plan)).toBe(false);
          flips++;
        }
      }),
      RUNS,
    );
    expect(flips).toBeGreaterThan(50);
  });
});

describe("issue 17: a plan reported robust holds everywhere inside its ranges", () => {
  it("500 points drawn inside the ranges: none infeasible, none below the reported worst figures", () => {
    let robust = 0;
    fc.assert(
      fc.property(arbitraryCase, fc.integer({ min: 1, max: 2 ** 31 - 1 }), ({ scenario, plan }, seed) => {
        const c = compileScenario(scenario);
        const a = analyzePlan(c, plan);
        if (!a.robustlyFeasible) return;
        robust++;
        let state = seed;
        const uniform = () => {
          state = (Math.imul(state, 48271) >>> 0) % 2147483647 || 1;
          return state / 2147483647;
        };
        // Plain comparisons inside the 500 draws, one expect at the end: the same checks, without
        // an expect() per figure per draw (most of this file's CPU).
        const breaks: string[] = [];
        for (let draw = 0; draw < 500 && breaks.length === 0; draw++) {
          const drawn = scenario.moves.map((move) =>
            Object.fromEntries(
              Object.entries(move.value).map(([party, v]) => [
                party,
                typeof v === "number" ? v : v[0] + (v[1] - v[0]) * uniform(),
              ]),
            ),
          );
          const value = (party: string, j: number) => drawn[j][party] ?? 0;
          // the truth at the drawn point: κ and credit by the drawn values' own signs
          const f = literalFigures(scenario, plan, value, value);
          if (!literallyFeasible(f, 1e-9)) breaks.push(`draw ${draw}: infeasible`);
          for (const [id, p] of Object.entries(a.parties)) {
            f.exposure[id].forEach((e, k) => {
              if (!(e <= p.worst.exposure[k] + 1e-9))
                breaks.push(
                  `draw ${draw}: ${id} exposure ${e} after phase ${k} above worst ${p.worst.exposure[k]}`,
                );
            });
            for (const [k, m] of Object.entries(f.margin[id]))
              if (!(m >= p.worst.margin[k] - 1e-9))
                breaks.push(`draw ${draw}: ${id} margin ${m} in phase ${k} below worst ${p.worst.margin[k]}`);
            if (!(f.final[id] >= p.worst.final - 1e-9))
              breaks.push(`draw ${draw}: ${id} final ${f.final[id]} below worst ${p.worst.final}`);
          }
        }
        expect(breaks).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(robust).toBeGreaterThan(10);
  });
});
