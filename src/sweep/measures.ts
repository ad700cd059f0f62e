/**
 * What is measured at each point. Each measure is a small plug-in: it checks its settings against
 * the scenario once (problems become sweep-file errors) and turns a point's scenario into flat,
 * named metrics. Adding a measure means adding an entry here, nothing else.
 */
import {
  analyzePlan,
  type CompiledScenario,
  resolvePlan,
  safety as safetyFactor,
} from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { findPlan } from "../planner/index.ts";
import { simulateRuns, summarize } from "../simulate/index.ts";
import type { Measure } from "./schema.ts";

/** One point's figures: `measure.figure` → number, yes/no, words, or null when undefined there. */
export type Metrics = Record<string, number | boolean | string | null>;

export interface MeasureProblem {
  /** Path below the measure's own key, e.g. ["plan"]. */
  path: (string | number)[];
  message: string;
}

interface MeasurePlugin<S> {
  /** Problems with the settings for this scenario; empty when all is well. */
  check(c: CompiledScenario, settings: S): MeasureProblem[];
  run(c: CompiledScenario, settings: S, seed: number): Promise<Metrics> | Metrics;
}

function planProblems(c: CompiledScenario, name: string): MeasureProblem[] {
  if (name === "optimal")
    return [{ path: ["plan"], message: "'optimal' is not a fixed plan here; measure optimum instead" }];
  const lookup = resolvePlan(c, name);
  return lookup.ok ? [] : [{ path: ["plan"], message: lookup.message }];
}

function planOf(c: CompiledScenario, name: string): Plan {
  const lookup = resolvePlan(c, name);
  if (!lookup.ok) throw new Error(lookup.message);
  return lookup.plan;
}

const analysis: MeasurePlugin<{ plan: string }> = {
  check: (c, s) => planProblems(c, s.plan),
  run(c, s) {
    const a = analyzePlan(c, planOf(c, s.plan));
    const first = a.violations[0];
    return {
      "analysis.feasible": a.feasible,
      "analysis.robust": a.robustlyFeasible,
      "analysis.minSlack": Number.isFinite(a.minSlack) ? a.minSlack : null,
      "analysis.breaks": first
        ? [first.kind, first.party, first.phase === undefined ? undefined : `phase ${first.phase}`]
            .filter(Boolean)
            .join(" ")
        : null,
    };
  },
};

/**
 * The safety factor θ* (MODEL.md §7), as the analysis layer computes it: null where the plan is
 * infeasible at nominal values (θ* is undefined there) or no row moves with an uncertain value.
 */
const safety: MeasurePlugin<{ plan: string }> = {
  check: (c, s) => planProblems(c, s.plan),
  run(c, s) {
    const result = safetyFactor(c, analyzePlan(c, planOf(c, s.plan)));
    return {
      "safety.theta": result?.theta ?? null,
      "safety.capped": result?.capped ?? null,
      "safety.unbounded": result?.unbounded ?? null,
    };
  },
};

const optimum: MeasurePlugin<NonNullable<Measure["optimum"]>> = {
  check: () => [],
  async run(c, s) {
    const result = await findPlan(c, { objective: s.objective, timeLimitSeconds: s.timeLimit });
    const decided = result.status !== "time-limit" && result.status !== "solver-error";
    return {
      "optimum.feasible": decided ? result.feasible : null,
      "optimum.phases": result.feasible ? result.phases : null,
      "optimum.status": result.status,
    };
  },
};

const simulation: MeasurePlugin<NonNullable<Measure["simulation"]>> = {
  check: (c, s) => planProblems(c, s.plan),
  run(c, s, seed) {
    const tally = simulateRuns(c, planOf(c, s.plan), { seed, firstRun: 0, runs: s.runs });
    const report = summarize(tally, { partyIds: c.partyIds, seed, response: c.scenario.risk.response });
    return {
      "simulation.completion": report.completion.p,
      "simulation.low": report.completion.low,
      "simulation.high": report.completion.high,
    };
  },
};

const PLUGINS = { analysis, safety, optimum, simulation } as const;
export type MeasureName = keyof typeof PLUGINS;
export const MEASURE_NAMES = Object.keys(PLUGINS) as MeasureName[];

/** Every measure's problems for this scenario, with the measure's path. */
export function checkMeasures(c: CompiledScenario, measure: Measure): MeasureProblem[] {
  const out: MeasureProblem[] = [];
  for (const name of MEASURE_NAMES) {
    const settings = measure[name];
    if (settings === undefined) continue;
    const plugin = PLUGINS[name] as MeasurePlugin<typeof settings>;
    for (const p of plugin.check(c, settings)) out.push({ path: [name, ...p.path], message: p.message });
  }
  return out;
}

/** All requested measures at one point. */
export async function runMeasures(c: CompiledScenario, measure: Measure, seed: number): Promise<Metrics> {
  const out: Metrics = {};
  for (const name of MEASURE_NAMES) {
    const settings = measure[name];
    if (settings === undefined) continue;
    const plugin = PLUGINS[name] as MeasurePlugin<typeof settings>;
    Object.assign(out, await plugin.run(c, settings, seed));
  }
  return out;
}
