/**
 * Plans built by rule (MODEL.md §5), and resolving a plan name to a plan.
 */
import type { Plan } from "../model/schema.ts";
import { didYouMean } from "../model/suggest.ts";
import type { CompiledScenario } from "./compile.ts";

/** Every move in phase 1. */
export function simultaneousPlan(c: CompiledScenario): Plan {
  return Object.fromEntries(c.moveIds.map((id) => [id, 1]));
}

/** Every move of `party` in phase 1, all other moves in phase 2 ('disarm first' when party disarms). */
export function upfrontPlan(c: CompiledScenario, party: string): Plan {
  const p = c.partyIndex.get(party);
  return Object.fromEntries(c.moveIds.map((id, m) => [id, c.actor[m] === p ? 1 : 2]));
}

export type PlanLookup = { ok: true; plan: Plan } | { ok: false; message: string };

/** Doctrine names besides the scenario's own plans (`optimal` is resolved by the planner). */
export function doctrineNames(c: CompiledScenario): string[] {
  return ["simultaneous", ...c.partyIds.map((p) => `upfront:${p}`)];
}

/** A named plan of the scenario, or a doctrine by name. */
export function resolvePlan(c: CompiledScenario, name: string): PlanLookup {
  const named = c.scenario.plans[name];
  if (named) return { ok: true, plan: named };
  if (name === "simultaneous") return { ok: true, plan: simultaneousPlan(c) };
  if (name.startsWith("upfront:")) {
    const party = name.slice("upfront:".length);
    if (!c.partyIndex.has(party)) {
      return { ok: false, message: `unknown party '${party}' in '${name}'${didYouMean(party, c.partyIds)}` };
    }
    return { ok: true, plan: upfrontPlan(c, party) };
  }
  const known = [...Object.keys(c.scenario.plans), ...doctrineNames(c)];
  return {
    ok: false,
    message: `unknown plan '${name}'${didYouMean(name, known)} (plans: ${known.join(", ")})`,
  };
}

/** The plan `analyze` uses when none is named: the file's first plan, else 'simultaneous'. */
export function defaultPlanName(c: CompiledScenario): string {
  return Object.keys(c.scenario.plans)[0] ?? "simultaneous";
}
