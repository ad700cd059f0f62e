/**
 * The best continuation (MODEL.md v2 §10) against exhaustive search on small random cases: random
 * scenarios, random histories (moves done late, early, out of order, taken back; some verified),
 * every continuation enumerated and judged by `checkContinuation`.
 */
import { describe, expect, it } from "vitest";
import type { CompiledScenario } from "../../src/analysis/compile.ts";
import {
  checkContinuation,
  continuationRows,
  continuationSchedule,
  type History,
} from "../../src/analysis/continuation.ts";
import { rowValue } from "../../src/analysis/rows.ts";
import { findContinuation } from "../../src/planner/index.ts";
import { compileGenerated, random } from "../planner/generate.ts";

const CASES = 60;

function randomHistory(c: CompiledScenario, seed: number): History {
  const rnd = random(seed * 7919 + 13);
  const M = c.moveIds.length;
  const k0 = 1 + Math.floor(rnd() * 2);
  const x = [new Float64Array(M)];
  for (let t = 1; t <= k0; t++) {
    const row = Float64Array.from(x[t - 1]);
    for (let m = 0; m < M; m++) {
      const r = rnd();
      if (row[m] === 0 && r < 0.3) row[m] = 1;
      else if (row[m] === 1 && r < 0.1) row[m] = 0; // taken back
    }
    x.push(row);
  }
  const verified = Float64Array.from(x[k0], (done) => (done === 1 && rnd() < 0.5 ? 1 : 0));
  return { phases: k0, x, verified };
}

interface Truth {
  fewest?: { phases: number; minSlack: number };
  welfare?: number;
  relaxation?: number;
}

/** Every continuation: each move not done at k0 in one phase k0+1..H, or not at all. */
function enumerate(c: CompiledScenario, h: History, horizon: number): Truth {
  const k0 = h.phases;
  const M = c.moveIds.length;
  const now = h.x[k0];
  const choice = new Array<number>(M).fill(0);
  const out: Truth = {};
  const visit = (m: number) => {
    if (m === M) {
      const T = Math.max(k0 + 1, ...choice);
      const rest: Float64Array[] = [];
      for (let t = k0 + 1; t <= T; t++) {
        rest.push(
          Float64Array.from(now, (done, n) => (done === 1 || (choice[n] > 0 && choice[n] <= t) ? 1 : 0)),
        );
      }
      const s = continuationSchedule(h, rest);
      const check = checkContinuation(c, h, s, horizon);
      if (check.feasible) {
        const better =
          !out.fewest ||
          check.phases < out.fewest.phases ||
          (check.phases === out.fewest.phases && check.minSlack > out.fewest.minSlack);
        if (better) out.fewest = { phases: check.phases, minSlack: check.minSlack };
        const welfare = c.partyIds.reduce(
          (sum, _, i) => sum + c.values.nominal[i].reduce((u, v, n) => u + v * s.x[T][n], 0),
          0,
        );
        out.welfare = Math.max(out.welfare ?? Number.NEGATIVE_INFINITY, welfare);
      }
      const rational = !check.violations.some((v) =>
        ["goal", "requires", "horizon", "reservation"].includes(v.kind),
      );
      if (rational) {
        let need = 0;
        const rows = continuationRows(c, h, s); // once, not once per party
        c.partyIds.forEach((_, i) => {
          let sigma = 0;
          let mu = 0;
          for (const row of rows) {
            if (row.party !== i) continue;
            const g = rowValue(c, row);
            if (row.kind === "exposure") sigma = Math.max(sigma, -g);
            if (row.kind === "margin") mu = Math.max(mu, -g);
          }
          need += sigma + mu;
        });
        out.relaxation = Math.min(out.relaxation ?? Number.POSITIVE_INFINITY, need);
      }
      return;
    }
    const options = now[m] === 1 ? [0] : [0, ...Array.from({ length: horizon - k0 }, (_, j) => k0 + 1 + j)];
    for (const phase of options) {
      choice[m] = phase;
      visit(m + 1);
    }
  };
  visit(0);
  return out;
}

describe("best continuation against exhaustive search", () => {
  it(`agrees on feasibility, fewest phases, minimum slack and what it would take (${CASES} seeds)`, async () => {
    let feasible = 0;
    let relaxed = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const o = {
        parties: 2 + (seed % 2),
        moves: 3 + (seed % 2),
        horizon: 3,
        requires: 0.35,
        generosity: 1 + (seed % 3),
        looseGoal: 0.3,
      };
      const c = compileGenerated(seed, o);
      const h = randomHistory(c, seed);
      const horizon = h.phases + 3;
      const truth = enumerate(c, h, horizon);
      const found = await findContinuation(c, h, { horizon });
      const where = `seed ${seed}, k0 ${h.phases}`;
      expect(found.status, where).not.toBe("solver-error");
      expect(found.feasible, where).toBe(truth.fewest !== undefined);
      if (truth.fewest) {
        feasible++;
        expect(found.phases, where).toBe(truth.fewest.phases);
        expect(found.minSlack!, where).toBeCloseTo(truth.fewest.minSlack, 6);
        // the steps it reports are a continuation that checks
        const welfare = await findContinuation(c, h, { horizon, objective: "welfare" });
        expect(welfare.objectiveValue!, where).toBeCloseTo(truth.welfare!, 6);
      } else if (truth.relaxation !== undefined && found.relaxation) {
        relaxed++;
        const total = Object.values(found.relaxation).reduce((s, r) => s + r.tolerance + r.inducement, 0);
        expect(total, where).toBeCloseTo(truth.relaxation, 6);
      }
    }
    expect(feasible).toBeGreaterThan(10);
    expect(relaxed).toBeGreaterThan(3);
  }, 240_000);
});
