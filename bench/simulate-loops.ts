/**
 * The two loops bench/simulate.ts compares: the engine, and the plainest loop that makes the same
 * random draws (reseed the run's stream, draw its normals and uniforms, add them up). The bench
 * bundles this file with esbuild, as the simulation workers are bundled, so both loops run as
 * plain JavaScript (tsx's module getters would tax the engine's imports, not the plain loop).
 */
import { createRunner } from "../src/simulate/engine.ts";
import type { PreparedPlan } from "../src/simulate/prepare.ts";
import { Stream } from "../src/simulate/random.ts";
import { createTally, type Tally } from "../src/simulate/tally.ts";

export interface Draws {
  /** [run] uniforms the engine drew in the run (normals included, two per pair). */
  uniforms: Int32Array;
  /** [run] normals the engine drew in the run. */
  normals: Int32Array;
}

/** Runs the engine over runs 0..runs−1 and records how many draws each run made. */
export function countDraws(plan: PreparedPlan, seed: number, runs: number): Draws {
  const runner = createRunner(plan);
  const tally = createTally(plan.parties, plan.phases);
  const uniforms = new Int32Array(runs);
  const normals = new Int32Array(runs);
  for (let run = 0; run < runs; run++) {
    runner(seed, run, tally);
    uniforms[run] = runner.stream.uniforms;
    normals[run] = runner.stream.normals;
  }
  return { uniforms, normals };
}

/** The engine: runs 0..runs−1 into a fresh tally. */
export function engineLoop(plan: PreparedPlan, seed: number, runs: number): Tally {
  const runner = createRunner(plan);
  const tally = createTally(plan.parties, plan.phases);
  for (let run = 0; run < runs; run++) runner(seed, run, tally);
  return tally;
}

/** The same draws and nothing else. Returns their sum so the work cannot be optimised away. */
export function plainLoop(draws: Draws, seed: number): number {
  const stream = new Stream();
  let sum = 0;
  for (let run = 0; run < draws.uniforms.length; run++) {
    stream.reseed(seed, run);
    for (let n = draws.normals[run]; n > 0; n--) sum += stream.gaussian();
    for (let n = draws.uniforms[run] - stream.uniforms; n > 0; n--) sum += stream.uniform();
  }
  return sum;
}
