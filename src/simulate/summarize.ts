/** A tally turned into the simulation document. */
import type { ResponsePolicy } from "../model/index.ts";
import type { SimulationCause, SimulationReport } from "./report.ts";
import { RELATIVE_ERROR, SKETCH_SIZE, sketchQuantile } from "./sketch.ts";
import { CAUSES, causeIndex, type Tally } from "./tally.ts";

export interface SimulationMeta {
  partyIds: string[];
  seed: number;
  response: ResponsePolicy;
  partial?: boolean;
  scenario?: string;
  plan?: string;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** The 95% Wilson score interval of a binomial proportion (stays inside [0, 1], sane at 0 and n). */
export function wilsonInterval(successes: number, n: number): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Printed precision: shares to 6 decimals, values to 6 significant digits. */
const share = (x: number) => Math.round(x * 1e6) / 1e6;
const figure = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : 0);

export function summarize(tally: Tally, meta: SimulationMeta): SimulationReport {
  const n = tally.runs;
  const { low, high } = wilsonInterval(tally.completed, n);
  const survival: number[] = [];
  let alive = n;
  for (let k = 0; k <= tally.phases; k++) {
    survival.push(share(n === 0 ? 1 : alive / n));
    alive -= tally.lastAlive[k];
  }
  const parties: SimulationReport["parties"] = {};
  meta.partyIds.forEach((id, i) => {
    const sketch = (q: number) => figure(sketchQuantile(tally.valueSketch, i * SKETCH_SIZE, n, q));
    parties[id] = {
      value: { mean: figure(tally.valueMean[i]), p5: sketch(0.05), p50: sketch(0.5), p95: sketch(0.95) },
      overTolerance: share(n === 0 ? 0 : tally.overTolerance[i] / n),
    };
  });
  const failed = n - tally.completed;
  const causes: Array<SimulationCause & { count: number }> = [];
  CAUSES.forEach((cause, c) => {
    for (let party = 0; party <= tally.parties; party++) {
      for (let phase = 0; phase <= tally.phases; phase++) {
        const count = tally.causes[causeIndex(tally, c, party, phase)];
        if (count > 0) {
          causes.push({
            party: meta.partyIds[party] ?? null,
            phase,
            cause,
            share: share(count / failed),
            count,
          });
        }
      }
    }
  });
  // most frequent first; ties in the order causes were listed (stable sort)
  causes.sort((a, b) => b.count - a.count);
  return {
    ...(meta.scenario === undefined ? {} : { scenario: meta.scenario }),
    ...(meta.plan === undefined ? {} : { plan: meta.plan }),
    runs: n,
    seed: meta.seed,
    partial: meta.partial ?? false,
    response: meta.response,
    completion: { p: share(n === 0 ? 0 : tally.completed / n), low: share(low), high: share(high) },
    survival,
    parties,
    causes: causes.map(({ count: _count, ...rest }) => rest),
    quantileError: RELATIVE_ERROR,
  };
}
