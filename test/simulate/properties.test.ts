/**
 * Invariants of any simulation, on random small scenarios with every risk switched on: the
 * figures are probabilities that fit together, and the same seed gives the same tally.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import { Scenario } from "../../src/model/schema.ts";
import { RESPONSES, simulateRuns, summarize } from "../../src/simulate/index.ts";

const probability = fc.double({ min: 0, max: 1, noNaN: true });

const randomCase = fc
  .record({
    parties: fc.integer({ min: 1, max: 3 }),
    moves: fc.array(
      fc.record({
        actor: fc.nat(),
        values: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        spread: fc.double({ min: 0, max: 2, noNaN: true }),
        lag: fc.integer({ min: 0, max: 2 }),
        detect: probability,
        falseAlarm: fc.double({ min: 0, max: 0.3, noNaN: true }),
        feasibility: fc.double({ min: 0.5, max: 1, noNaN: true }),
        reversible: probability,
        phase: fc.integer({ min: 1, max: 4 }),
        split: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    hazard: fc.double({ min: 0, max: 0.2, noNaN: true }),
    noise: fc.double({ min: 0, max: 2, noNaN: true }),
    response: fc.constantFrom(...RESPONSES),
    forgive: probability,
    seed: fc.nat(),
  })
  .map((r) => {
    const partyIds = Array.from({ length: r.parties }, (_, i) => `p${i}`);
    const scenario = Scenario.parse({
      parties: partyIds.map((id) => ({ id, tolerance: 1 })),
      moves: r.moves.map((m, n) => ({
        id: `m${n}`,
        actor: partyIds[m.actor % r.parties],
        value: Object.fromEntries(
          partyIds.map((id, i) => [id, m.spread > 1 ? [m.values[i], m.values[i] + m.spread] : m.values[i]]),
        ),
        reversible: m.reversible,
        verify: { lag: m.lag, detect: m.detect, falseAlarm: m.falseAlarm },
        feasibility: m.feasibility,
        divisible: m.split,
      })),
      risk: {
        hazard: r.hazard,
        noise: Object.fromEntries(partyIds.map((id) => [id, r.noise])),
        response: r.response,
        forgive: r.forgive,
      },
    });
    const plan = Object.fromEntries(
      r.moves.map((m, n) => [`m${n}`, m.split ? { [m.phase]: 0.5, [m.phase + 1]: 0.5 } : m.phase]),
    );
    return { scenario, plan, seed: r.seed, response: r.response };
  });

describe("simulation invariants", () => {
  it("survival falls, completion fits under it, causes add up, and a seed replays", () => {
    fc.assert(
      fc.property(randomCase, ({ scenario, plan, seed, response }) => {
        const c = compileScenario(scenario);
        const range = { seed, firstRun: 0, runs: 300 };
        const tally = simulateRuns(c, plan, range);
        const report = summarize(tally, { partyIds: c.partyIds, seed, response });
        expect(report.survival[0]).toBe(1);
        for (let k = 1; k < report.survival.length; k++) {
          expect(report.survival[k]).toBeLessThanOrEqual(report.survival[k - 1]);
        }
        expect(report.completion.p).toBeLessThanOrEqual(report.survival.at(-1)! + 1e-9);
        expect(report.completion.low).toBeLessThanOrEqual(report.completion.p + 1e-6);
        expect(report.completion.high).toBeGreaterThanOrEqual(report.completion.p - 1e-6);
        const shares = report.causes.reduce((sum, cause) => sum + cause.share, 0);
        expect(Math.abs(shares - (report.completion.p < 1 ? 1 : 0))).toBeLessThan(1e-4);
        for (const party of Object.values(report.parties)) {
          expect(party.value.p5).toBeLessThanOrEqual(party.value.p50);
          expect(party.value.p50).toBeLessThanOrEqual(party.value.p95);
          expect(Number.isFinite(party.value.mean)).toBe(true);
        }
        const again = simulateRuns(c, plan, range);
        expect(Array.from(again.valueSketch)).toEqual(Array.from(tally.valueSketch));
        expect(again.completed).toBe(tally.completed);
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});
