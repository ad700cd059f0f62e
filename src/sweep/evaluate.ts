/**
 * One point of a sweep, computed from the sweep document and the point's index alone: the same
 * result on any machine, in any order, on any number of workers.
 */
import { compileScenario } from "../analysis/index.ts";
import type { Scenario } from "../model/index.ts";
import { applyPoint } from "./apply.ts";
import { type Metrics, runMeasures } from "./measures.ts";
import { pointCount, pointSeed, pointValues } from "./points.ts";
import type { Sweep } from "./schema.ts";

/**
 * Everything a worker needs, self-contained: the checked sweep and the scenario it varies, with
 * every default applied. Stored with the sweep so a worker on another machine reads the same.
 */
export interface SweepDocument {
  sweep: Sweep;
  scenario: Scenario;
  /** The scenario as the sweep file named it (for reports). */
  scenarioName: string;
  points: number;
}

export interface PointResult {
  index: number;
  seed: number;
  /** The variables' values, in the order of `vary`. */
  values: number[];
  metrics: Metrics;
  /** Set when the point could not be computed; its metrics are then empty. */
  error?: string;
}

export function sweepDocument(sweep: Sweep, scenario: Scenario, scenarioName: string): SweepDocument {
  return { sweep, scenario, scenarioName, points: pointCount(sweep) };
}

export async function evaluatePoint(doc: SweepDocument, index: number): Promise<PointResult> {
  const values = pointValues(doc.sweep, index);
  const seed = pointSeed(doc.sweep.seed, index);
  try {
    const c = compileScenario(applyPoint(doc.scenario, doc.sweep, values));
    return { index, seed, values, metrics: await runMeasures(c, doc.sweep.measure, seed) };
  } catch (error) {
    return { index, seed, values, metrics: {}, error: (error as Error)?.message ?? String(error) };
  }
}
