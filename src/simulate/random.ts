/**
 * Random streams for the simulator. Every run gets its own xoroshiro128+ stream whose state is a
 * hash of (seed, run index), so a run draws the same numbers whichever worker or chunk runs it.
 * Hashing beats `jump()` here: reaching run r by jumps would cost r jumps.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

export type Stream = RandomGenerator;

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const state: number[] = [0, 0, 0, 0];

/** The stream of run `run` (0-based) for `seed` (an unsigned 32-bit integer). */
export function runStream(seed: number, run: number): Stream {
  const low = run >>> 0;
  const high = Math.floor(run / 0x1_0000_0000) >>> 0;
  const base = fmix32(fmix32(seed ^ 0x9e3779b9) ^ high);
  for (let word = 0; word < 4; word++) {
    state[word] = fmix32(fmix32(base + Math.imul(word + 1, 0x632be5ab)) ^ low);
  }
  // xoroshiro's all-zero state is a fixed point; the hash makes it vanishingly rare, but be exact.
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  return xoroshiro128plusFromState(state);
}

/** A uniform draw in [0, 1) (53 random bits). */
export function uniform(stream: Stream): number {
  return uniformFloat64(stream);
}

/** A standard normal draw (Box–Muller; the second variate is dropped to keep draws per call fixed). */
export function gaussian(stream: Stream): number {
  const u = 1 - uniform(stream); // (0, 1], so the log is finite
  const v = uniform(stream);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
