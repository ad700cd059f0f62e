/**
 * The simulator's accumulator: a fixed-size record of many runs that merges with another one.
 * Memory does not grow with the number of runs: counts, streaming moments (Welford, merged with
 * Chan's formula) and one quantile sketch per party. Plain data, so it crosses worker boundaries.
 */
import { SKETCH_SIZE } from "./sketch.ts";

/** Why a run failed to complete (index into Tally.causes). */
export const CAUSES = ["hazard", "defection", "failed delivery", "false alarm", "incomplete"] as const;
export type Cause = (typeof CAUSES)[number];
export const HAZARD = 0;
export const DEFECTION = 1;
export const FAILED_DELIVERY = 2;
export const FALSE_ALARM = 3;
export const INCOMPLETE = 4;

export interface Tally {
  parties: number;
  /** T, the plan's number of phases. */
  phases: number;
  runs: number;
  completed: number;
  /** [K] runs whose deal was last seen alive at the end of plan phase K (K = 0..T). */
  lastAlive: Float64Array;
  /** [party] runs in which the party's exposure ever exceeded its tolerance. */
  overTolerance: Float64Array;
  /** [cause][party or P for none][phase 0..T]: failed runs by first cause. */
  causes: Float64Array;
  /** [party] running mean and sum of squared deviations of the realised value. */
  valueMean: Float64Array;
  valueM2: Float64Array;
  /** [party × SKETCH_SIZE] quantile sketch of the realised value. */
  valueSketch: Float64Array;
}

export function createTally(parties: number, phases: number): Tally {
  return {
    parties,
    phases,
    runs: 0,
    completed: 0,
    lastAlive: new Float64Array(phases + 1),
    overTolerance: new Float64Array(parties),
    causes: new Float64Array(CAUSES.length * (parties + 1) * (phases + 1)),
    valueMean: new Float64Array(parties),
    valueM2: new Float64Array(parties),
    valueSketch: new Float64Array(parties * SKETCH_SIZE),
  };
}

export function causeIndex(tally: Tally, cause: number, party: number, phase: number): number {
  return (cause * (tally.parties + 1) + party) * (tally.phases + 1) + phase;
}

function addInto(target: Float64Array, source: Float64Array): Float64Array {
  const sum = Float64Array.from(target);
  for (let i = 0; i < sum.length; i++) sum[i] += source[i];
  return sum;
}

/** The tally of both sets of runs. Counts add exactly; means merge by Chan's formula. */
export function mergeTallies(a: Tally, b: Tally): Tally {
  if (a.parties !== b.parties || a.phases !== b.phases) {
    throw new Error("mergeTallies: the tallies come from different plans");
  }
  const runs = a.runs + b.runs;
  const valueMean = new Float64Array(a.parties);
  const valueM2 = new Float64Array(a.parties);
  for (let i = 0; i < a.parties; i++) {
    if (a.runs === 0 || b.runs === 0) {
      valueMean[i] = a.runs === 0 ? b.valueMean[i] : a.valueMean[i];
      valueM2[i] = a.runs === 0 ? b.valueM2[i] : a.valueM2[i];
      continue;
    }
    const delta = b.valueMean[i] - a.valueMean[i];
    valueMean[i] = a.valueMean[i] + (delta * b.runs) / runs;
    valueM2[i] = a.valueM2[i] + b.valueM2[i] + (delta * delta * a.runs * b.runs) / runs;
  }
  return {
    parties: a.parties,
    phases: a.phases,
    runs,
    completed: a.completed + b.completed,
    lastAlive: addInto(a.lastAlive, b.lastAlive),
    overTolerance: addInto(a.overTolerance, b.overTolerance),
    causes: addInto(a.causes, b.causes),
    valueMean,
    valueM2,
    valueSketch: addInto(a.valueSketch, b.valueSketch),
  };
}
