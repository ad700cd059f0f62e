/**
 * A parsed sweep checked against its scenario: every variable names a move and party that exist,
 * every measure's plan resolves, and every varied quantity stays valid for the scenario at both
 * ends of its range (checked by the scenario's own rules, so a discount of 0 or a negative
 * tolerance is refused before anything runs).
 */
import { compileScenario } from "../analysis/index.ts";
import { checkScenarioObject, didYouMean, type Scenario } from "../model/index.ts";
import { setTarget } from "./apply.ts";
import { checkMeasures } from "./measures.ts";
import { levels } from "./points.ts";
import { type Sweep, targetOf } from "./schema.ts";

export interface SweepProblem {
  path: (string | number)[];
  message: string;
}

function unknownParty(scenario: Scenario, id: string): string | undefined {
  const ids = scenario.parties.map((p) => p.id);
  return ids.includes(id)
    ? undefined
    : `unknown party '${id}'${didYouMean(id, ids)} (parties: ${ids.join(", ")})`;
}

function targetProblems(scenario: Scenario, sweep: Sweep, j: number): SweepProblem[] {
  const v = sweep.vary[j];
  const t = targetOf(v);
  const at = (key: string) => ["vary", j, key];
  switch (t.kind) {
    case "value": {
      const moves = scenario.moves.map((m) => m.id);
      const out: SweepProblem[] = [];
      if (!moves.includes(t.move)) {
        out.push({ path: at("value"), message: `unknown move '${t.move}'${didYouMean(t.move, moves)}` });
      }
      const party = unknownParty(scenario, t.party);
      if (party) out.push({ path: at("value"), message: party });
      return out;
    }
    case "hazard":
    case "forgive":
      return [];
    case "noise": {
      const party = unknownParty(scenario, t.party);
      return party ? [{ path: at("noise"), message: party }] : [];
    }
    default: {
      const party = unknownParty(scenario, t.party);
      return party ? [{ path: at(t.kind), message: party }] : [];
    }
  }
}

/** Each end of a variable's levels, applied alone, must give a valid scenario. */
function boundProblems(scenario: Scenario, sweep: Sweep, j: number): SweepProblem[] {
  const v = sweep.vary[j];
  const ls = levels(v);
  const ends = [Math.min(...ls), Math.max(...ls)];
  for (const x of ends) {
    const copy = structuredClone(scenario);
    setTarget(copy, targetOf(v), x);
    const result = checkScenarioObject(copy);
    if (!result.ok) {
      const issue = result.issues[0];
      return [
        {
          path: ["vary", j, v.range ? "range" : "values"],
          message: `${x} is not a valid setting: ${issue.path ? `${issue.path}: ` : ""}${issue.message}`,
        },
      ];
    }
  }
  return [];
}

export function checkSweep(sweep: Sweep, scenario: Scenario): SweepProblem[] {
  const problems: SweepProblem[] = [];
  sweep.vary.forEach((_, j) => {
    const targets = targetProblems(scenario, sweep, j);
    problems.push(...targets);
    if (targets.length === 0) problems.push(...boundProblems(scenario, sweep, j));
  });
  const c = compileScenario(scenario);
  for (const p of checkMeasures(c, sweep.measure)) problems.push({ ...p, path: ["measure", ...p.path] });
  return problems;
}
