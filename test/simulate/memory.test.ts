/**
 * Memory stays flat as runs grow (issue 4 §6). Two checks that would fail if per-run data were
 * kept: everything reachable from a tally (every array, object and map, not only the typed arrays
 * it is built from) is as large after 100,000 runs as after 1,000; and the heap a 100,000-run
 * simulation leaves behind, measured after garbage collection, is far below the 781 KiB that one
 * number per run would take.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/index.ts";
import { parseSource, readScenarioSource } from "../../src/io/scenario-files.ts";
import { mergeTallies, simulateRuns } from "../../src/simulate/index.ts";

/** Bytes reachable from a value, counting each object once: the whole retained structure. */
function retainedBytes(root: unknown): number {
  const seen = new Set<object>();
  const walk = (value: unknown): number => {
    if (value === null || typeof value !== "object") return 8;
    if (seen.has(value)) return 0;
    seen.add(value);
    if (ArrayBuffer.isView(value)) return value.byteLength;
    if (value instanceof Map) {
      let sum = 0;
      for (const [k, v] of value) sum += walk(k) + walk(v);
      return sum;
    }
    if (value instanceof Set) {
      let sum = 0;
      for (const v of value) sum += walk(v);
      return sum;
    }
    return Object.entries(value).reduce((sum, [key, v]) => sum + key.length + walk(v), 0);
  };
  return walk(root);
}

/** Heap in use after a full collection (the flag can be set at run time; `gc` then exists). */
function heapAfterGc(): number {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe("streaming statistics", () => {
  const parsed = parseSource(readScenarioSource("korea-2018"));
  if (!parsed.ok) throw new Error("korea-2018 does not parse");
  const compiled = compileScenario(parsed.scenario);
  const plan = parsed.scenario.plans.phased;

  it("a tally of 100,000 runs retains exactly as much as one of 1,000", () => {
    const small = simulateRuns(compiled, plan, { seed: 7, firstRun: 0, runs: 1_000 });
    const large = simulateRuns(compiled, plan, { seed: 7, firstRun: 0, runs: 100_000 });
    expect(large.runs).toBe(100_000);
    expect(retainedBytes(large)).toBe(retainedBytes(small));
    // and bounded in absolute terms: the quantile sketches (fixed-size, 0.5% relative error) dominate
    expect(retainedBytes(large)).toBeLessThan(1024 * 1024);
  });

  it("a 100,000-run simulation leaves less on the heap than one number per run would take", () => {
    simulateRuns(compiled, plan, { seed: 1, firstRun: 0, runs: 1_000 }); // compiled code, warm caches
    const before = heapAfterGc();
    const tally = simulateRuns(compiled, plan, { seed: 7, firstRun: 0, runs: 100_000 });
    const grown = heapAfterGc() - before;
    expect(tally.runs).toBe(100_000);
    // one float64 per run is 781 KiB; measured growth is within ±150 KiB of zero
    expect(grown).toBeLessThan(256 * 1024);
  });

  it("merging chunks keeps the size and adds the runs", () => {
    const a = simulateRuns(compiled, plan, { seed: 7, firstRun: 0, runs: 5_000 });
    const b = simulateRuns(compiled, plan, { seed: 7, firstRun: 5_000, runs: 5_000 });
    const merged = mergeTallies(a, b);
    expect(merged.runs).toBe(10_000);
    expect(retainedBytes(merged)).toBe(retainedBytes(a));
  });
});
