/**
 * A point applied to a scenario: a copy of the scenario with each varied quantity set. A value
 * cell that was a range [low, high] becomes the point's number: the sweep asks "what if it were
 * exactly this", so that cell carries no uncertainty of its own at the point.
 */
import type { Scenario } from "../model/index.ts";
import { type Sweep, type Target, targetOf } from "./schema.ts";

export function setTarget(scenario: Scenario, target: Target, x: number): void {
  switch (target.kind) {
    case "value": {
      const move = scenario.moves.find((m) => m.id === target.move);
      if (move) move.value[target.party] = x;
      return;
    }
    case "discount":
    case "tolerance":
    case "reservation": {
      const party = scenario.parties.find((p) => p.id === target.party);
      if (party) party[target.kind] = x;
      return;
    }
    case "hazard":
    case "forgive":
      scenario.risk[target.kind] = x;
      return;
    case "noise":
      scenario.risk.noise[target.party] = x;
      return;
  }
}

/** The scenario's own setting of a target (a range's midpoint), to say which line is 'as written'. */
export function readTarget(scenario: Scenario, target: Target): number {
  switch (target.kind) {
    case "value": {
      const v = scenario.moves.find((m) => m.id === target.move)?.value[target.party] ?? 0;
      return typeof v === "number" ? v : (v[0] + v[1]) / 2;
    }
    case "discount":
    case "tolerance":
    case "reservation":
      return scenario.parties.find((p) => p.id === target.party)?.[target.kind] ?? 0;
    case "hazard":
    case "forgive":
      return scenario.risk[target.kind];
    case "noise":
      return scenario.risk.noise[target.party] ?? 0;
  }
}

export function applyPoint(scenario: Scenario, sweep: Sweep, values: readonly number[]): Scenario {
  const copy = structuredClone(scenario);
  sweep.vary.forEach((v, j) => {
    setTarget(copy, targetOf(v), values[j]);
  });
  return copy;
}
