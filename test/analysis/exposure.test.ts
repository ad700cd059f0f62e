/**
 * The exposure rule (MODEL.md §2–3) in its one place, src/analysis/exposure.ts: each piece against
 * the model's words, and the analysis and the simulator judging the same plan by it, on both
 * sides of the limit.
 */
import { describe, expect, it } from "vitest";
import {
  analyzePlan,
  creditedOnVerification,
  creditedPhase,
  creditLag,
  exposureCoefficient,
  exposureOf,
  exposureRow,
  survivingShare,
} from "../../src/analysis/index.ts";
import { simulateRuns, summarize } from "../../src/simulate/index.ts";
import { compileYaml } from "../helpers/scenario.ts";

describe("the pieces of the rule", () => {
  it("κ: a move that costs its actor survives a collapse only in its irreversible share", () => {
    expect(survivingShare(-2, 0.25)).toBe(0.75);
    expect(survivingShare(-2, 1)).toBe(0);
    expect(survivingShare(3, 0.25)).toBe(1); // a benefit to its actor is not taken back
    expect(survivingShare(0, 0.25)).toBe(1);
  });

  it("credit: another party's benefit waits for verification; own moves and harm count at once", () => {
    expect(creditedOnVerification(0, 1, 3)).toBe(true);
    expect(creditedOnVerification(0, 1, -3)).toBe(false); // harm
    expect(creditedOnVerification(1, 1, 3)).toBe(false); // own move
    expect(creditLag(0, 1, 3, 2)).toBe(2);
    expect(creditLag(0, 1, -3, 2)).toBe(0);
  });

  it("E = max(0, −u) and the row τ + u, unclamped", () => {
    expect(exposureOf(-1.5)).toBe(1.5);
    expect(exposureOf(2)).toBe(0);
    expect(exposureRow(1, -1.5)).toBe(-0.5);
    expect(exposureRow(1, 2)).toBe(3);
  });

  it("a compiled scenario carries the rule: κ, credited phase and coefficient", () => {
    const c = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: give, actor: a, value: { a: -2, b: 4 }, reversible: 0.5 }
  - { id: pay, actor: b, value: { a: 3, b: -1 }, verify: { lag: 2 } }
`);
    expect(Array.from(c.kappa)).toEqual([0.5, 1]);
    // a credits b's payment two phases after it is done; b credits a's move at once (lag 0)
    expect(creditedPhase(c, 0, 1, 5)).toBe(3);
    expect(creditedPhase(c, 1, 0, 5)).toBe(5);
    expect(exposureCoefficient(c, 0, 1)).toBe(0.5);
  });
});

describe("the analysis and the simulator judge a plan by the same rule", () => {
  // A gives in phase 1 (costs A 2, half reversible: A is exposed 2 · 0.5 = 1), B pays in phase 2,
  // verified a phase later, so A stays exposed 1 until phase 3's end (after the plan: x_T).
  const scenario = (tolerance: number) =>
    compileYaml(`
parties: [{ id: a, tolerance: ${tolerance}, discount: 1 }, { id: b, discount: 1 }]
moves:
  - { id: give, actor: a, value: { a: -2, b: 4 }, reversible: 0.5 }
  - { id: pay, actor: b, value: { a: 3, b: -1 }, verify: { lag: 1 } }
`);
  const plan = { give: 1, pay: 2 };

  for (const [tolerance, over] of [
    [1, false], // on the limit is within it
    [0.999, true],
  ] as const) {
    it(`tolerance ${tolerance}: ${over ? "over" : "within"} in both`, () => {
      const c = scenario(tolerance);
      const analysis = analyzePlan(c, plan);
      expect(analysis.parties.a.exposure).toEqual([0, 1, 1]);
      expect(analysis.rows.some((r) => r.kind === "exposure" && r.party === "a" && r.over)).toBe(over);
      const tally = simulateRuns(c, plan, { seed: 1, firstRun: 0, runs: 200 });
      const report = summarize(tally, { partyIds: c.partyIds, seed: 1, response: c.scenario.risk.response });
      expect(report.completion.p).toBe(1);
      expect(report.parties.a.overTolerance).toBe(over ? 1 : 0);
      expect(report.parties.b.overTolerance).toBe(0);
    });
  }
});
