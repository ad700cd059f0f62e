/**
 * What the prerequisites alone imply (src/planner/bounds.ts), checked against every valid plan:
 * each move is done by its latest phase whenever `latestDone` names one, so fixing x at 1 from
 * that phase on cuts off no valid plan; and a party's first exposure row that depends on a value
 * is never above `firstTouchCap`, so the slack bound built on it cuts off no plan either.
 */
import { describe, expect, it } from "vitest";
import { analyzeSchedule } from "../../src/analysis/analyze.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import { rowDependsOnValues, rowValue } from "../../src/analysis/rows.ts";
import { buildSchedule } from "../../src/analysis/schedule.ts";
import { isValidSchedule } from "../../src/analysis/validity.ts";
import type { Plan } from "../../src/model/schema.ts";
import { Scenario } from "../../src/model/schema.ts";
import { earliestStarts, firstTouchCap, latestDone } from "../../src/planner/bounds.ts";
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

  it("holds for every valid plan of seeded random scenarios, and so does firstTouchCap", () => {
    let fixed = 0;
    let capped = 0;
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
      const possible = earliest.map((e) => e <= T);
      const caps = c.partyIds.map((_, i) =>
        firstTouchCap(c, c.values.nominal, earliest, latest, possible, i, T),
      );
      const choice = new Array<number>(M).fill(0);
      let valid = 0;
      const visit = (m: number) => {
        if (m === M) {
          const plan: Plan = {};
          choice.forEach((phase, n) => {
            if (phase > 0) plan[c.moveIds[n]] = phase;
          });
          if (Object.keys(plan).length === 0) return;
          // analysis.valid by the same rules (validity.ts) without the figures: 1 plan in 18 is valid
          const schedule = buildSchedule(c, plan);
          if (!isValidSchedule(c, schedule)) return;
          const analysis = analyzeSchedule(c, schedule);
          valid++;
          // each party's first exposure row that depends on a value is within its cap
          caps.forEach((cap, i) => {
            if (cap === undefined) return;
            const first = analysis.constraintRows.find(
              (row) => row.kind === "exposure" && row.party === i && rowDependsOnValues(c, row),
            );
            expect(first, `seed ${seed}, party ${i}: touched`).toBeDefined();
            expect(rowValue(c, first!), `seed ${seed}, party ${i}`).toBeLessThanOrEqual(cap + 1e-9);
            capped++;
          });
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
    expect(capped).toBeGreaterThan(100);
  });
});

describe("firstTouchCap", () => {
  it("counts only touching moves without a touching ancestor (a hand-worked case)", () => {
    const c = compileScenario(
      Scenario.parse({
        id: "first-touch",
        horizon: 5,
        parties: [
          { id: "a", tolerance: 1 },
          { id: "b", tolerance: 2 },
        ],
        moves: [
          // credited to a at once (lag 0), no prerequisite: counts, 3
          { id: "gift", actor: "b", value: { a: 3 } },
          // b's cost, taken back whole on collapse (κ = 0): touches nobody's exposure rows
          { id: "prep", actor: "b", value: { b: -1 }, reversible: 1 },
          // its only ancestor touches nothing: counts, 2
          { id: "bonus", actor: "b", value: { a: 2 }, requires: ["prep"] },
          // after gift, which touches a's rows first: never in a's first touched row
          { id: "late", actor: "b", value: { a: 5 }, requires: ["gift"] },
          // a's own cost touches a's rows (gain 0) and is b's gain, verified at once
          { id: "pay", actor: "a", value: { a: -2, b: 4 } },
        ],
        goal: ["gift", "bonus", "late", "pay"],
      }),
    );
    const T = 5;
    const earliest = earliestStarts(c);
    const possible = earliest.map((e) => e <= T);
    const cap = (i: number) => firstTouchCap(c, c.values.nominal, earliest, latestDone(c, T), possible, i, T);
    expect(cap(0)).toBe(1 + 3 + 2);
    // b: pay's 4, and nothing else touches b's rows
    expect(cap(1)).toBe(2 + 4);
    // verified only after a phase, pay done in phase T is credited to b after T: a plan may leave
    // b's rows untouched, so there is no bound for b
    const lagged = compileScenario(
      Scenario.parse({
        ...c.scenario,
        moves: c.scenario.moves.map((m) => (m.id === "pay" ? { ...m, verify: { lag: 1 } } : m)),
      }),
    );
    const e2 = earliestStarts(lagged);
    const possible2 = e2.map((e) => e <= T);
    expect(firstTouchCap(lagged, lagged.values.nominal, e2, latestDone(lagged, T), possible2, 1, T)).toBe(
      undefined,
    );
    expect(firstTouchCap(lagged, lagged.values.nominal, e2, latestDone(lagged, T), possible2, 0, T)).toBe(6);
  });
});
