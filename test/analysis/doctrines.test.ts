/**
 * v2 doctrines (MODEL.md §5): every move at the earliest phase its rule and its prerequisites
 * allow, so a doctrine fails on substance, never on order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import { simultaneousPlan, upfrontPlan } from "../../src/analysis/doctrines.ts";
import { Scenario } from "../../src/model/schema.ts";
import { compileYaml } from "../helpers/scenario.ts";

// a's 'inspect' needs b's 'declare' done and verified (lag 2); b's 'lift' needs a's 'inspect' (lag 0).
const c = compileYaml(`
parties: [{ id: a }, { id: b }]
moves:
  - { id: declare, actor: b, value: { a: 1, b: -1 }, verify: { lag: 2 } }
  - { id: inspect, actor: a, value: { a: -1, b: 1 }, requires: [declare] }
  - { id: lift, actor: b, value: { a: 2, b: -1 }, requires: [inspect] }
  - { id: aid, actor: a, value: { a: -1, b: 2 }, verify: { lag: 1 } }
`);

describe("v2 doctrines", () => {
  it("simultaneous: phase 1 unless a prerequisite must be done and verified first", () => {
    // declare 1; inspect ≥ 1 + 2 + 1 = 4; lift ≥ 4 + 0 + 1 = 5; aid 1
    expect(simultaneousPlan(c)).toEqual({ declare: 1, inspect: 4, lift: 5, aid: 1 });
  });

  it("upfront:b: b's moves and what they require first, at their earliest; the rest after the block is verified", () => {
    // block = {declare, lift} ∪ {inspect} (lift requires it): 1, 4, 5; block verified after
    // max(1+2, 4+0, 5+0) + 1 = 6; aid (a's, outside the block) goes to phase 6
    expect(upfrontPlan(c, "b")).toEqual({ declare: 1, inspect: 4, lift: 5, aid: 6 });
  });

  it("upfront:a: a's moves pull in declare; b's other move waits for the block", () => {
    // block = {inspect, aid, declare}: declare 1, inspect 4, aid 1; done and verified by
    // max(1+2, 4+0, 1+1) + 1 = 5; lift: max(5, inspect 4 + 0 + 1 = 5) = 5
    expect(upfrontPlan(c, "a")).toEqual({ declare: 1, inspect: 4, aid: 1, lift: 5 });
  });

  it("never fails on prerequisite order, on random scenarios with chains of requirements", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            actor: fc.nat(2),
            lag: fc.integer({ min: 0, max: 3 }),
            requires: fc.array(fc.nat(30), { maxLength: 2 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (moves) => {
          const scenario = Scenario.parse({
            parties: [{ id: "p0" }, { id: "p1" }, { id: "p2" }],
            moves: moves.map((m, n) => ({
              id: `m${n}`,
              actor: `p${m.actor}`,
              value: { [`p${m.actor}`]: -1, [`p${(m.actor + 1) % 3}`]: 2 },
              verify: { lag: m.lag },
              // only earlier moves, so there is no cycle
              requires: n === 0 ? [] : [...new Set(m.requires.map((r) => `m${r % n}`))],
            })),
            horizon: 1000,
          });
          const compiled = compileScenario(scenario);
          for (const plan of [
            simultaneousPlan(compiled),
            ...["p0", "p1", "p2"].map((p) => upfrontPlan(compiled, p)),
          ]) {
            const a = analyzePlan(compiled, plan);
            expect(a.violations.filter((v) => v.kind === "requires" || v.kind === "goal")).toEqual([]);
            expect(a.valid).toBe(true);
          }
          // upfront:P: every move outside P's block starts only after the block is done and verified
          const plan = upfrontPlan(compiled, "p0");
          const block = new Set<string>();
          const add = (id: string) => {
            if (block.has(id)) return;
            block.add(id);
            for (const r of scenario.moves.find((m) => m.id === id)!.requires) add(r);
          };
          for (const m of scenario.moves) if (m.actor === "p0") add(m.id);
          const verified = Math.max(
            1,
            ...scenario.moves
              .filter((m) => block.has(m.id))
              .map((m) => (plan[m.id] as number) + m.verify.lag + 1),
          );
          for (const m of scenario.moves) {
            if (!block.has(m.id) && block.size > 0)
              expect(plan[m.id] as number).toBeGreaterThanOrEqual(verified);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
