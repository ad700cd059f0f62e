/**
 * The first plan of the slack search (src/planner/incumbent.ts), built from the analysis without a
 * solver: the earliest placement is a valid plan whenever the goal fits in the phases, the local
 * search keeps it valid and never lowers its slack, and it never claims more than the optimum that
 * exhaustive enumeration finds. The phases objective's first plan (splits of divisible moves, then
 * leximin) is valid, never below the plain search's, and its solver columns are its trajectory. No
 * MILP is solved here, so the whole file costs well under a second.
 */
import { describe, expect, it } from "vitest";
import { analyzeSchedule } from "../../src/analysis/analyze.ts";
import { earliestStarts, fewestPossiblePhases } from "../../src/planner/bounds.ts";
import { placementColumns } from "../../src/planner/incumbent.ts";
import { phasesFirstPlan } from "../../src/planner/phases-first-plan.ts";
import { feasibleFit } from "../../src/planner/placement-score.ts";
import {
  earliestPlacement,
  improvePlacement,
  placementSchedule,
} from "../../src/planner/placement-search.ts";
import { searchSettings } from "../../src/planner/search-settings.ts";
import { type Context, formulate } from "../../src/planner/session.ts";
import { bruteForce } from "./brute-force.ts";
import { bruteForceOptions, compileGenerated } from "./generate.ts";

const unlimited = { until: Number.POSITIVE_INFINITY, evaluations: Number.POSITIVE_INFINITY };

/** What the local search reads of a planner context: nominal values, feasibility as the analysis says. */
function plainContext(c: Context["c"], earliest: number[]): Context {
  return {
    c,
    earliest,
    robust: false,
    objective: "phases",
    values: c.values.nominal,
    fits: feasibleFit,
    search: searchSettings(),
  } as unknown as Context;
}

describe("first plan from the analysis", () => {
  it("is valid, only ever improves, and stays at or below the enumerated optimum (40 seeds)", () => {
    let improved = 0;
    let reachedOptimum = 0;
    let feasible = 0;
    for (let seed = 3001; seed <= 3040; seed++) {
      const o = { ...bruteForceOptions(seed, 4), tolerances: [1, 2, 3] };
      const c = compileGenerated(seed, o);
      const earliest = earliestStarts(c);
      const where = `seed ${seed}`;
      if (fewestPossiblePhases(c, earliest) > o.horizon) continue;
      const ctx = plainContext(c, earliest);
      const start = earliestPlacement(c, earliest, o.horizon);
      const before = analyzeSchedule(c, placementSchedule(c, start));
      expect(before.valid, where).toBe(true);
      const { at, slack } = improvePlacement(ctx, o.horizon, start, unlimited);
      const after = analyzeSchedule(c, placementSchedule(c, at));
      expect(after.valid, where).toBe(true);
      expect(Math.max(...at), where).toBeLessThanOrEqual(o.horizon);
      // the score it reports is the analysis's own
      if (after.feasible) expect(after.minSlack, where).toBeCloseTo(slack, 12);
      if (before.feasible) {
        expect(after.feasible, where).toBe(true);
        expect(after.minSlack, where).toBeGreaterThanOrEqual(before.minSlack - 1e-12);
      }
      if (after.minSlack > before.minSlack + 1e-9) improved++;
      const truth = bruteForce(c, o.horizon);
      if (after.feasible) {
        feasible++;
        expect(truth.slack, where).toBeDefined();
        expect(after.minSlack, where).toBeLessThanOrEqual(truth.slack! + 1e-9);
        if (after.minSlack > truth.slack! - 1e-6) reachedOptimum++;
        // the phases objective's search (leximin after the plain one) keeps or raises it, and no
        // plan beats the enumerated optimum (no divisible moves here, so no splits)
        const phases = phasesFirstPlan(ctx, o.horizon, start, unlimited);
        expect(phases.slack, where).toBeGreaterThanOrEqual(slack - 1e-12);
        expect(phases.slack, where).toBeLessThanOrEqual(truth.slack! + 1e-9);
      }
    }
    // the search is not idle on these scenarios, and it is a heuristic, not the optimum
    expect(feasible).toBeGreaterThan(3);
    expect(improved).toBeGreaterThan(2);
    expect(reachedOptimum).toBeGreaterThan(3);
  });

  it("splits divisible moves where that helps, valid and never below the plain search (60 seeds)", () => {
    let better = 0;
    let split = 0;
    let feasible = 0;
    for (let seed = 4001; seed <= 4060; seed++) {
      const o = {
        parties: 2 + (seed % 2),
        moves: 5 + (seed % 4),
        horizon: 4,
        requires: 0.3,
        divisible: 0.5,
        generosity: 1.5,
        tolerances: [1, 2, 3],
      };
      const c = compileGenerated(seed, o);
      const earliest = earliestStarts(c);
      const phases = fewestPossiblePhases(c, earliest);
      if (phases > o.horizon) continue;
      const where = `seed ${seed}`;
      const ctx = plainContext(c, earliest);
      const start = earliestPlacement(c, earliest, phases);
      const plain = improvePlacement(ctx, phases, start, unlimited);
      const first = phasesFirstPlan(ctx, phases, start, unlimited);
      const schedule = placementSchedule(c, first.at, first.splits);
      const a = analyzeSchedule(c, schedule);
      expect(a.valid, where).toBe(true);
      expect(schedule.phases, where).toBeLessThanOrEqual(phases);
      if (!(plain.slack >= 0)) continue;
      feasible++;
      expect(a.feasible, where).toBe(true);
      expect(a.minSlack, where).toBeCloseTo(first.slack, 12);
      expect(first.slack, where).toBeGreaterThanOrEqual(plain.slack - 1e-12);
      if (first.slack > plain.slack + 1e-9) better++;
      if (!first.splits.some(Boolean)) continue;
      split++;
      // the solver's start is this trajectory: x_k(m) the share done by k, a_k(m) where m moves
      const f = formulate(
        { ...ctx, stats: { variables: 0, constraints: 0, nonzeros: 0, solves: 0, seconds: 0 } },
        phases,
        false,
      );
      const columns = placementColumns(f, first.at, f.builder.columns, first.splits);
      c.moveIds.forEach((_, m) => {
        for (let k = 1; k <= phases; k++) {
          expect(columns[f.x[m][k]], `${where}, x of move ${m} by phase ${k}`).toBeCloseTo(
            k <= schedule.phases ? schedule.x[k][m] : schedule.x[schedule.phases][m],
            12,
          );
          const act = f.active[m];
          if (act) expect(columns[act[k]] === 1, where).toBe((schedule.delta[k]?.[m] ?? 0) > 0);
        }
      });
    }
    expect(feasible).toBeGreaterThan(10);
    expect(split).toBeGreaterThan(2);
    expect(better).toBeGreaterThan(1);
  });
});
