/**
 * The generated scenarios of the planner benchmarks (bench/planner.ts, objectives.ts,
 * objectives-trace.ts, planner-solvers.ts), defined once so that a figure from one is about the
 * same scenario as a figure from another. Class A keeps the generator's tolerances; class B sets
 * them to 10–30, the class whose bounds are weak (docs/planner.md).
 */
import { compileGenerated, type GenerateOptions } from "../test/planner/generate.ts";

export type BenchClass = "A" | "B";
export const BENCH_CLASSES: readonly BenchClass[] = ["A", "B"];

const CLASS_OPTIONS: Record<BenchClass, Partial<GenerateOptions>> = {
  A: {},
  B: { tolerances: [10, 20, 30] },
};

export interface BenchSize {
  moves: number;
  parties: number;
  horizon: number;
}

/** One benchmark scenario, compiled: shaped like a deal, with prerequisites, ranges and divisible moves. */
export function benchScenario(seed: number, size: BenchSize, benchClass: BenchClass = "A") {
  return compileGenerated(seed, {
    moves: size.moves,
    parties: size.parties,
    horizon: size.horizon,
    generosity: 1.5,
    requires: 0.3,
    ranges: 0.2,
    divisible: 0.1,
    ...CLASS_OPTIONS[benchClass],
  });
}
