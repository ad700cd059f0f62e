/**
 * Seeded generator of large synthetic scenarios and plans for benchmarks (not for tests of meaning:
 * the values are random, but shaped like real deals — costs to the actor, benefits to others).
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Plan, ScenarioInput } from "../src/model/schema.ts";

export interface GeneratedCase {
  scenario: ScenarioInput;
  plan: Plan;
}

export function generateCase(opts: {
  moves: number;
  parties: number;
  phases: number;
  seed: number;
}): GeneratedCase {
  const rng = xoroshiro128plus(opts.seed);
  const int = (lo: number, hi: number) => uniformInt(rng, lo, hi);
  const float = (lo: number, hi: number) => lo + ((hi - lo) * int(0, 2 ** 30)) / 2 ** 30;
  const parties = Array.from({ length: opts.parties }, (_, i) => ({
    id: `p${i}`,
    discount: float(0.8, 1),
    tolerance: float(1, 10),
  }));
  const plan: Plan = {};
  const moves = Array.from({ length: opts.moves }, (_, m) => {
    const actor = int(0, opts.parties - 1);
    const value: Record<string, number | [number, number]> = {};
    parties.forEach((p, i) => {
      if (i === actor) value[p.id] = -float(0.1, 3);
      else if (int(0, 2) > 0) {
        const v = float(0, 2);
        value[p.id] = int(0, 3) === 0 ? [v * 0.7, v * 1.3] : v;
      }
    });
    const divisible = int(0, 4) === 0;
    const phase = int(1, opts.phases);
    if (divisible && phase < opts.phases) plan[`m${m}`] = { [phase]: 0.5, [phase + 1]: 0.5 };
    else plan[`m${m}`] = phase;
    return {
      id: `m${m}`,
      actor: `p${actor}`,
      value,
      reversible: float(0, 1),
      verify: { lag: int(0, 3) },
      divisible,
    };
  });
  // every phase used, so the plan really has `phases` phases
  plan.m0 = opts.phases;
  return { scenario: { horizon: opts.phases, parties, moves }, plan };
}
