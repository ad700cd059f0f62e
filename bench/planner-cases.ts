/**
 * The generated scenarios of the planner benchmarks (bench/planner.ts, objectives.ts,
 * objectives-trace.ts, planner-solvers.ts), defined once so that a figure from one is about the
 * same scenario as a figure from another. Class A keeps the generator's tolerances; class B sets
 * them to 10–30, the class whose bounds are weak (docs/planner.md).
 */
import { earliestStarts } from "../src/planner/bounds.ts";
import { feasibleFit } from "../src/planner/placement-score.ts";
import { searchSettings } from "../src/planner/search-settings.ts";
import type { Context } from "../src/planner/session.ts";
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

/** `MOVESxPARTIESxPHASES` (the benches' `--size`) as a size, or undefined unless all three are positive. */
export function parseBenchSize(text: string): BenchSize | undefined {
  const [moves = 0, parties = 0, horizon = 0] = text.split("x").map(Number);
  return [moves, parties, horizon].every((n) => n > 0) ? { moves, parties, horizon } : undefined;
}

/** This process's CPU seconds so far, user and system: the planner benches' clock under load. */
export function cpuSeconds(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
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

/**
 * The planner's context for the slack objective on a bench scenario, with no deadline: what the
 * slack benches (planner-neighbourhoods, slack-probe) hand to `formulate` to build one model by hand.
 */
export function slackBenchContext(c: ReturnType<typeof benchScenario>): Context {
  return {
    c,
    objective: "slack",
    robust: false,
    horizon: c.horizon,
    values: c.values.nominal,
    earliest: earliestStarts(c),
    deadline: Number.POSITIVE_INFINITY,
    stats: { variables: 0, constraints: 0, nonzeros: 0, solves: 0, seconds: 0 },
    notes: [],
    fits: feasibleFit,
    search: searchSettings(),
  };
}
