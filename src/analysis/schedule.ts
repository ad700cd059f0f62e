/**
 * A plan turned into the state trajectory of MODEL.md §2: Δ_k(m) and x_k(m) for k = 0..T.
 */
import type { Plan } from "../model/index.ts";
import type { CompiledScenario } from "./compile.ts";

export interface Schedule {
  /** Number of phases T (the last phase any move uses). */
  phases: number;
  /** delta[k][m] for k = 0..T (delta[0] is all zeros). */
  delta: Float64Array[];
  /** x[k][m] for k = 0..T, cumulative and clamped to [0, 1]. */
  x: Float64Array[];
}

/** The share of each move done in each phase, as a plan lists it. */
export function planPhases(entry: Plan[string]): Array<[phase: number, fraction: number]> {
  if (typeof entry === "number") return [[entry, 1]];
  return Object.entries(entry).map(([phase, fraction]) => [Number(phase), fraction]);
}

export function buildSchedule(compiled: CompiledScenario, plan: Plan): Schedule {
  const M = compiled.moveIds.length;
  let phases = 0;
  const entries: Array<[number, Array<[number, number]>]> = [];
  for (const [moveId, entry] of Object.entries(plan)) {
    const m = compiled.moveIndex.get(moveId);
    if (m === undefined) continue; // unknown ids are rejected when the plan is parsed
    const parts = planPhases(entry);
    for (const [phase] of parts) phases = Math.max(phases, phase);
    entries.push([m, parts]);
  }
  const delta = Array.from({ length: phases + 1 }, () => new Float64Array(M));
  for (const [m, parts] of entries) for (const [phase, fraction] of parts) delta[phase][m] += fraction;
  return scheduleFromDeltas(delta, M);
}

/**
 * The trajectory of the shares done in each phase, delta[k][m] for k = 0..T (delta[0] all zeros):
 * x as their running sum, capped at 1. Shared by `buildSchedule` and the planner's local search,
 * which builds deltas directly rather than a string-keyed `Plan` for every step it tries.
 */
export function scheduleFromDeltas(delta: Float64Array[], M: number): Schedule {
  const phases = delta.length - 1;
  const x = Array.from({ length: phases + 1 }, () => new Float64Array(M));
  for (let k = 1; k <= phases; k++) {
    for (let m = 0; m < M; m++) x[k][m] = Math.min(1, x[k - 1][m] + delta[k][m]);
  }
  return { phases, delta, x };
}

/** x_k with the conventions x_k = 0 for k ≤ 0 and x_k = x_T for k > T. */
export function stateAt(schedule: Schedule, k: number): Float64Array {
  if (k <= 0) return schedule.x[0];
  return schedule.x[Math.min(k, schedule.phases)];
}

const DONE = 1 - 1e-9;

/** The first phase in which a move has any share done, or undefined. */
export function startPhase(schedule: Schedule, m: number): number | undefined {
  for (let k = 1; k <= schedule.phases; k++) if (schedule.delta[k][m] > 0) return k;
  return undefined;
}

/** The phase in which a move becomes fully done, or undefined. */
export function donePhase(schedule: Schedule, m: number): number | undefined {
  for (let k = 1; k <= schedule.phases; k++) if (schedule.x[k][m] >= DONE) return k;
  return undefined;
}
