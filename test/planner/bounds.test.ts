/**
 * What the prerequisites alone imply (src/planner/bounds.ts), checked against every valid plan:
 * each move is done by its latest phase whenever `latestDone` names one, so fixing x at 1 from
 * that phase on cuts off no valid plan.
 */
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import type { Plan } from "../../src/model/schema.ts";
import { Scenario } from "../../src/model/schema.ts";
import { earliestStarts, latestDone } from "../../src/planner/bounds.ts";
import { compileGenerated } from "./generate.ts";

describe("latestDone", () => {
  it("follows forced moves back along their prerequisites, each step its lag + 1 earlier", () => {
    const c = compileScenario(
      Scenario.parse({
        id: "chain",
        horizon: 6,
        parties: [{ id: "a" }, { id: "b" }],
        moves: [
          { id: "first", actor: "a", value: { b: 1 }, verify: { lag: 1 } },
          { id: "second", actor: "b", value: { a: 1 }, requires: ["first"] },
          { id: "third", actor: "a", value: { b: 1 }, requires: ["second"] },
          { id: "either1", actor: "a", value: { b: 1 } },
          { id: "either2", actor: "b", value: { a: 1 } },
          { id: "spare", actor: "b", value: { a: 1 } },
          { id: "before-either", actor: "a", value: { b: 1 } },
        ],
        goal: ["third", { anyOf: ["either1", "either2"] }],
      }),
    );
    const at = (T: number) => Object.fromEntries(c.moveIds.map((id, m) => [id, latestDone(c, T)[m]]));
    // third by T; second (lag 0) by T − 1; first (lag 1) by T − 3; anyOf and unneeded moves free
    expect(at(6)).toEqual({
      first: 3,
      second: 5,
      third: 6,
      either1: undefined,
      either2: undefined,
      spare: undefined,
      "before-either": undefined,
    });
    expect(at(4).first).toBe(1);
  });

  it("holds for every valid plan of seeded random scenarios", () => {
    let fixed = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const T = 3 + (seed % 2);
      const c = compileGenerated(seed, {
        parties: 2,
        moves: 4 + (seed % 2),
        horizon: T,
        requires: 0.6,
        maxLag: 1,
        looseGoal: 0.4,
      });
      const latest = latestDone(c, T);
      const earliest = earliestStarts(c);
      const M = c.moveIds.length;
      const choice = new Array<number>(M).fill(0);
      let valid = 0;
      const visit = (m: number) => {
        if (m === M) {
          const plan: Plan = {};
          choice.forEach((phase, n) => {
            if (phase > 0) plan[c.moveIds[n]] = phase;
          });
          if (Object.keys(plan).length === 0 || !analyzePlan(c, plan).valid) return;
          valid++;
          choice.forEach((phase, n) => {
            const by = latest[n];
            if (by === undefined) return;
            expect(phase, `seed ${seed}, ${c.moveIds[n]}`).toBeGreaterThan(0);
            expect(phase, `seed ${seed}, ${c.moveIds[n]}`).toBeLessThanOrEqual(by);
          });
          return;
        }
        for (let phase = 0; phase <= T; phase++) {
          choice[m] = phase;
          visit(m + 1);
        }
      };
      visit(0);
      if (valid > 0) fixed += latest.filter((by, m) => by !== undefined && by >= earliest[m]).length;
    }
    expect(fixed).toBeGreaterThan(20);
  });
});
