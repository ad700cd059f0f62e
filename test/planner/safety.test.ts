/**
 * The safety objective and the frontier (MODEL.md §7) against exhaustive search on seeded random
 * scenarios with value ranges, anyOf goal items and divisible moves: the largest θ* (capped at
 * 100) within a relative 10⁻³, then the fewest phases; and the frontier's θ* for every T.
 */
import { describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import type { CompiledScenario } from "../../src/analysis/compile.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import { safety } from "../../src/analysis/robustness.ts";
import type { Plan } from "../../src/model/schema.ts";
import { Scenario } from "../../src/model/schema.ts";
import { findPlan } from "../../src/planner/index.ts";
import { rankedTheta, SAFETY_TOLERANCE } from "../../src/planner/safety.ts";
import { type GenerateOptions, generateScenario } from "./generate.ts";

const CASES = 50;

function options(seed: number): GenerateOptions {
  const moves = 3 + (seed % 3);
  return {
    parties: 2 + (seed % 2),
    moves,
    horizon: moves >= 5 ? 2 : 3,
    requires: 0.3,
    ranges: 0.6,
    looseGoal: 0.4,
    generosity: 2 + (seed % 2),
    divisible: seed % 4 === 0 ? 0.4 : 0,
  };
}

interface Candidate {
  theta: number;
  phases: number;
  minSlack: number;
}

/** Every complete plan: each move out (when the goal allows) or in one phase; divisible also in halves. */
function candidates(c: CompiledScenario, horizon: number): Candidate[] {
  const required = new Set(c.goal.filter((item) => item.length === 1).map((item) => item[0]));
  const choices: Array<Array<Plan[string] | undefined>> = c.moveIds.map((_, m) => {
    const out: Array<Plan[string] | undefined> = required.has(m) ? [] : [undefined];
    for (let k = 1; k <= horizon; k++) out.push(k);
    if (c.divisible[m]) {
      for (let k = 1; k <= horizon; k++)
        for (let j = k + 1; j <= horizon; j++) out.push({ [k]: 0.5, [j]: 0.5 });
    }
    return out;
  });
  const found: Candidate[] = [];
  const plan: Plan = {};
  const visit = (m: number) => {
    if (m === c.moveIds.length) {
      if (Object.keys(plan).length === 0) return;
      const a = analyzePlan(c, plan);
      const theta = rankedTheta(safety(c, a));
      if (a.feasible && theta !== undefined) found.push({ theta, phases: a.phases, minSlack: a.minSlack });
      return;
    }
    for (const entry of choices[m]) {
      if (entry === undefined) delete plan[c.moveIds[m]];
      else plan[c.moveIds[m]] = entry;
      visit(m + 1);
    }
    delete plan[c.moveIds[m]];
  };
  visit(0);
  return found;
}

describe("safety objective = brute force on random small scenarios", () => {
  it(`finds the largest θ* within 10⁻³, then the fewest phases (${CASES} seeds)`, async () => {
    const tally = { feasible: 0, infeasible: 0, bounded: 0, divisible: 0 };
    for (let seed = 1; seed <= CASES; seed++) {
      const o = options(seed);
      const c = compileScenario(Scenario.parse(generateScenario(seed, o)));
      const all = candidates(c, o.horizon);
      const result = await findPlan(c, { horizon: o.horizon, objective: "safety" });
      const where = `seed ${seed}`;
      expect(result.status, where).not.toBe("solver-error");
      const hasDivisible = c.divisible.some(Boolean);
      if (all.length === 0 && !hasDivisible) {
        tally.infeasible++;
        expect(result.feasible, where).toBe(false);
        continue;
      }
      if (all.length === 0) continue;
      expect(result.feasible, where).toBe(true);
      tally.feasible++;
      const best = Math.max(...all.map((p) => p.theta));
      const theta = rankedTheta(safety(c, analyzePlan(c, result.plan)))!;
      const own = safety(c, analyzePlan(c, result.plan))!;
      expect(result.safety?.unbounded, where).toBe(own.unbounded);
      if (!own.unbounded) expect(result.safety!.theta!, where).toBeCloseTo(own.theta!, 9);
      expect(theta, where).toBeGreaterThanOrEqual(best / (1 + SAFETY_TOLERANCE) - 1e-9);
      if (best < 100) tally.bounded++;
      if (hasDivisible) {
        tally.divisible++;
        continue; // continuous shares may beat the grid: only the bound above holds
      }
      expect(theta, where).toBeLessThanOrEqual(best + 1e-9);
      // fewest phases: no more than the exact optima need, no fewer than any near-optimum allows
      const exact = all.filter((p) => p.theta >= best - 1e-9);
      const near = all.filter((p) => p.theta >= best / (1 + SAFETY_TOLERANCE) ** 2 - 1e-9);
      expect(result.phases, where).toBeLessThanOrEqual(Math.min(...exact.map((p) => p.phases)));
      expect(result.phases, where).toBeGreaterThanOrEqual(Math.min(...near.map((p) => p.phases)));
      expect(result.minSlack!, where).toBeCloseTo(analyzePlan(c, result.plan).minSlack, 9);
    }
    expect(tally.feasible).toBeGreaterThan(CASES / 5);
    expect(tally.bounded).toBeGreaterThan(CASES / 6);
    expect(tally.divisible).toBeGreaterThan(2);
  }, 900_000);

  it("gives, on the frontier, the largest θ* of a plan with at most T phases", async () => {
    let checked = 0;
    for (let seed = 100; seed < 112; seed++) {
      const o = { ...options(seed), divisible: 0, horizon: 3, moves: 3 + (seed % 2) };
      const c = compileScenario(Scenario.parse(generateScenario(seed, o)));
      const all = candidates(c, o.horizon);
      const result = await findPlan(c, { horizon: o.horizon, objective: "safety", frontier: true });
      const where = `seed ${seed}`;
      const frontier = result.frontier ?? [];
      for (const point of frontier) {
        const within = all.filter((p) => p.phases <= point.phases);
        const best = Math.max(...within.map((p) => p.theta));
        expect(point.theta, where).toBeGreaterThanOrEqual(best / (1 + SAFETY_TOLERANCE) - 1e-9);
        expect(point.theta, where).toBeLessThanOrEqual(best + 1e-9);
        expect(analyzePlan(c, point.plan).phases, where).toBeLessThanOrEqual(point.phases);
        checked++;
      }
      const fewest = all.length ? Math.min(...all.map((p) => p.phases)) : undefined;
      expect(frontier[0]?.phases, where).toBe(fewest);
      // more phases never buy less safety
      for (let n = 1; n < frontier.length; n++) {
        expect(frontier[n].theta, where).toBeGreaterThanOrEqual(frontier[n - 1].theta - 1e-9);
      }
    }
    expect(checked).toBeGreaterThan(8);
  }, 900_000);
});
