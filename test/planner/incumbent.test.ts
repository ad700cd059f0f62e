/**
 * The first plan of the slack search (src/planner/incumbent.ts), built from the analysis without a
 * solver: the earliest placement is a valid plan whenever the goal fits in the phases, the local
 * search keeps it valid and never lowers its slack, and it never claims more than the optimum that
 * exhaustive enumeration finds. No MILP is solved here, so the whole file costs well under a second.
 */
import { describe, expect, it } from "vitest";
import { analyzeSchedule } from "../../src/analysis/analyze.ts";
import { earliestStarts, fewestPossiblePhases } from "../../src/planner/bounds.ts";
import { earliestPlacement, improvePlacement, placementSchedule } from "../../src/planner/incumbent.ts";
import type { Context } from "../../src/planner/session.ts";
import { bruteForce } from "./brute-force.ts";
import { bruteForceOptions, compileGenerated } from "./generate.ts";

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
      const ctx = {
        c,
        earliest,
        robust: false,
        fits: (a: { feasible: boolean }) => a.feasible,
      } as unknown as Context;
      const start = earliestPlacement(c, earliest, o.horizon);
      const before = analyzeSchedule(c, placementSchedule(c, start));
      expect(before.valid, where).toBe(true);
      const { at, slack } = improvePlacement(ctx, o.horizon, start, {
        until: Number.POSITIVE_INFINITY,
        evaluations: Number.POSITIVE_INFINITY,
      });
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
      }
    }
    // the search is not idle on these scenarios, and it is a heuristic, not the optimum
    expect(feasible).toBeGreaterThan(3);
    expect(improved).toBeGreaterThan(2);
    expect(reachedOptimum).toBeGreaterThan(3);
  });
});
