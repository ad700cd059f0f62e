/** The expectation checker itself: it must catch wrong claims, or the library tests prove nothing. */
import { describe, expect, it } from "vitest";
import { compileYaml } from "../helpers/scenario.ts";
import { SURPRISE } from "../views/examples.ts";
import { checkExpectation } from "./expectations.ts";

// A gives up 2 (irreversible) for B's 3; B's step costs it 1 and is worth [1, 5] to A.
// upfront:a leaves A exposed 2 after phase 1 at the midpoint; at the best case (B's step worth 5)
// the exposure is still 2, because A has not yet received anything in phase 1.
const c = compileYaml(`
parties: [{ id: a }, { id: b, tolerance: 0.5 }]
moves:
  - { id: a-step, actor: a, value: { a: -2, b: 3 } }
  - { id: b-step, actor: b, value: { a: [1, 5], b: -1 }, reversible: 0.5 }
`);

// Both steps fully reversible: nothing survives a collapse, so no one is exposed, and each side's
// margin is the deal's value against one phase of free-riding. A's final value is 3 - 2 = 1 at the
// midpoint, but 1 - 2 = -1 if B's step is worth only the low end to A: feasible, not robust.
const swap = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: a-step, actor: a, value: { a: -2, b: 3 }, reversible: 1 }
  - { id: b-step, actor: b, value: { a: [1, 5], b: -1 }, reversible: 1 }
plans:
  together: { a-step: 1, b-step: 1 }
`);

describe("checkExpectation", () => {
  it("accepts a true claim and rejects a false one", () => {
    expect(checkExpectation(c, { plan: "upfront:a", feasible: false })).toEqual([]);
    expect(checkExpectation(c, { plan: "upfront:a", feasible: true })[0]).toMatch(/expected feasible/);
  });

  it("checks the first violation's kind, party and phase", () => {
    const claim = {
      plan: "upfront:a",
      feasible: false,
      firstViolation: { kind: "exposure" as const, party: "a", phase: 1 },
    };
    expect(checkExpectation(c, claim)).toEqual([]);
    expect(checkExpectation(c, { ...claim, firstViolation: { kind: "exposure", party: "b" } })).toHaveLength(
      1,
    );
    expect(checkExpectation(c, { ...claim, firstViolation: { kind: "margin" } })).toHaveLength(1);
    expect(checkExpectation(c, { ...claim, firstViolation: { kind: "exposure", phase: 2 } })).toHaveLength(1);
  });

  it("robust infeasibility: the first violation must survive the best case of the ranges", () => {
    // A's exposure after phase 1 of upfront:a does not depend on the uncertain value: robust.
    expect(checkExpectation(c, { plan: "upfront:a", feasible: false, robust: true })).toEqual([]);
    expect(checkExpectation(c, { plan: "upfront:a", feasible: false, robust: false })).toHaveLength(1);
  });

  it("robust feasibility follows robustlyFeasible", () => {
    const claim = { plan: "together", feasible: true };
    expect(checkExpectation(swap, claim)).toEqual([]);
    expect(checkExpectation(swap, { ...claim, robust: false })).toEqual([]);
    expect(checkExpectation(swap, { ...claim, robust: true })[0]).toMatch(/robustlyFeasible/);
  });

  it("an unknown plan is reported, not thrown", () => {
    expect(checkExpectation(c, { plan: "nope", feasible: true })[0]).toMatch(/unknown plan/);
  });

  it("perspective claims: credibility, surprises and fears must match the analysis", () => {
    const views = compileYaml(SURPRISE);
    const claim = { plan: "staged", feasible: false };
    const surprise = { view: "a", party: "b", kind: "margin" as const, phase: 2 };
    expect(checkExpectation(views, { ...claim, credible: { a: true }, surprises: [surprise] })).toEqual([]);
    expect(checkExpectation(views, { ...claim, credible: { a: false } })[0]).toMatch(
      /not to be credible to a/,
    );
    expect(checkExpectation(views, { ...claim, surprises: [{ ...surprise, phase: 1 }] })[0]).toMatch(
      /expected among the surprises/,
    );
    expect(checkExpectation(views, { ...claim, fears: [surprise] })[0]).toMatch(/expected among the fears/);
    expect(checkExpectation(c, { plan: "upfront:a", feasible: false, credible: { a: true } })[0]).toMatch(
      /no views/,
    );
  });
});
