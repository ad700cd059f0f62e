/**
 * Plans built by rule (MODEL.md §5), and resolving a plan name to a plan.
 */
import type { Plan } from "../model/index.ts";
import { didYouMean } from "../model/index.ts";
import type { CompiledScenario } from "./compile.ts";

/**
 * The earliest legal phase of each move given the phases its prerequisites take (MODEL.md §5):
 * no earlier than `floor(m)`, and after every prerequisite p is done and verified (phase of p +
 * lag_p + 1). Moves are placed in dependency order; a doctrine puts each whole move in one phase.
 */
function earliestPhases(c: CompiledScenario, floor: (m: number) => number): number[] {
  const phase: number[] = new Array(c.moveIds.length).fill(0);
  const place = (m: number, visiting: Set<number>): number => {
    if (phase[m] > 0) return phase[m];
    // cycles are rejected when the scenario is parsed; the guard only keeps this total
    if (visiting.has(m)) return 1;
    visiting.add(m);
    let earliest = Math.max(1, floor(m));
    for (const p of c.requires[m]) earliest = Math.max(earliest, place(p, visiting) + c.lag[p] + 1);
    visiting.delete(m);
    phase[m] = earliest;
    return earliest;
  };
  for (let m = 0; m < c.moveIds.length; m++) place(m, new Set());
  return phase;
}

function asPlan(c: CompiledScenario, phases: number[]): Plan {
  return Object.fromEntries(c.moveIds.map((id, m) => [id, phases[m]]));
}

/** v2 `simultaneous`: every move at its earliest legal phase (phase 1 when it requires nothing). */
export function simultaneousPlan(c: CompiledScenario): Plan {
  return asPlan(
    c,
    earliestPhases(c, () => 1),
  );
}

/** The moves of `party` and every move they require, transitively: the first block of upfront:P. */
export function upfrontBlock(c: CompiledScenario, party: number): Set<number> {
  const block = new Set<number>();
  const add = (m: number) => {
    if (block.has(m)) return;
    block.add(m);
    for (const p of c.requires[m]) add(p);
  };
  c.moveIds.forEach((_, m) => {
    if (c.actor[m] === party) add(m);
  });
  return block;
}

/**
 * v2 `upfront:P` ('disarm first' when P disarms): the first block (P's moves and what they require)
 * at its earliest legal phases; every other move at the earliest phase after the whole block is
 * done and verified (the largest phase + lag + 1 over the block) that its own prerequisites allow.
 */
export function upfrontPlan(c: CompiledScenario, party: string): Plan {
  const p = c.partyIndex.get(party);
  if (p === undefined) return simultaneousPlan(c);
  const block = upfrontBlock(c, p);
  const first = earliestPhases(c, () => 1);
  let after = 1;
  for (const m of block) after = Math.max(after, first[m] + c.lag[m] + 1);
  // Moves in the block have all their prerequisites in the block, so they keep their phases.
  return asPlan(
    c,
    earliestPhases(c, (m) => (block.has(m) ? 1 : after)),
  );
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
