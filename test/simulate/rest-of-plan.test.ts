/**
 * The engine looks margins up (src/simulate/rest-of-plan.ts) instead of walking the rest of the
 * plan. On random scenarios and random points inside the value ranges, the lookup must give the
 * analysis' margin: Σ_m v_i(m) (S_k(m) − D_k(m)) with the analysis' own weights (figures.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import { complianceWeights, defectionWeights, detectionLag, dot } from "../../src/analysis/figures.ts";
import { buildSchedule } from "../../src/analysis/schedule.ts";
import { Scenario } from "../../src/model/schema.ts";
import { preparePlan } from "../../src/simulate/prepare.ts";

const randomCase = fc.record({
  parties: fc.integer({ min: 1, max: 3 }),
  discount: fc.double({ min: 0.5, max: 1, noNaN: true }),
  moves: fc.array(
    fc.record({
      actor: fc.nat(),
      values: fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
      signs: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      spread: fc.double({ min: 0, max: 2, noNaN: true }),
      lag: fc.integer({ min: 0, max: 3 }),
      reversible: fc.double({ min: 0, max: 1, noNaN: true }),
      phase: fc.integer({ min: 1, max: 5 }),
      split: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  // where in each range the run's value falls, as a share of the width
  point: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 18, maxLength: 18 }),
});

describe("the rest-of-plan lookup", () => {
  it("gives the analysis' margin at any point inside the ranges", () => {
    fc.assert(
      fc.property(randomCase, (r) => {
        const ids = Array.from({ length: r.parties }, (_, i) => `p${i}`);
        // ranges keep their sign (MODEL.md v2 §1): [v, v + spread] or [−v − spread, −v]
        const range = (v: number, negative: boolean, spread: number) =>
          spread > 1 ? (negative ? [-v - spread, -v] : [v, v + spread]) : negative ? -v : v;
        const scenario = Scenario.parse({
          parties: ids.map((id) => ({ id, discount: r.discount })),
          moves: r.moves.map((m, n) => ({
            id: `m${n}`,
            actor: ids[m.actor % r.parties],
            value: Object.fromEntries(ids.map((id, i) => [id, range(m.values[i], m.signs[i], m.spread)])),
            reversible: m.reversible,
            verify: { lag: m.lag },
            divisible: m.split,
          })),
        });
        const plan = Object.fromEntries(
          r.moves.map((m, n) => [`m${n}`, m.split ? { [m.phase]: 0.5, [m.phase + 1]: 0.5 } : m.phase]),
        );
        const c = compileScenario(scenario);
        const prepared = preparePlan(c, plan);
        const { rangedIndex, rangedLow, rangedSpan, nominal } = prepared;
        const { lagWeight, base, sensitivity } = prepared.rest;
        const P = prepared.parties;
        const M = prepared.moves;
        const T = prepared.phases;
        // the run's values: nominal, the ranged ones moved to the point
        const values = Float64Array.from(nominal);
        rangedIndex.forEach((at, n) => {
          values[at] = rangedLow[n] + r.point[n % r.point.length] * rangedSpan[n];
        });
        const schedule = buildSchedule(c, plan);
        for (let i = 0; i < P; i++) {
          const v = values.subarray(i * M, (i + 1) * M);
          const keep = complianceWeights(c, schedule, i);
          for (let k = 1; k <= T; k++) {
            const lag = detectionLag(c, schedule, i, k);
            if (lag === undefined) continue;
            const expected = dot(v, keep[k]) - dot(v, defectionWeights(c, schedule, i, k, lag));
            // the engine's state before phase k when everyone followed the plan
            let u = 0;
            let uk = 0;
            for (let m = 0; m < M; m++) {
              u += v[m] * schedule.x[k - 1][m];
              uk += v[m] * c.kappa[m] * schedule.x[k - 1][m];
            }
            let rest = base[i * (T + 1) + k];
            rangedIndex.forEach((at, n) => {
              if (Math.floor(at / M) === i) rest += (values[at] - nominal[at]) * sensitivity[n * (T + 1) + k];
            });
            const margin = lagWeight[i * (T + 1) + k] * (u - uk) + rest;
            expect(margin).toBeCloseTo(expected, 9);
          }
        }
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });
});
