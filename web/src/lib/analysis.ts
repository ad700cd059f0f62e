/**
 * Re-analysis in the browser: the same pure core the CLI and server run, called on every edit.
 */
import {
  type Analysis,
  analyzePlan,
  type CompiledScenario,
  compileScenario,
  defaultPlanName,
  doctrineNames,
  resolvePlan,
} from "../../../src/analysis/index.ts";
import type { Plan, Scenario, ScenarioIssue } from "../../../src/model/index.ts";
import { parseScenario } from "../../../src/model/index.ts";
import { applyRelaxation } from "../../../src/planner/index.ts";

export interface Workspace {
  scenario?: Scenario;
  compiled?: CompiledScenario;
  issues: ScenarioIssue[];
}

export function readSource(source: string, id: string): Workspace {
  const parsed = parseScenario(source, `${id}.yaml`);
  if (!parsed.ok) return { issues: parsed.issues };
  return { scenario: parsed.scenario, compiled: compileScenario(parsed.scenario), issues: [] };
}

export interface PlanChoice {
  name: string;
  label: string;
  plan: Plan;
}

export function partyName(scenario: Scenario, id: string): string {
  return scenario.parties.find((p) => p.id === id)?.name ?? id;
}

/** The file's own plans, then the doctrines, then any plan the planner found. */
export function planChoices(compiled: CompiledScenario, extra: PlanChoice[] = []): PlanChoice[] {
  const names = [...Object.keys(compiled.scenario.plans), ...doctrineNames(compiled)];
  const choices = names.flatMap((name) => {
    const lookup = resolvePlan(compiled, name);
    return lookup.ok ? [{ name, label: planLabel(compiled.scenario, name), plan: lookup.plan }] : [];
  });
  return [...choices, ...extra];
}

export function planLabel(scenario: Scenario, name: string): string {
  if (name === "simultaneous") return "simultaneous (every move in phase 1)";
  if (name.startsWith("upfront:")) {
    const party = name.slice("upfront:".length);
    return `${name} (${partyName(scenario, party)} moves first: 'disarm first' when it disarms)`;
  }
  if (name === "optimal") return "optimal (found by the planner)";
  return `${name} (from the scenario file)`;
}

export function defaultPlan(compiled: CompiledScenario): string {
  return defaultPlanName(compiled);
}

export function analyse(compiled: CompiledScenario, plan: Plan): Analysis {
  return analyzePlan(compiled, plan);
}

export type Relaxation = Record<string, { tolerance: number; inducement: number }>;

/**
 * The plan analysed as if the relaxation were granted: each party's tolerance raised by σ and an
 * inducement μ added to each of its margins. This is what "with these, the plan works" means, so
 * the relaxed plan is shown with the verdict it earns under the relaxation.
 */
export function analyseRelaxed(compiled: CompiledScenario, plan: Plan, relaxation: Relaxation): Analysis {
  const base = analyzePlan(compiled, plan);
  // The planner's own reading of a relaxation (the one the CLI shows), so the figures and flags agree.
  return { ...base, ...applyRelaxation(base, relaxation) };
}
