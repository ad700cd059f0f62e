/**
 * Laws of the model (property-based): they must hold for every scenario and plan.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import type { Plan, Scenario } from "../../src/model/schema.ts";
import { Scenario as ScenarioSchema } from "../../src/model/schema.ts";

const PARTIES = ["a", "b", "c"];

/** A random scenario with 2–3 parties and 1–6 moves, plus a random plan over 1–4 phases. */
const arbitraryCase = (opts: { othersBenefitOnly?: boolean } = {}) =>
  fc
    .record({
      parties: fc.integer({ min: 2, max: 3 }),
      moves: fc.array(
        fc.record({
          actor: fc.nat(2),
          own: fc.double({ min: -5, max: 3, noNaN: true }),
          others: fc.array(fc.double({ min: opts.othersBenefitOnly ? 0 : -3, max: 5, noNaN: true }), {
            minLength: 3,
            maxLength: 3,
          }),
          spread: fc.double({ min: 0, max: 2, noNaN: true }),
          reversible: fc.double({ min: 0, max: 1, noNaN: true }),
          lag: fc.integer({ min: 0, max: 2 }),
          phase: fc.integer({ min: 1, max: 4 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      discounts: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
    })
    .map(({ parties, moves, discounts }) => {
      const ids = PARTIES.slice(0, parties);
      const raw = {
        horizon: 10,
        parties: ids.map((id, i) => ({ id, discount: discounts[i], tolerance: 1 })),
        moves: moves.map((m, n) => {
          const actor = ids[m.actor % parties];
          const value: Record<string, [number, number]> = {};
          ids.forEach((id, i) => {
            const v = id === actor ? m.own : m.others[i];
            value[id] = [v - m.spread, v + m.spread];
          });
          return { id: `m${n}`, actor, value, reversible: m.reversible, verify: { lag: m.lag } };
        }),
      };
      const scenario: Scenario = ScenarioSchema.parse(raw);
      const plan: Plan = Object.fromEntries(moves.map((m, n) => [`m${n}`, m.phase]));
      return { scenario, plan };
    });

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe("laws of exposure and margin", () => {
  it("fully reversible moves verified at once leave nobody exposed", () => {
    fc.assert(
      fc.property(arbitraryCase({ othersBenefitOnly: true }), ({ scenario, plan }) => {
        for (const move of scenario.moves) {
          move.reversible = 1;
          move.verify.lag = 0;
        }
        const r = analyzePlan(compileScenario(scenario), plan);
        for (const p of Object.values(r.parties)) expect(p.exposure.every((e) => e === 0)).toBe(true);
      }),
    );
  });

  it("adding verification lag never lowers exposure", () => {
    fc.assert(
      fc.property(
        arbitraryCase(),
        fc.nat(5),
        fc.integer({ min: 1, max: 3 }),
        ({ scenario, plan }, which, extra) => {
          const before = analyzePlan(compileScenario(scenario), plan);
          const move = scenario.moves[which % scenario.moves.length];
          move.verify.lag += extra;
          const after = analyzePlan(compileScenario(scenario), plan);
          for (const [id, p] of Object.entries(before.parties)) {
            for (const [k, e] of p.exposure.entries())
              expect(after.parties[id].exposure[k]).toBeGreaterThanOrEqual(e - 1e-9);
          }
        },
      ),
    );
  });

  it("scaling every value by c > 0 scales E and M by c", () => {
    fc.assert(
      fc.property(arbitraryCase(), fc.double({ min: 0.1, max: 10, noNaN: true }), ({ scenario, plan }, c) => {
        const before = analyzePlan(compileScenario(scenario), plan);
        for (const move of scenario.moves) {
          for (const [party, v] of Object.entries(move.value)) {
            move.value[party] = typeof v === "number" ? v * c : [v[0] * c, v[1] * c];
          }
        }
        const after = analyzePlan(compileScenario(scenario), plan);
        for (const [id, p] of Object.entries(before.parties)) {
          const q = after.parties[id];
          for (const [k, e] of p.exposure.entries()) expect(close(q.exposure[k], c * e)).toBe(true);
          for (const [k, m] of Object.entries(p.margin)) expect(close(q.margin[k], c * m)).toBe(true);
          expect(close(q.final, c * p.final)).toBe(true);
        }
      }),
    );
  });

  it("the worst case is never better than the nominal figure", () => {
    fc.assert(
      fc.property(arbitraryCase(), ({ scenario, plan }) => {
        const r = analyzePlan(compileScenario(scenario), plan);
        for (const p of Object.values(r.parties)) {
          for (const [k, e] of p.exposure.entries())
            expect(p.worst.exposure[k]).toBeGreaterThanOrEqual(e - 1e-9);
          for (const [k, m] of Object.entries(p.margin))
            expect(p.worst.margin[k]).toBeLessThanOrEqual(m + 1e-9);
          expect(p.worst.final).toBeLessThanOrEqual(p.final + 1e-9);
        }
        if (r.robustlyFeasible) expect(r.feasible).toBe(true);
      }),
    );
  });

  it("agrees with a direct, literal transcription of MODEL.md §3–4 (any δ, lags, reversibility)", () => {
    fc.assert(
      fc.property(arbitraryCase(), ({ scenario, plan }) => {
        const r = analyzePlan(compileScenario(scenario), plan);
        const ref = literalModel(scenario, plan);
        for (const [id, p] of Object.entries(r.parties)) {
          for (const [k, e] of p.exposure.entries()) expect(close(e, ref[id].exposure[k])).toBe(true);
          expect(Object.keys(p.margin).sort()).toEqual(Object.keys(ref[id].margin).sort());
          for (const [k, m] of Object.entries(p.margin)) expect(close(m, ref[id].margin[k])).toBe(true);
        }
      }),
    );
  });

  it("minimum slack is the least of τ − E and M, and feasibility needs it ≥ 0", () => {
    fc.assert(
      fc.property(arbitraryCase(), ({ scenario, plan }) => {
        const r = analyzePlan(compileScenario(scenario), plan);
        let least = Number.POSITIVE_INFINITY;
        scenario.parties.forEach((party) => {
          const p = r.parties[party.id];
          for (const e of p.exposure) least = Math.min(least, party.tolerance - e);
          for (const m of Object.values(p.margin)) least = Math.min(least, m);
        });
        expect(close(r.minSlack, least)).toBe(true);
        if (r.feasible) expect(r.minSlack).toBeGreaterThanOrEqual(-1e-9);
      }),
    );
  });
});

/** MODEL.md §2–4 written out literally with nominal values: slow, obvious, independent of the engine. */
function literalModel(scenario: Scenario, plan: Plan) {
  const mid = (v: number | [number, number] | undefined) =>
    v === undefined ? 0 : typeof v === "number" ? v : (v[0] + v[1]) / 2;
  const moves = scenario.moves;
  const T = Math.max(...Object.values(plan).map((e) => (typeof e === "number" ? e : 0)));
  const x = (k: number, j: number) => {
    const e = plan[moves[j].id];
    return typeof e === "number" && k >= e ? 1 : 0; // phases past T keep x_T since e ≤ T
  };
  const kappa = (j: number) => (mid(moves[j].value[moves[j].actor]) < 0 ? 1 - moves[j].reversible : 1);
  const u = (party: string, state: (j: number) => number) =>
    moves.reduce((sum, m, j) => sum + mid(m.value[party]) * state(j), 0);
  const out: Record<string, { exposure: number[]; margin: Record<string, number> }> = {};
  for (const party of scenario.parties) {
    const i = party.id;
    const d = party.discount;
    const exposure: number[] = [];
    for (let k = 0; k <= T; k++) {
      const seen = (j: number) => {
        const m = moves[j];
        const lagged = m.actor !== i && mid(m.value[i]) > 0 ? m.verify.lag : 0;
        return kappa(j) * x(k - lagged, j);
      };
      exposure.push(Math.max(0, -u(i, seen)));
    }
    const margin: Record<string, number> = {};
    for (let k = 1; k <= T; k++) {
      const mine = moves.filter((m, j) => m.actor === i && x(k, j) - x(k - 1, j) > 0);
      if (mine.length === 0) continue;
      const L = Math.min(...mine.map((m) => m.verify.lag));
      let comply = d ** (T - k) * u(i, (j) => x(T, j));
      for (let t = k; t <= T - 1; t++) comply += (1 - d) * d ** (t - k) * u(i, (j) => x(t, j));
      const y = (t: number) => (j: number) => (moves[j].actor === i ? x(k - 1, j) : x(t, j));
      let defect = d ** (L + 1) * u(i, (j) => kappa(j) * y(k + L)(j));
      for (let t = k; t <= k + L; t++) defect += (1 - d) * d ** (t - k) * u(i, y(t));
      margin[k] = comply - defect;
    }
    out[i] = { exposure, margin };
  }
  return out;
}
