/**
 * Which points a sweep visits. Point i is a pure function of (sweep, i): a full grid is read off
 * i in mixed radix; a Latin hypercube is drawn once from the sweep's seed. Each point also gets
 * its own seed from (sweep seed, i), so a point's result does not depend on who computes it.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Sweep, Variable } from "./schema.ts";

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of point `index` (an unsigned 32-bit integer), from the sweep's seed. */
export function pointSeed(sweepSeed: number, index: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / 0x1_0000_0000) >>> 0;
  return fmix32(fmix32(fmix32(sweepSeed ^ 0x5eed5eed) ^ high) ^ low);
}

/** The grid levels of a variable: its list, or `steps` evenly spaced points over its range. */
export function levels(v: Variable): number[] {
  if (v.values) return v.values;
  const [low, high] = v.range ?? [0, 0];
  const steps = low === high ? 1 : (v.steps ?? 5);
  // computed from the ends, not by repeated addition, so the last level is exactly `high`
  return Array.from({ length: steps }, (_, k) =>
    steps === 1 ? low : low + ((high - low) * k) / (steps - 1),
  );
}

export function pointCount(sweep: Sweep): number {
  if (sweep.sampling !== "grid") return sweep.sampling.latin;
  return sweep.vary.reduce((n, v) => n * levels(v).length, 1);
}

/** Grid point `index`: the last variable moves fastest. */
function gridPoint(sweep: Sweep, index: number): number[] {
  const out = new Array<number>(sweep.vary.length);
  let rest = index;
  for (let j = sweep.vary.length - 1; j >= 0; j--) {
    const ls = levels(sweep.vary[j]);
    out[j] = ls[rest % ls.length];
    rest = Math.floor(rest / ls.length);
  }
  return out;
}

/**
 * A Latin hypercube of n points: each variable's range is cut into n equal strata and every
 * stratum is used exactly once, in an order shuffled by the seed. A listed variable picks from
 * its list by stratum. Drawn whole (O(n × variables)) and cached per sweep object.
 */
function latinHypercube(sweep: Sweep, n: number): number[][] {
  const rng = xoroshiro128plus(sweep.seed);
  const draw = () => uniformFloat64(rng);
  const columns = sweep.vary.map((v) => {
    const order = Array.from({ length: n }, (_, k) => k);
    for (let k = n - 1; k > 0; k--) {
      const r = Math.floor(draw() * (k + 1));
      [order[k], order[r]] = [order[r], order[k]];
    }
    return order.map((stratum) => {
      const u = (stratum + draw()) / n;
      if (v.values) return v.values[Math.min(v.values.length - 1, Math.floor(u * v.values.length))];
      const [low, high] = v.range ?? [0, 0];
      return low + (high - low) * u;
    });
  });
  return Array.from({ length: n }, (_, i) => columns.map((column) => column[i]));
}

const hypercubes = new WeakMap<Sweep, number[][]>();

/** The variables' values at point `index` (0-based), in the order of `vary`. */
export function pointValues(sweep: Sweep, index: number): number[] {
  if (sweep.sampling === "grid") return gridPoint(sweep, index);
  let cube = hypercubes.get(sweep);
  if (!cube) {
    cube = latinHypercube(sweep, sweep.sampling.latin);
    hypercubes.set(sweep, cube);
  }
  return cube[index];
}
