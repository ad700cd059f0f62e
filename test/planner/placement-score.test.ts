/**
 * The first plan's incremental scorer (src/planner/placement-score.ts) against the full analysis:
 * on generated scenarios (ranges, loose goals, prerequisites, divisible moves, discounts 0.5–1),
 * after every step of a random walk over placements (a move to another phase or left out, a push of
 * several moves, two moves trading phases, a divisible move split over two phases at any share, a change of the last phase),
 * its score is the one `scoreOfAnalysis` reads off `analyzeSchedule`, and so is every row's value,
 * worst case and dependence, to the last bit, nominal and robust, by the minimum slack alone and by the least 3 rows. Invalid and infeasible placements are
 * part of the walk: they must score the same too.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeSchedule } from "../../src/analysis/analyze.ts";
import { rowFigures } from "../../src/analysis/rows.ts";
import { earliestStarts } from "../../src/planner/bounds.ts";
import { MIN_SHARE } from "../../src/planner/formulation.ts";
import {
  feasibleFit,
  PlacementScorer,
  robustFit,
  scoreOfAnalysis,
} from "../../src/planner/placement-score.ts";
import { earliestPlacement, placementSchedule, type Splits } from "../../src/planner/placement-search.ts";
import type { Context } from "../../src/planner/session.ts";
import { compileGenerated } from "./generate.ts";

function context(c: Context["c"], robust: boolean): Context {
  return {
    c,
    earliest: earliestStarts(c),
    robust,
    objective: "phases",
    values: robust ? c.values.low : c.values.nominal,
    fits: robust ? robustFit : feasibleFit,
  } as unknown as Context;
}

const step = fc.record({
  kind: fc.constantFrom("move", "move", "move", "drop", "split", "unsplit", "push", "swap"),
  move: fc.nat(),
  shift: fc.integer({ min: -3, max: 3 }),
  share: fc.double({ min: MIN_SHARE, max: 1 - MIN_SHARE, noNaN: true }),
});

const walk = fc.record({
  seed: fc.integer({ min: 1, max: 100_000 }),
  moves: fc.integer({ min: 3, max: 14 }),
  parties: fc.integer({ min: 2, max: 4 }),
  horizon: fc.integer({ min: 2, max: 6 }),
  robust: fc.boolean(),
  steps: fc.array(step, { minLength: 1, maxLength: 40 }),
});

describe("incremental placement scorer", () => {
  it("scores every step of a random walk exactly as the full analysis does", () => {
    fc.assert(
      fc.property(walk, ({ seed, moves, parties, horizon, robust, steps }) => {
        const c = compileGenerated(seed, {
          moves,
          parties,
          horizon,
          requires: 0.3,
          ranges: 0.25,
          looseGoal: 0.3,
          divisible: 0.4,
          generosity: 1 + (seed % 3) / 2,
        });
        const ctx = context(c, robust);
        const scorer = new PlacementScorer(ctx);
        const at = earliestPlacement(c, ctx.earliest, horizon);
        const splits: Splits = at.map(() => undefined);
        const check = () => {
          const analysis = analyzeSchedule(c, placementSchedule(c, at, splits));
          for (const depth of [1, 3]) {
            expect(scorer.score(at, splits, depth)).toEqual(scoreOfAnalysis(ctx, analysis, depth));
          }
          // every row, not only those the score reads
          const rows = analysis.constraintRows.map((row) => {
            const { value, worst, dependsOnValues } = rowFigures(c, row);
            return { kind: row.kind, party: row.party, phase: row.phase, value, worst, dependsOnValues };
          });
          expect(scorer.rows()).toEqual(rows);
        };
        check();
        for (const { kind, move, shift, share } of steps) {
          const m = move % moves;
          // (a split move that moves or is left out loses its split, as in the search)
          if (kind === "move") {
            at[m] = Math.max(0, Math.min(horizon, at[m] + shift));
            splits[m] = undefined;
          } else if (kind === "drop") {
            at[m] = 0;
            splits[m] = undefined;
          } else if (kind === "unsplit") splits[m] = undefined;
          else if (kind === "split" && c.divisible[m] && at[m] > 0 && at[m] < horizon) {
            const then = at[m] + 1;
            splits[m] = { then, share };
          } else if (kind === "swap") {
            // two moves trade phases: one leaves a phase as the other arrives (same actor or not)
            const n = (m + 1 + (shift & 3)) % moves;
            [at[m], at[n]] = [at[n], at[m]];
            splits[m] = undefined;
            splits[n] = undefined;
          } else if (kind === "push") {
            // several moves one phase later at once (the search's push of a move and its dependants)
            for (let n = m; n < moves; n += 2) if (at[n] > 0 && at[n] < horizon && !splits[n]) at[n]++;
          }
          check();
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
