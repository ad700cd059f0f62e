/**
 * Seeded random scenarios for the planner's tests and benchmark. Values are on a half-unit grid
 * and discounts are a few fixed numbers, so ties are exact rather than floating-point accidents.
 */
import { type CompiledScenario, compileScenario } from "../../src/analysis/compile.ts";
import { Scenario, type ScenarioInput } from "../../src/model/schema.ts";

/** mulberry32: small, fast and good enough to make test cases. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  parties: number;
  moves: number;
  horizon: number;
  /** Probability that a move requires an earlier one. */
  requires?: number;
  /** Share of moves that are divisible. */
  divisible?: number;
  /** Scales benefits up and costs down: 1 is neutral, higher gives more feasible scenarios. */
  generosity?: number;
  /** Probability that a value is a range. */
  ranges?: number;
  /** Probability that the goal uses an anyOf item or leaves a move out. */
  looseGoal?: number;
  maxLag?: number;
  /** Tolerances to draw from (before the generosity factor). */
  tolerances?: number[];
}

export function generateScenario(seed: number, o: GenerateOptions): ScenarioInput {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const g = o.generosity ?? 1;
  const half = (lo: number, hi: number) => lo + Math.floor(rnd() * ((hi - lo) * 2 + 1)) / 2;
  const parties = Array.from({ length: o.parties }, (_, i) => ({
    id: `p${i}`,
    discount: pick([0.5, 0.8, 0.9, 0.95, 1]),
    tolerance: pick(o.tolerances ?? [0, 0, 1, 2, 3]) * g,
    reservation: pick([0, 0, 0, -1, 1]),
  }));
  const moves = Array.from({ length: o.moves }, (_, m) => {
    const actor = m < o.parties ? m : Math.floor(rnd() * o.parties);
    const value: Record<string, number | [number, number]> = {};
    for (let i = 0; i < o.parties; i++) {
      const v = i === actor ? half(-4 / g, 0.5) : rnd() < 0.15 / g ? half(-1.5, 0) : half(0, 4 * g);
      if (v === 0) continue;
      value[`p${i}`] = rnd() < (o.ranges ?? 0) ? [v - 0.5, v + 0.5] : v;
    }
    const requires: string[] = [];
    if (m > 0 && rnd() < (o.requires ?? 0.25)) requires.push(`m${Math.floor(rnd() * m)}`);
    return {
      id: `m${m}`,
      actor: `p${actor}`,
      value,
      reversible: g > 1 ? pick([0, 0.5, 1, 1]) : pick([0, 0, 0.5, 1]),
      verify: { lag: Math.floor(rnd() * ((o.maxLag ?? 2) + 1)) },
      requires,
      divisible: rnd() < (o.divisible ?? 0),
    };
  });
  const scenario: ScenarioInput = { id: `random-${seed}`, parties, moves, horizon: o.horizon };
  if (rnd() < (o.looseGoal ?? 0)) {
    const ids = moves.map((m) => m.id);
    const goal: ScenarioInput["goal"] = [];
    for (let m = 0; m < ids.length; m++) {
      const r = rnd();
      if (r < 0.2 && m + 1 < ids.length) {
        goal.push({ anyOf: [ids[m], ids[m + 1]] });
        m++;
      } else if (r < 0.85) {
        goal.push(ids[m]);
      }
    }
    if (goal.length === 0) goal.push(ids[0]);
    scenario.goal = goal;
  }
  return scenario;
}

/**
 * The small scenarios that the planner is checked on against exhaustive enumeration
 * (equivalence.test.ts, floor.test.ts): 2 or 3 parties, 3 to 2 + `moveKinds` moves, ranges, loose
 * goals and requirements. Six moves or more get 2 phases instead of 3, since enumeration grows
 * as phases^moves.
 */
export function bruteForceOptions(seed: number, moveKinds: number): GenerateOptions {
  const moves = 3 + (seed % moveKinds);
  return {
    parties: 2 + (seed % 2),
    moves,
    horizon: moves >= 6 ? 2 : 3,
    requires: 0.3,
    ranges: 0.25,
    looseGoal: 0.35,
    generosity: 1 + (seed % 3),
  };
}

export function compileGenerated(seed: number, o: GenerateOptions): CompiledScenario {
  return compileScenario(Scenario.parse(generateScenario(seed, o)));
}
