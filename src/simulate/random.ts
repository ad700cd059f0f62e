/**
 * Random streams for the simulator. Every run draws from its own xoroshiro128+ stream whose state
 * is a hash of (seed, run index), so a run draws the same numbers whichever worker or chunk runs
 * it. Hashing beats `jump()` here: reaching run r by jumps would cost r jumps.
 *
 * One `Stream` object is reseeded for every run instead of building a generator per run: the
 * engine then allocates nothing per run. The generator and the 53-bit uniform are pure-rand's
 * (`xoroshiro128plus`, `uniformFloat64`), restated on mutable fields; test/simulate/random.test.ts
 * checks that they draw exactly pure-rand's numbers from the same state.
 */

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

const SCALE_26 = 2 ** -26;
const SCALE_53 = 2 ** -53;
const TWO_PI = 2 * Math.PI;

export class Stream {
  // xoroshiro128+ state as four 32-bit words, in pure-rand's order (s01, s00, s11, s10)
  private s01 = 0;
  private s00 = 0;
  private s11 = 0;
  private s10 = 0;
  /** Box–Muller gives normals in pairs: the second waits here. */
  private spare = 0;
  private hasSpare = false;
  /** Uniforms drawn since the last reseed (a pair of normals costs two); benchmarks read it. */
  uniforms = 0;
  /** Normals drawn since the last reseed. */
  normals = 0;

  /** Restarts the stream at run `run` (0-based) of `seed` (an unsigned 32-bit integer). */
  reseed(seed: number, run: number): void {
    const low = run >>> 0;
    const high = Math.floor(run / 0x1_0000_0000) >>> 0;
    const base = fmix32(fmix32(seed ^ 0x9e3779b9) ^ high);
    this.s01 = fmix32(fmix32(base + 0x632be5ab) ^ low);
    this.s00 = fmix32(fmix32(base + Math.imul(2, 0x632be5ab)) ^ low);
    this.s11 = fmix32(fmix32(base + Math.imul(3, 0x632be5ab)) ^ low);
    this.s10 = fmix32(fmix32(base + Math.imul(4, 0x632be5ab)) ^ low);
    // xoroshiro's all-zero state is a fixed point; the hash makes it vanishingly rare, but be exact.
    if ((this.s01 | this.s00 | this.s11 | this.s10) === 0) this.s01 = 1;
    this.hasSpare = false;
    this.uniforms = 0;
    this.normals = 0;
  }

  /** The state words, in the order pure-rand's `xoroshiro128plusFromState` takes them. */
  state(): [number, number, number, number] {
    return [this.s01, this.s00, this.s11, this.s10];
  }

  /** The next 32-bit output of xoroshiro128+. */
  private next(): number {
    const out = (this.s00 + this.s10) | 0;
    const a0 = this.s10 ^ this.s00;
    const a1 = this.s11 ^ this.s01;
    const s00 = this.s00;
    const s01 = this.s01;
    this.s00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    this.s01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    this.s10 = (a1 << 5) ^ (a0 >>> 27);
    this.s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  /** A uniform draw in [0, 1) (53 random bits). */
  uniform(): number {
    this.uniforms++;
    const high = this.next() & 0x3ffffff;
    const low = this.next() & 0x7ffffff;
    return high * SCALE_26 + low * SCALE_53;
  }

  /**
   * A standard normal draw. Box–Muller turns two uniforms into two independent normals; the
   * second is kept for the next call. The spare is dropped on reseed, so a run's draws do not
   * depend on the run before it.
   */
  gaussian(): number {
    this.normals++;
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform())); // 1 − u is in (0, 1]: finite log
    const angle = TWO_PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }
}

/** A new stream at run `run` of `seed` (for one-off use; the engine reseeds one stream instead). */
export function runStream(seed: number, run: number): Stream {
  const stream = new Stream();
  stream.reseed(seed, run);
  return stream;
}
