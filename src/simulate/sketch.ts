/**
 * A fixed-size quantile sketch: counts in logarithmic buckets (the idea of DDSketch). Any value v
 * with MIN_MAGNITUDE < |v| ≤ MAX_MAGNITUDE is reported within RELATIVE_ERROR of itself; values
 * nearer zero are reported as 0 (absolute error ≤ MIN_MAGNITUDE) and larger ones are clamped.
 * Buckets hold integer counts, so merging is exact and order-independent.
 */

/** Relative accuracy α of every quantile the sketch reports. */
export const RELATIVE_ERROR = 0.005;
export const MIN_MAGNITUDE = 1e-6;
export const MAX_MAGNITUDE = 1e12;

const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Buckets per sign. */
const BUCKETS = Math.ceil(Math.log(MAX_MAGNITUDE / MIN_MAGNITUDE) / LOG_GAMMA);
/** Negative buckets, the zero bucket, positive buckets. */
export const SKETCH_SIZE = 2 * BUCKETS + 1;

/** Bucket j ≥ 1 covers magnitudes (MIN·γ^(j−1), MIN·γ^j]. */
function magnitudeBucket(magnitude: number): number {
  const j = Math.ceil(Math.log(magnitude / MIN_MAGNITUDE) / LOG_GAMMA);
  return Math.max(1, Math.min(j, BUCKETS));
}

/** The magnitude that represents bucket j: within α of every magnitude in it. */
function representative(j: number): number {
  return (2 * MIN_MAGNITUDE * GAMMA ** j) / (GAMMA + 1);
}

/** Adds one value to the sketch stored at `counts[offset .. offset + SKETCH_SIZE)`. */
export function sketchAdd(counts: Float64Array, offset: number, value: number): void {
  const magnitude = Math.abs(value);
  let index = BUCKETS;
  if (magnitude > MIN_MAGNITUDE) {
    const j = magnitudeBucket(magnitude);
    index = value > 0 ? BUCKETS + j : BUCKETS - j;
  }
  counts[offset + index] += 1;
}

/** The q-quantile (0 ≤ q ≤ 1) of a sketch holding `total` values, or NaN when it is empty. */
export function sketchQuantile(counts: Float64Array, offset: number, total: number, q: number): number {
  if (total <= 0) return Number.NaN;
  const rank = Math.floor(q * (total - 1));
  let seen = 0;
  for (let index = 0; index < SKETCH_SIZE; index++) {
    seen += counts[offset + index];
    if (seen > rank) {
      const j = index - BUCKETS;
      return j === 0 ? 0 : Math.sign(j) * representative(Math.abs(j));
    }
  }
  return representative(BUCKETS);
}
