/**
 * Memory stays flat as runs grow (issue 4 §6): the accumulator has a fixed size whatever the number
 * of runs, and merging two of them does not grow it either.
 */
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import { parseSource, readScenarioSource } from "../../src/io/scenario-files.ts";
import { mergeTallies, simulateRuns } from "../../src/simulate/index.ts";
import type { Tally } from "../../src/simulate/tally.ts";

/** Bytes held by a tally: its typed arrays (the rest is a handful of numbers). */
function bytes(tally: Tally): number {
  return Object.values(tally).reduce((sum, v) => sum + (v instanceof Float64Array ? v.byteLength : 0), 0);
}

describe("streaming statistics", () => {
  const parsed = parseSource(readScenarioSource("korea-2018"));
  if (!parsed.ok) throw new Error("korea-2018 does not parse");
  const compiled = compileScenario(parsed.scenario);
  const plan = parsed.scenario.plans.phased;

  it("a tally of 100,000 runs is exactly as large as one of 1,000", () => {
    const small = simulateRuns(compiled, plan, { seed: 7, firstRun: 0, runs: 1_000 });
    const large = simulateRuns(compiled, plan, { seed: 7, firstRun: 0, runs: 100_000 });
    expect(large.runs).toBe(100_000);
    expect(bytes(large)).toBe(bytes(small));
    // and bounded in absolute terms: the quantile sketches (fixed-size, 0.5% relative error) dominate
    expect(bytes(large)).toBeLessThan(1024 * 1024);
  });

  it("merging chunks keeps the size and adds the runs", () => {
    const a = simulateRuns(compiled, plan, { seed: 7, firstRun: 0, runs: 5_000 });
    const b = simulateRuns(compiled, plan, { seed: 7, firstRun: 5_000, runs: 5_000 });
    const merged = mergeTallies(a, b);
    expect(merged.runs).toBe(10_000);
    expect(bytes(merged)).toBe(bytes(a));
  });
});
