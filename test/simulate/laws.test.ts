/**
 * The laws of MODEL.md §6, each checked against the 95% Wilson interval the simulator reports,
 * on small inline scenarios (engine in-process: the pool and CLI have their own tests).
 */
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import type { CompiledScenario } from "../../src/analysis/compile.ts";
import { complianceWeights, dot } from "../../src/analysis/figures.ts";
import { buildSchedule } from "../../src/analysis/schedule.ts";
import type { Plan } from "../../src/model/schema.ts";
import {
  mergeTallies,
  type SimulationOverrides,
  type SimulationReport,
  simulateRuns,
  summarize,
} from "../../src/simulate/index.ts";
import { compileYaml } from "../helpers/scenario.ts";

const RUNS = 40_000;

function simulate(
  c: CompiledScenario,
  plan: Plan,
  overrides?: SimulationOverrides,
  seed = 11,
): SimulationReport {
  const tally = simulateRuns(c, plan, { seed, firstRun: 0, runs: RUNS, overrides });
  return summarize(tally, { partyIds: c.partyIds, seed, response: c.scenario.risk.response });
}

function expectWithinInterval(report: SimulationReport, expected: number) {
  const { low, high } = report.completion;
  expect(low).toBeLessThan(high);
  expect(expected).toBeGreaterThanOrEqual(low);
  expect(expected).toBeLessThanOrEqual(high);
}

/**
 * A three-phase exchange that is feasible on paper: in each phase each side makes one move that
 * is worth 1 to itself and 2 to the other (no one gains by holding back), so only the risks set
 * in a test can stop it. `move` adds fields to every move.
 */
function ladder(move = "", risk = ""): string {
  const moves = [1, 2, 3]
    .flatMap((k) => [
      `  - { id: a${k}, actor: a, value: { a: 1, b: 2 }${move} }`,
      `  - { id: b${k}, actor: b, value: { a: 2, b: 1 }${move} }`,
    ])
    .join("\n");
  return `
parties:
  - { id: a, discount: 0.9 }
  - { id: b, discount: 0.9 }
moves:
${moves}
${risk}`;
}
const ladderPlan: Plan = { a1: 1, b1: 1, a2: 2, b2: 2, a3: 3, b3: 3 };

describe("MODEL.md §6 laws", () => {
  it("a plan feasible on paper, with no noise and perfect verification, always completes", () => {
    const c = compileYaml(ladder());
    expect(analyzePlan(c, ladderPlan).feasible).toBe(true);
    const report = simulate(c, ladderPlan);
    expect(report.completion.p).toBe(1);
    expect(report.survival).toEqual([1, 1, 1, 1]);
    expect(report.causes).toEqual([]);
  });

  it("with no risk, a party's realised value is the analysis' compliance value Wᶜ(1)", () => {
    const c = compileYaml(ladder(", verify: { lag: 1 }"));
    const report = simulate(c, ladderPlan);
    const schedule = buildSchedule(c, ladderPlan);
    c.partyIds.forEach((id, i) => {
      const expected = dot(c.values.nominal[i], complianceWeights(c, schedule, i)[1]);
      expect(report.parties[id].value.mean).toBeCloseTo(expected, 4);
      expect(Math.abs(report.parties[id].value.p50 - expected)).toBeLessThanOrEqual(
        expected * report.quantileError,
      );
    });
  });

  it("hazard h alone gives (1 − h)^T, and S(k) = (1 − h)^k", () => {
    const c = compileYaml(ladder("", "risk: { hazard: 0.1 }"));
    const report = simulate(c, ladderPlan);
    expectWithinInterval(report, 0.9 ** 3);
    report.survival.forEach((s, k) => {
      expect(Math.abs(s - 0.9 ** k)).toBeLessThan(0.01);
    });
    expect(new Set(report.causes.map((cause) => cause.cause))).toEqual(new Set(["hazard"]));
  });

  it("one move with feasibility p alone gives p", () => {
    const c = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: gift, actor: a, value: { a: 1, b: 1 }, feasibility: 0.7 }
`);
    const report = simulate(c, { gift: 1 });
    expectWithinInterval(report, 0.7);
    expect(report.causes).toEqual([{ party: "a", phase: 1, cause: "failed delivery", share: 1 }]);
  });

  it("a divisible move split over phases is still delivered with probability p", () => {
    const c = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: gift, actor: a, value: { a: 1, b: 1 }, feasibility: 0.6, divisible: true }
`);
    expectWithinInterval(simulate(c, { gift: { 1: 0.25, 2: 0.25, 3: 0.5 } }), 0.6);
  });

  it("a false-alarm rate f on n verified moves with grim gives (1 − f)^n", () => {
    const c = compileYaml(ladder(", verify: { lag: 1, falseAlarm: 0.05 }"));
    const report = simulate(c, ladderPlan);
    expectWithinInterval(report, 0.95 ** 6);
    expect(new Set(report.causes.map((cause) => cause.cause))).toEqual(new Set(["false alarm"]));
  });

  it("tit-for-tat gives a failed delivery a second chance: 1 − (1 − p)²", () => {
    const c = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: gift, actor: a, value: { a: 1, b: 1 }, feasibility: 0.7 }
`);
    expectWithinInterval(simulate(c, { gift: 1 }, { response: "tit-for-tat" }), 1 - 0.3 ** 2);
    // generous only spares the others' hold; the deviator must still deliver
    expectWithinInterval(simulate(c, { gift: 1 }, { response: "generous", forgive: 0.5 }), 1 - 0.3 ** 2);
  });

  it("a tit-for-tat hold delays the plan one phase, which also faces the hazard", () => {
    const c = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: first, actor: a, value: { a: 1, b: 1 }, feasibility: 0.6 }
  - { id: second, actor: b, value: { a: 1, b: 1 } }
risk: { hazard: 0.1 }
`);
    const plan = { first: 1, second: 2 };
    const [p, h] = [0.6, 0.1];
    // second chance in a hold phase (hazard again), then phase 2 (hazard)
    const tft = (1 - h) * (p + (1 - p) * (1 - h) * p) * (1 - h);
    expectWithinInterval(simulate(c, plan, { response: "tit-for-tat" }), tft);
    // always forgiven: no hold, the redelivery rides along with phase 2
    const generous = (1 - h) * (p + (1 - p) * p) * (1 - h);
    expectWithinInterval(simulate(c, plan, { response: "generous", forgive: 1 }), generous);
  });

  it("an undetected failure leaves the deal alive but incomplete", () => {
    const c = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: gift, actor: a, value: { a: 1, b: 1 }, feasibility: 0.5, verify: { detect: 0 } }
`);
    const report = simulate(c, { gift: 1 });
    expectWithinInterval(report, 0.5);
    expect(report.survival).toEqual([1, 1]);
    expect(report.causes[0]).toMatchObject({ party: "a", cause: "failed delivery" });
  });

  it("decision noise σ makes a party with margin M comply with probability Φ(M/σ)", () => {
    // A gives first (costs it 1, worth 4 to B); B pays in phase 2 (worth 3 to A and, in goodwill,
    // 0.5 to B, so B has no reason to hold back and only A's noise matters).
    const c = compileYaml(`
parties: [{ id: a, discount: 0.8, tolerance: 1 }, { id: b, discount: 0.8 }]
moves:
  - { id: give, actor: a, value: { a: -1, b: 4 } }
  - { id: pay, actor: b, value: { a: 3, b: 0.5 } }
risk: { noise: { a: 1.5 } }
`);
    const plan = { give: 1, pay: 2 };
    const analysis = analyzePlan(c, plan);
    expect(analysis.feasible).toBe(true);
    const margin = analysis.parties.a.margin[1];
    expectWithinInterval(simulate(c, plan), normalCdf(margin / 1.5));
  });

  it("realised values follow the drawn ranges (δ = 1: the final flow), within the stated error", () => {
    const c = compileYaml(`
parties: [{ id: a, discount: 1 }, { id: b, discount: 1 }]
moves:
  - { id: gift, actor: a, value: { a: 0, b: [2, 6] } }
`);
    const report = simulate(c, { gift: 1 });
    const b = report.parties.b.value;
    const slack = (x: number) => x * report.quantileError + 0.05; // sketch error + sampling error
    expect(Math.abs(b.mean - 4)).toBeLessThan(0.05);
    expect(Math.abs(b.p5 - 2.2)).toBeLessThan(slack(2.2));
    expect(Math.abs(b.p50 - 4)).toBeLessThan(slack(4));
    expect(Math.abs(b.p95 - 5.8)).toBeLessThan(slack(5.8));
  });

  it("exposure above tolerance is counted: a party left exposed by a collapse", () => {
    // A's irreversible cost of 2 is not covered until B pays in phase 2.
    const c = compileYaml(`
parties: [{ id: a, tolerance: 1 }, { id: b }]
moves:
  - { id: give, actor: a, value: { a: -2, b: 4 } }
  - { id: pay, actor: b, value: { a: 3, b: -1 } }
`);
    const report = simulate(c, { give: 1, pay: 2 });
    expect(report.parties.a.overTolerance).toBe(1);
    expect(report.parties.b.overTolerance).toBe(0);
  });
});

describe("streaming statistics", () => {
  const c = compileYaml(
    ladder(", feasibility: 0.97, verify: { falseAlarm: 0.01 }", "risk: { hazard: 0.02 }"),
  );

  it("counts do not depend on how runs are split into chunks", () => {
    const whole = simulateRuns(c, ladderPlan, { seed: 5, firstRun: 0, runs: 9000 });
    let merged = simulateRuns(c, ladderPlan, { seed: 5, firstRun: 0, runs: 1234 });
    merged = mergeTallies(merged, simulateRuns(c, ladderPlan, { seed: 5, firstRun: 1234, runs: 5000 }));
    merged = mergeTallies(merged, simulateRuns(c, ladderPlan, { seed: 5, firstRun: 6234, runs: 2766 }));
    expect(merged.runs).toBe(whole.runs);
    expect(merged.completed).toBe(whole.completed);
    expect(Array.from(merged.causes)).toEqual(Array.from(whole.causes));
    expect(Array.from(merged.valueSketch)).toEqual(Array.from(whole.valueSketch));
    for (let i = 0; i < c.partyIds.length; i++) {
      expect(merged.valueMean[i]).toBeCloseTo(whole.valueMean[i], 9);
    }
  });

  it("a different seed gives different runs; the same seed the same ones", () => {
    const a = simulateRuns(c, ladderPlan, { seed: 1, firstRun: 0, runs: 5000 });
    const b = simulateRuns(c, ladderPlan, { seed: 2, firstRun: 0, runs: 5000 });
    const again = simulateRuns(c, ladderPlan, { seed: 1, firstRun: 0, runs: 5000 });
    expect(Array.from(again.causes)).toEqual(Array.from(a.causes));
    expect(Array.from(b.causes)).not.toEqual(Array.from(a.causes));
  });

  it("the tally has a fixed size however many runs it holds", () => {
    const size = (runs: number) => {
      const t = simulateRuns(c, ladderPlan, { seed: 3, firstRun: 0, runs });
      return [t.lastAlive, t.causes, t.overTolerance, t.valueMean, t.valueM2, t.valueSketch]
        .map((a) => a.byteLength)
        .reduce((x, y) => x + y);
    };
    expect(size(20_000)).toBe(size(10));
  });
});

/** Φ, the standard normal CDF (Abramowitz–Stegun 7.1.26 erf; error < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
