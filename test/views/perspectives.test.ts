/** Perspectives (MODEL.md §9) on hand-worked examples, and laws on random scenarios. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import { analyzePerspectives, credibility } from "../../src/analysis/perspectives.ts";
import { partyRows, rowValue } from "../../src/analysis/rows.ts";
import { compileViews } from "../../src/analysis/views.ts";
import { Scenario, type ScenarioInput } from "../../src/model/schema.ts";
import { compileYaml } from "../helpers/scenario.ts";
import { generateScenario } from "../planner/generate.ts";
import { CREDIBLE, FEAR, SURPRISE } from "./examples.ts";

const staged = { pay1: 1, deliver: 2, pay2: 3 };

describe("hand-worked two-party examples", () => {
  it("a surprise: A expects B to deliver, but B gains 1 by walking away", () => {
    const c = compileYaml(SURPRISE);
    const a = analyzePlan(c, staged);
    expect(a.feasible).toBe(false);
    expect(a.parties.b.margin[2]).toBeCloseTo(-1, 12); // 1 − c with c = 2
    const p = analyzePerspectives(c, a)!;
    expect(p.report.credible).toEqual({ a: true });
    expect(p.report.fears).toEqual([]);
    expect(p.report.surprises).toEqual([
      {
        view: "a",
        party: "b",
        phase: 2,
        kind: "margin",
        text:
          "a expects b to keep to the plan in phase 2, but it would not: in truth b gains 1 by walking away; " +
          "a thinks its margin is 0.5. Behind the gap: a believes b's cost of 'deliver' is 0.5; it is 2.",
      },
    ]);
    expect(p.rows).toEqual([{ party: "b", kind: "margin", phase: 2, truth: -1, byView: { a: 0.5 } }]);
  });

  it("a fear: B believes A can bear only 2, so it expects A to balk after phase 3", () => {
    const c = compileYaml(FEAR);
    const a = analyzePlan(c, staged);
    expect(a.feasible).toBe(true);
    expect(a.parties.a.exposure[3]).toBe(3);
    const p = analyzePerspectives(c, a)!;
    expect(p.report.credible).toEqual({ b: false });
    expect(p.report.surprises).toEqual([]);
    expect(p.report.fears).toEqual([
      {
        view: "b",
        party: "a",
        phase: 3,
        kind: "exposure",
        text:
          "b fears a would be exposed 3 after phase 3, above the tolerance b thinks it has (2), and so would not go ahead; " +
          "in truth it is exposed 3 (tolerance 3). Behind the gap: b believes a's tolerance is 2; it is 3.",
      },
    ]);
    // g = τ − E: 0 in truth, −1 in B's view
    expect(p.rows).toEqual([{ party: "a", kind: "exposure", phase: 3, truth: 0, byView: { b: -1 } }]);
  });

  it("a credible plan: both views differ from the truth, neither enough to change a verdict", () => {
    const c = compileYaml(CREDIBLE);
    const a = analyzePlan(c, staged);
    expect(a.feasible).toBe(true);
    const p = analyzePerspectives(c, a)!;
    expect(p.report).toEqual({ credible: { a: true, b: true }, surprises: [], fears: [] });
    // A's view of B's margin: 1 − 0.8
    const view = compileViews(c).find((v) => v.viewer === "a")!;
    const margin = partyRows(view.compiled, a.schedule, 1).find((r) => r.kind === "margin" && r.phase === 2)!;
    expect(rowValue(view.compiled, margin)).toBeCloseTo(0.2, 12);
  });

  it("no views: no perspectives", () => {
    const c = compileYaml(SURPRISE.replace(/views:[\s\S]*$/, ""));
    expect(analyzePerspectives(c, analyzePlan(c, staged))).toBeUndefined();
  });
});

/** A random scenario where each party has a view that restates some of the truth. */
function withTruthfulViews(input: ScenarioInput, seed: number): ScenarioInput {
  const views: NonNullable<ScenarioInput["views"]> = {};
  for (const [n, viewer] of input.parties.entries()) {
    const values: Record<string, Record<string, number | [number, number]>> = {};
    const parties: Record<string, { tolerance?: number; discount?: number }> = {};
    for (const [m, move] of input.moves.entries()) {
      for (const [party, value] of Object.entries(move.value ?? {})) {
        if (party !== viewer.id && (m + n + seed) % 2 === 0)
          values[move.id] = { ...values[move.id], [party]: value };
      }
    }
    for (const other of input.parties) {
      if (other.id !== viewer.id)
        parties[other.id] = { tolerance: other.tolerance, discount: other.discount };
    }
    views[viewer.id] = { values, parties };
  }
  return { ...input, views };
}

describe("laws", () => {
  it("with views equal to the truth there are no surprises or fears, and credible = feasible", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 3 }), (seed, phases) => {
        const input = withTruthfulViews(
          generateScenario(seed, { parties: 2 + (seed % 2), moves: 4, horizon: phases, ranges: 0.3 }),
          seed,
        );
        const c = compileScenario(Scenario.parse(input));
        const plan = Object.fromEntries(c.moveIds.map((id, m) => [id, 1 + ((seed >> m) % phases)]));
        const a = analyzePlan(c, plan);
        const p = analyzePerspectives(c, a)!;
        expect(p.report.surprises).toEqual([]);
        expect(p.report.fears).toEqual([]);
        for (const id of c.partyIds) expect(p.report.credible[id]).toBe(a.feasible);
      }),
      { numRuns: 200 },
    );
  });

  it("the rows agree with the analysis: a party's rows all hold exactly when it has no violation", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const c = compileScenario(
          Scenario.parse(generateScenario(seed, { parties: 3, moves: 5, horizon: 3 })),
        );
        const plan = Object.fromEntries(c.moveIds.map((id, m) => [id, 1 + ((seed >> m) % 3)]));
        const a = analyzePlan(c, plan);
        c.partyIds.forEach((id, i) => {
          const ok = partyRows(c, a.schedule, i).every((r) => rowValue(c, r) >= -1e-9);
          const violated = a.violations.some(
            (v) => v.party === id && ["exposure", "margin", "reservation"].includes(v.kind),
          );
          expect(ok).toBe(!violated);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("a view that changes one party's figures is the truth's verdict wherever it changes nothing", () => {
    const c = compileYaml(SURPRISE);
    const a = analyzePlan(c, staged);
    // A's view changes only B's figures; A's own rows hold in truth, so they hold in A's view too.
    expect(credibility(c, a)).toEqual({ a: true });
  });
});
