/**
 * Re-planning from the actual state (MODEL.md v2 §10), worked by hand (docs/model.md §10 has the
 * same arithmetic): a late move that breaks the rest of the plan, and a move out of turn after
 * which no continuation works without an inducement.
 */
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import {
  checkContinuation,
  continuationSchedule,
  type History,
  restOfPlan,
} from "../../src/analysis/continuation.ts";
import { buildSchedule } from "../../src/analysis/schedule.ts";
import { Scenario } from "../../src/model/schema.ts";
import { findContinuation } from "../../src/planner/index.ts";

// a1: a's costly move, fully reversible (a takes it back if the deal collapses), verified after a
// phase; b1: b's costly move, which waits for a1 to be done and verified.
const c = compileScenario(
  Scenario.parse({
    parties: [
      { id: "a", tolerance: 0 },
      { id: "b", tolerance: 2 },
    ],
    moves: [
      { id: "a1", actor: "a", value: { a: -1, b: 4 }, reversible: 1, verify: { lag: 1 } },
      { id: "b1", actor: "b", value: { a: 4, b: -1 }, requires: ["a1"] },
    ],
    horizon: 4,
  }),
);

/** A history from the state after each phase: rows of [a1, b1]. */
function history(states: Array<[number, number]>, verified: [number, number] = [0, 0]): History {
  return {
    phases: states.length,
    x: [new Float64Array(2), ...states.map((s) => Float64Array.from(s))],
    verified: Float64Array.from(verified),
  };
}

describe("§10 by hand: a1 a phase late", () => {
  // adopted: a1 in phase 1, b1 in phase 3 (a1 done in 1, verified by 2, so b1 from 3)
  const planned = buildSchedule(c, { a1: 1, b1: 3 });
  // a1 was done in phase 2 instead; we are in phase 2 (k0 = 2)
  const late = history([
    [0, 0],
    [1, 0],
  ]);

  it("the rest of the plan breaks on b1's prerequisite", () => {
    const rest = checkContinuation(c, late, restOfPlan(late, planned), 4);
    expect(rest.phases).toBe(3);
    expect(rest.feasible).toBe(false);
    // b1 in phase 3 needs a1 done by phase 3 − 1 − 1 = 1; it was done in 2
    expect(rest.violations.map((v) => v.kind)).toEqual(["requires"]);
    expect(rest.violations[0].message).toMatch(/b1/);
    expect(rest.violations[0].message).toMatch(/a1/);
  });

  it("the best continuation moves b1 to phase 4, least slack 1 (b's exposure)", async () => {
    const result = await findContinuation(c, late, { horizon: 4 });
    expect(result.feasible).toBe(true);
    expect(result.phases).toBe(4);
    expect(result.steps).toEqual([{ phase: 4, move: "b1", share: 1 }]);
    // rows after phase 2 (δ = 0.9):
    //   a exposure k=3: τ 0 + 0 (a1 κ = 0; b1 not done): depends on no value, left out
    //   a exposure k=4: 0 + 4·1 = 4
    //   b exposure k=3: 2 + 0 (a1 κ = 0, b1 not done): left out
    //   b exposure k=4: 2 − 1 = 1
    //   b margin k=4 (L = 0, T = 4): Wᶜ = u_b(x_4) = 3; Wᵈ = 0.1·u_b(y_4) + 0.9·u_b(κ⊙y_4) = 0.1·4 + 0.9·0 = 0.4; M = 2.6
    //   reservations: a 3, b 3
    expect(result.minSlack).toBeCloseTo(1, 9);
    const check = checkContinuation(
      c,
      late,
      continuationSchedule(late, [Float64Array.from([1, 0]), Float64Array.from([1, 1])]),
      4,
    );
    const margin = check.rows.find((r) => r.kind === "margin")!;
    expect(margin.phase).toBe(4);
    expect(margin.constant + margin.coef[0] * 4 + margin.coef[1] * -1).toBeCloseTo(2.6, 9);
  });
});

describe("§10 by hand: b1 out of turn", () => {
  // b did b1 in phase 1, before a1; we are in phase 1 (k0 = 1)
  const early = history([[0, 1]]);

  it("a gains 1 by walking away whenever it does a1: an inducement of 1 per phase", async () => {
    // a margin in phase 2 (L = 1, T = 2): Wᶜ = u_a(x_2) = −1 + 4 = 3;
    // Wᵈ: a1 frozen at 0, b1 done: u_a(y) = 4 for t = 2, 3, then κ⊙y keeps b1 (b's cost, r = 0):
    //   0.1·(4 + 0.9·4) + 0.81·4 = 0.76 + 3.24 = 4; M = 3 − 4 = −1
    const result = await findContinuation(c, early, { horizon: 2 });
    expect(result.feasible).toBe(false);
    expect(result.relaxation).toEqual({ a: { tolerance: 0, inducement: 1 } });
    expect(result.steps).toEqual([{ phase: 2, move: "a1", share: 1 }]);
    expect(result.binding!.join(" ")).toMatch(/inducement of 1\.00 per phase/);
  });

  it("a verifier's word credits at once, before the lag would", () => {
    // a1 irreversible (κ = 1) with a lag of 2, done and verified in phase 2; k0 = 2
    const slow = compileScenario(
      Scenario.parse({
        ...c.scenario,
        moves: [
          { id: "a1", actor: "a", value: { a: -1, b: 4 }, verify: { lag: 2 } },
          { id: "b1", actor: "b", value: { a: 4, b: -1 } },
        ],
      }),
    );
    const states: Array<[number, number]> = [
      [0, 0],
      [1, 0],
    ];
    const s = continuationSchedule(history(states), [Float64Array.from([1, 0])]);
    const bExposure = (h: History) =>
      checkContinuation(slow, h, s, 4).rows.find((r) => r.kind === "exposure" && r.party === 1)!;
    // b's exposure row after phase 3: τ_b + 4·x̂(a1); by the lag x̂ = x_1(a1) = 0, verified x̂ = 1
    expect(bExposure(history(states)).coef[0]).toBe(0);
    expect(bExposure(history(states, [1, 0])).coef[0]).toBe(1);
  });
});
