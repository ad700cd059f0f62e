/**
 * What a HiGHS solve reports of its work (src/planner/solver.ts), read by the benchmarks and the
 * objectives trace to compare formulations without the machine's load in the figures.
 */
import { describe, expect, it } from "vitest";
import { earliestStarts } from "../../src/planner/bounds.ts";
import { buildFormulation } from "../../src/planner/formulation.ts";
import { solveWithHighs } from "../../src/planner/index.ts";
import { bruteForceOptions, compileGenerated } from "./generate.ts";

describe("a HiGHS solve's work", () => {
  it("counts the LP iterations it spent (HiGHS's info, not the callback's: once always 0)", async () => {
    const o = bruteForceOptions(2009, 4);
    const c = compileGenerated(2009, o);
    const f = buildFormulation(c, {
      phases: o.horizon,
      values: c.values.nominal,
      objective: "slack",
      relax: false,
      earliest: earliestStarts(c),
    });
    // a model with a plan (seed 2009); without presolve its root LP takes simplex iterations (33 here)
    const result = await solveWithHighs(f.builder.model, {
      timeLimitSeconds: 60,
      highsOptions: { presolve: "off" },
    });
    expect(result.status).toBe("optimal");
    expect(result.work?.lpIterations).toBeGreaterThan(0);
  });
});
