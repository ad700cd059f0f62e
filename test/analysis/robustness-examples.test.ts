/**
 * A hand-worked example of MODEL.md v2 §5 (minimum slack) and §7 (safety factor, breaking points),
 * with the arithmetic in comments; docs/model.md walks through the same numbers.
 *
 * a gives (costs a [-3, -1], worth 3 to b); b pays (worth a [2, 4], costs b 1). Both moves are fully
 * reversible, δ = 1, no lags, both in phase 1. τ_a = 1, τ_b = 0.
 */
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { breakingPoints, safety } from "../../src/analysis/robustness.ts";
import { compileYaml } from "../helpers/scenario.ts";

const c = compileYaml(`
parties:
  - { id: a, discount: 1, tolerance: 1 }
  - { id: b, discount: 1, tolerance: 0 }
moves:
  - { id: give, actor: a, value: { a: [-3, -1], b: 3 }, reversible: 1 }
  - { id: pay, actor: b, value: { a: [2, 4], b: -1 }, reversible: 1 }
`);
const analysis = analyzePlan(c, { give: 1, pay: 1 });

describe("hand-worked: rows, minimum slack v2, safety factor and breaking points", () => {
  it("rows: both moves are fully reversible costs, so κ = 0 and the exposure rows are constants", () => {
    // exposure a, k=1: τ_a + u_a(κ⊙x̂) = 1 + (−2·0 + 3·0) = 1 (depends on no value)
    // margin a, k=1 (δ = 1): Wᶜ = u_a(x_1) = −2 + 3 = 1; a stops 'give', b pays, collapse κ⊙y = 0 → Wᵈ = 0; M = 1
    // reservation a: u_a(x_1) − 0 = 1
    // exposure b: 0 + (3·0 − 1·0) = 0 (constant); margin b: Wᶜ = 3 − 1 = 2, Wᵈ = u_b(κ⊙y) = 0 → 2; reservation b: 2
    expect(analysis.rows.map((r) => [r.kind, r.party, r.phase, r.slack, r.dependsOnValues])).toEqual([
      ["exposure", "a", 1, 1, false],
      ["margin", "a", 1, 1, true],
      ["reservation", "a", null, 1, true],
      ["exposure", "b", 1, 0, false],
      ["margin", "b", 1, 2, true],
      ["reservation", "b", null, 2, true],
    ]);
    // v2: least over rows that depend on a value = min(1, 1, 2, 2) = 1 (v1 read 0: τ_b − E_b = 0)
    expect(analysis.minSlack).toBe(1);
    expect(analysis.feasible).toBe(true);
  });

  it("safety factor: θ* = 1/2, margin a phase 1 breaks first, not robust", () => {
    // margin a: g = v_a(give) + v_a(pay) = 1; Σ|a|w = 1·1 + 1·1 = 2 → 1/2
    // reservation a: same coefficients → 1/2 (a tie: the margin, in phase 1, bites first)
    // b's rows move only with b's point values (w = 0): no denominator
    // θ_sign = min(|−2|/1, 3/1) = 2 > 1/2: not capped
    const s = safety(c, analysis)!;
    expect(s.theta).toBe(0.5);
    expect(s.capped).toBe(false);
    expect(s.thetaSign).toBe(2);
    expect(s.breaksFirst).toMatchObject({ kind: "margin", party: "a", phase: 1 });
    expect(s.breaksFirst!.text).toBe("first to break: a would gain by walking away in phase 1");
    // θ* < 1 ⇔ not robust: at give = −3, pay = 2, M_a = −1
    expect(analysis.robustlyFeasible).toBe(false);
  });

  it("breaking points: each value alone, then tolerances and reservations", () => {
    const points = breakingPoints(c, analysis);
    const brief = points.map((p) => [
      p.field === "value" ? `${p.move}/${p.party}` : `${p.field}/${p.party}`,
      p.down,
      p.up,
    ]);
    expect(brief).toEqual([
      // give→a: coefficient 1 in M_a and in reservation a: may fall min(1/1, 1/1) = 1 (to −3: the range's end)
      ["give/a", 1, null],
      // give→b: b's margin and reservation, 2/1: may fall 2 (3 → 1; falling 3 would reach zero)
      ["give/b", 2, null],
      ["pay/a", 1, null],
      // pay→b = −1 may fall by 2 (to −3); a rise never lowers a row here
      ["pay/b", 2, null],
      // tolerances: a's only exposure row is τ_a itself, b's is 0 = τ_b: nobody is behind, no break
      ["tolerance/a", null, null],
      ["tolerance/b", null, null],
      // reservations may rise by the reservation rows' slack
      ["reservation/a", null, 1],
      ["reservation/b", null, 2],
    ]);
    expect(points[0]).toMatchObject({
      nominal: -2,
      width: 1,
      downRow: { kind: "margin", party: "a", phase: 1 },
    });
    // give→a breaks at its range's end exactly (1 half-width): inside the range
  });
});
