/**
 * Hand-worked examples for every formula of MODEL.md §2–5, with the arithmetic in comments.
 * Two parties: A gives something (costs A 2, worth 3 to B); B pays (worth 3 to A, costs B 1).
 */
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { compileYaml } from "../helpers/scenario.ts";

function deal(opts: {
  delta?: number;
  giveLag?: number;
  giveReversible?: number;
  giveDivisible?: boolean;
  giveValueA?: string;
  payValueB?: string;
  tolerance?: number;
  reservationB?: number;
}): string {
  const d = opts.delta ?? 1;
  return `
parties:
  - { id: a, discount: ${d}, tolerance: ${opts.tolerance ?? 0} }
  - { id: b, discount: ${d}, tolerance: ${opts.tolerance ?? 0}, reservation: ${opts.reservationB ?? 0} }
moves:
  - id: give
    actor: a
    value: { a: ${opts.giveValueA ?? -2}, b: 3 }
    reversible: ${opts.giveReversible ?? 0}
    divisible: ${opts.giveDivisible ?? false}
    verify: { lag: ${opts.giveLag ?? 0} }
  - id: pay
    actor: b
    value: { a: 3, b: ${opts.payValueB ?? -1} }
`;
}

describe("δ = 1, lag 0, irreversible (plan: give in 1, pay in 2)", () => {
  const c = compileYaml(deal({}));
  const r = analyzePlan(c, { give: 1, pay: 2 });

  it("exposure: A has paid its irreversible cost 2 before B pays", () => {
    // E_a(1) = max(0, −u_a(κ⊙x̂)) = max(0, −(−2·1·1)) = 2; after phase 2 u_a = −2 + 3 = 1 → 0
    expect(r.parties.a.exposure).toEqual([0, 2, 0]);
    // B only gains: u_b = 3 after phase 1, 3 − 1 = 2 after phase 2
    expect(r.parties.b.exposure).toEqual([0, 0, 0]);
  });

  it("margin with δ = 1 counts only final states", () => {
    // M_a(1): Wᶜ = u_a(x_2) = 1; L = 0, y_1 = (give 0, pay 0) → Wᵈ = u_a(κ⊙y_1) = 0 → M = 1
    expect(r.parties.a.margin).toEqual({ 1: 1 });
    // M_b(2): Wᶜ = u_b(x_2) = 2; y_2 = (give 1, pay frozen at 0) → Wᵈ = 3 → M = −1 (the last-step problem)
    expect(r.parties.b.margin).toEqual({ 2: -1 });
  });

  it("final values, feasibility and minimum slack", () => {
    expect(r.parties.a.final).toBe(1);
    expect(r.parties.b.final).toBe(2);
    // τ = 0: A's exposure 2 breaks it at phase 1, then B's margin at phase 2
    expect(r.feasible).toBe(false);
    expect(r.violations.map((v) => [v.kind, v.party, v.phase])).toEqual([
      ["exposure", "a", 1],
      ["margin", "b", 2],
    ]);
    // min over τ − E and M: min(0 − 2, 1, −1) = −2
    expect(r.minSlack).toBe(-2);
  });

  it("names the move that makes up the exposure", () => {
    expect(r.violations[0].contributors).toEqual([
      { move: "give", amount: 2, reason: "irreversible own cost" },
    ]);
    expect(r.violations[0].message).toMatch(/a is exposed 2\.00 after phase 1/);
  });
});

describe("δ < 1 and a verification lag > 0 (both moves in phase 1, give verified after 1 phase)", () => {
  const c = compileYaml(deal({ delta: 0.5, giveLag: 1 }));
  const r = analyzePlan(c, { give: 1, pay: 1 });

  it("credit waits for verification; harm and own costs count at once", () => {
    // E_a(1): A credits pay (lag 0): −2 + 3 = 1 ≥ 0 → 0
    expect(r.parties.a.exposure).toEqual([0, 0]);
    // E_b(1): B has not yet verified give (x̂ = x_0 = 0); its own pay costs 1 → E = 1
    expect(r.parties.b.exposure).toEqual([0, 1]);
  });

  it("defector keeps the others' moves during the detection lag, discounted", () => {
    // M_a(1), T = 1: Wᶜ = u_a(x_1) = 1.
    // A's move give has lag 1, so L = 1: y_1 = y_2 = (give 0, pay 1) → u_a = 3
    // Wᵈ = (1−½)(3 + ½·3) + ½²·u_a(κ⊙y_2) = 2.25 + 0.75 = 3 → M = 1 − 3 = −2
    expect(r.parties.a.margin).toEqual({ 1: -2 });
    // M_b(1): L = 0, y_1 = (give 1, pay 0) → u_b = 3; Wᵈ = ½·3 + ½·3 = 3; Wᶜ = 2 → M = −1
    expect(r.parties.b.margin).toEqual({ 1: -1 });
  });
});

describe("δ < 1 over several phases (compliance value discounts the path)", () => {
  const c = compileYaml(deal({ delta: 0.5 }));
  const r = analyzePlan(c, { give: 1, pay: 2 });
  it("M_a(1) sums the discounted path", () => {
    // Wᶜ_a(1) = (1−½)·u_a(x_1) + ½·u_a(x_2) = ½·(−2) + ½·1 = −0.5
    // L = 0: y_1 = (0, 0) → Wᵈ = ½·0 + ½·0 = 0 → M = −0.5
    expect(r.parties.a.margin).toEqual({ 1: -0.5 });
  });
});

describe("reversible costs", () => {
  const c = compileYaml(deal({ giveReversible: 0.5 }));
  const r = analyzePlan(c, { give: 1, pay: 2 });
  it("A takes back half of its cost on collapse", () => {
    // κ_give = 1 − 0.5 because give costs its actor: E_a(1) = 2·0.5 = 1
    expect(r.parties.a.exposure).toEqual([0, 1, 0]);
  });
  it("…which also shrinks what B keeps if it walks away", () => {
    // M_b(2): Wᶜ = 2; collapse state keeps only half of give: Wᵈ = u_b(κ⊙y_2) = 3·0.5 = 1.5 → M = 0.5
    expect(r.parties.b.margin).toEqual({ 2: 0.5 });
  });
});

describe("divisible moves", () => {
  const c = compileYaml(deal({ giveDivisible: true }));
  const r = analyzePlan(c, { give: { 1: 0.5, 2: 0.5 }, pay: 3 });
  it("exposure grows with the share done", () => {
    // x(give) = ½, 1, 1: E_a = 1, 2, then 3 − 2 = 1 ≥ 0 → 0
    expect(r.parties.a.exposure).toEqual([0, 1, 2, 0]);
  });
  it("a party may defect in every phase it has a share of a move", () => {
    // M_a(1): Wᶜ = u_a(x_3) = 1; y_1 = (0, 0) → 0 → M = 1
    // M_a(2): y_2 = (give frozen at ½, pay 0) → Wᵈ = −1 → M = 1 − (−1) = 2
    expect(r.parties.a.margin).toEqual({ 1: 1, 2: 2 });
  });
});

describe("value ranges: nominal is the midpoint, worst case the worst end", () => {
  const c = compileYaml(deal({ giveValueA: "[-3, -1]", payValueB: "[-2, 0]", tolerance: 2.5 }));
  const r = analyzePlan(c, { give: 1, pay: 2 });
  it("exposure at the low end", () => {
    expect(r.parties.a.exposure).toEqual([0, 2, 0]); // midpoint −2
    // worst: −3 → 3; after phase 2: −3 + 3 = 0
    expect(r.parties.a.worst.exposure).toEqual([0, 3, 0]);
  });
  it("margin at whichever end hurts it", () => {
    // nominal M_b(2) = (3 − 1) − 3 = −1; pay's weight Sᵏ − Dᵏ = 1 − 0 = 1 > 0 → low end −2 → M = −2
    expect(r.parties.b.margin).toEqual({ 2: -1 });
    expect(r.parties.b.worst.margin).toEqual({ 2: -2 });
    expect(r.parties.b.worst.final).toBe(1);
  });
  it("nominally feasible is not robustly feasible", () => {
    // give half-reversible: M_b(2) = (3 + v_pay) − 3·½ = v_pay + 1.5 → 0.5 at the midpoint −1, −0.5 at −2
    // E_a(1) = 2·½ = 1 ≤ 1.5 (worst 3·½ = 1.5 ≤ 1.5); M_a(1) = 1 (worst 0)
    const c2 = compileYaml(
      deal({ giveValueA: "[-3, -1]", payValueB: "[-2, 0]", giveReversible: 0.5, tolerance: 1.5 }),
    );
    const plan = analyzePlan(c2, { give: 1, pay: 2 });
    expect(plan.parties.b.margin).toEqual({ 2: 0.5 });
    expect(plan.parties.b.worst.margin).toEqual({ 2: -0.5 });
    expect(plan.parties.a.worst.exposure).toEqual([0, 1.5, 0]);
    expect(plan.parties.a.worst.margin).toEqual({ 1: 0 });
    expect(plan.feasible).toBe(true);
    expect(plan.robustlyFeasible).toBe(false);
  });
});

describe("validity: goal, prerequisites with lags, horizon; reservation", () => {
  const text = `
horizon: 3
parties: [ { id: a, discount: 1, tolerance: 10 }, { id: b, discount: 1, tolerance: 10, reservation: 5 } ]
moves:
  - { id: inspect, actor: a, value: { b: 1 }, verify: { lag: 1 } }
  - { id: relief, actor: b, value: { a: 2 }, requires: [inspect] }
  - { id: extra, actor: b }
goal: [ inspect, { anyOf: [relief, extra] } ]
`;
  const c = compileYaml(text);
  it("a required move must be done and verified first: done(p) + lag_p + 1", () => {
    const r = analyzePlan(c, { inspect: 1, relief: 2 });
    // inspect done in 1, verified after 1 more phase → relief may start in 3 at the earliest
    const v = r.violations.find((x) => x.kind === "requires");
    expect(v?.message).toContain("earliest start is phase 3");
    expect(r.valid).toBe(false);
    expect(analyzePlan(c, { inspect: 1, relief: 3 }).valid).toBe(true);
  });
  it("anyOf goal items are complete when any alternative is fully done", () => {
    expect(analyzePlan(c, { inspect: 1, extra: 1 }).violations.some((v) => v.kind === "goal")).toBe(false);
    expect(analyzePlan(c, { inspect: 1 }).violations.some((v) => v.kind === "goal")).toBe(true);
  });
  it("plans past the horizon are invalid", () => {
    expect(analyzePlan(c, { inspect: 1, relief: 4 }).violations.map((v) => v.kind)).toContain("horizon");
  });
  it("reservation: b's final flow 1 is below its 5", () => {
    const r = analyzePlan(c, { inspect: 1, relief: 3 });
    const v = r.violations.find((x) => x.kind === "reservation");
    expect(v).toMatchObject({ party: "b", value: 1 });
  });
});
