/**
 * A re-plan's continuation as a whole plan to propose as an amendment (src/ledger/continuation-plan.ts):
 * the history in the phases the shares were done and kept, then the continuation; the result is
 * a plan the amendment check accepts.
 */
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import type { History } from "../../src/analysis/continuation.ts";
import { amendedPlanProblems, continuationPlan, parseAmendedPlan } from "../../src/ledger/index.ts";
import { Scenario } from "../../src/model/schema.ts";

const scenario = Scenario.parse({
  parties: [
    { id: "a", tolerance: 0 },
    { id: "b", tolerance: 2 },
  ],
  moves: [
    { id: "a1", actor: "a", value: { a: -1, b: 4 }, reversible: 1, divisible: true },
    { id: "b1", actor: "b", value: { a: 4, b: -1 }, requires: ["a1"] },
  ],
  horizon: 4,
});
const c = compileScenario(scenario);

/** A history from the state after each phase: rows of [a1, b1]. */
function history(states: Array<[number, number]>): History {
  return {
    phases: states.length,
    x: [new Float64Array(2), ...states.map((s) => Float64Array.from(s))],
    verified: new Float64Array(2),
  };
}

describe("the continuation as a whole plan", () => {
  it("puts what was done in the phase it was done, then the continuation's steps", () => {
    const plan = continuationPlan(
      c,
      history([
        [0, 0],
        [1, 0],
      ]),
      [{ phase: 4, move: "b1", share: 1 }],
    );
    expect(plan).toEqual({ phases: { a1: 2, b1: 4 }, left: [] });
    expect(amendedPlanProblems(scenario, plan.phases)).toEqual([]);
  });

  it("leaves out a share done and later reversed: it counts from when it stayed done", () => {
    const plan = continuationPlan(
      c,
      history([
        [1, 0],
        [0, 0],
        [1, 0],
      ]),
      [{ phase: 5, move: "b1", share: 1 }],
    );
    expect(plan.phases).toEqual({ a1: 3, b1: 5 });
    // past the scenario's horizon (4): an amended plan may run to the phase limit
    expect(amendedPlanProblems(scenario, plan.phases)).toEqual([]);
  });

  it("splits a divisible move between history and continuation, its shares summing to 1", () => {
    const third = 1 / 3;
    const plan = continuationPlan(
      c,
      history([
        [third, 0],
        [2 * third, 0],
      ]),
      [
        { phase: 3, move: "a1", share: Math.round(third * 1e9) / 1e9 },
        { phase: 4, move: "b1", share: 1 },
      ],
    );
    expect(plan.phases.b1).toBe(4);
    const a1 = plan.phases.a1 as Record<string, number>;
    expect(Object.keys(a1)).toEqual(["1", "2", "3"]);
    expect(Object.values(a1).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(amendedPlanProblems(scenario, plan.phases)).toEqual([]);
  });

  it("leaves out, and says so, a move done in part that the continuation does not finish", () => {
    const plan = continuationPlan(c, history([[0.5, 0]]), []);
    expect(plan.phases).toEqual({});
    expect(plan.left).toHaveLength(1);
    expect(plan.left[0]).toMatch(/^a1: 50% done/);
  });
});

describe("an amended plan read from text", () => {
  it("reads a plan and reports a problem with line, column, path and what was expected", () => {
    expect(parseAmendedPlan("a1: 2\nb1: 7\n", scenario, "plan")).toEqual({
      ok: true,
      phases: { a1: 2, b1: 7 },
    });
    const wrong = parseAmendedPlan("a1: { 1: 0.5, 2: 0.4 }\nb2: 3\n", scenario, "plan");
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.message).toMatch(/^plan:1:\d+: a1: fractions sum to 0\.9; expected them to sum to 1$/m);
      expect(wrong.message).toMatch(/^plan:2:1: b2: unknown move 'b2'/m);
    }
    const notAPlan = parseAmendedPlan("- a1\n", scenario, "plan");
    expect(notAPlan).toEqual({
      ok: false,
      message: "plan:1:1: expected a plan: a mapping of move ids to a phase or { phase: fraction }",
    });
  });
});
