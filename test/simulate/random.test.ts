/**
 * The simulator's reseedable stream restates pure-rand's xoroshiro128+ and uniformFloat64 on
 * mutable fields (so nothing is allocated per run): it must draw exactly pure-rand's numbers.
 * Its normals come in Box–Muller pairs, both used, and a reseed starts a run afresh.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { Stream } from "../../src/simulate/random.ts";

describe("Stream", () => {
  it("draws pure-rand's uniforms from the same state", () => {
    const stream = new Stream();
    for (const [seed, run] of [
      [0, 0],
      [1, 1],
      [0xffff_ffff, 123_456_789],
      [42, 2 ** 40 + 7],
    ]) {
      stream.reseed(seed, run);
      const reference = xoroshiro128plusFromState(stream.state());
      for (let n = 0; n < 1000; n++) expect(stream.uniform()).toBe(uniformFloat64(reference));
    }
  });

  it("gives runs of one seed different streams, and the same stream on reseed", () => {
    const stream = new Stream();
    const first = (run: number) => {
      stream.reseed(7, run);
      return [stream.uniform(), stream.uniform()];
    };
    expect(first(0)).not.toEqual(first(1));
    expect(first(5)).toEqual(first(5));
  });

  it("uses both normals of a Box–Muller pair, and a reseed drops the spare", () => {
    const stream = new Stream();
    stream.reseed(3, 9);
    const a = stream.gaussian();
    const b = stream.gaussian();
    expect(stream.uniforms).toBe(2);
    expect(stream.normals).toBe(2);
    stream.reseed(3, 9);
    const u = 1 - stream.uniform();
    const v = stream.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    expect(a).toBe(radius * Math.cos(2 * Math.PI * v));
    expect(b).toBe(radius * Math.sin(2 * Math.PI * v));
    stream.gaussian(); // leaves a spare ...
    stream.reseed(3, 9);
    expect(stream.gaussian()).toBe(a); // ... which the reseed dropped
  });

  it("draws standard normals: mean 0, variance 1, and the pairs uncorrelated", () => {
    const stream = new Stream();
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    let products = 0;
    for (let run = 0; run < n / 2; run++) {
      stream.reseed(11, run);
      const a = stream.gaussian();
      const b = stream.gaussian();
      sum += a + b;
      squares += a * a + b * b;
      products += a * b;
    }
    // standard errors: mean 1/√n, variance √(2/n), covariance of the pairs √(2/n)
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(squares / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(products / (n / 2))).toBeLessThan(5 * Math.sqrt(2 / n));
  });
});
