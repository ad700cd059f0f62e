/**
 * Cross-field checks the schema alone cannot express: ids that must exist, duplicates, cycles,
 * ranges, and named plans that must fit the scenario.
 */
import { goalItemMoves, type Plan, type Scenario } from "./schema.ts";
import { listNames, suggester } from "./suggest.ts";
import { checkViews } from "./view-references.ts";

export interface ReferenceProblem {
  at: (string | number)[];
  /** Point at the key rather than the value (for map keys such as a value's party id). */
  atKey?: boolean;
  code: string;
  message: string;
}

/** Doctrine names that plans and expectations may use besides the file's own plans. */
export const DOCTRINE_NAMES = ["simultaneous", "optimal"] as const;

export function defaultHorizon(scenario: Scenario): number {
  return scenario.horizon ?? scenario.moves.length;
}

/**
 * What is wrong with a value's range, if anything: low above high, or (MODEL.md v2 §1) a range that
 * crosses zero. Whether a move costs or benefits a party decides how a collapse (κ) and verification
 * (credit) treat it, so a value that might be either has no single meaning; one end may be 0.
 * Exported for every place a value can be written (a scenario's moves, a party's views).
 */
export function rangeProblem(value: unknown, party: string): { code: string; message: string } | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [low, high] = value as [number, number];
  if (low > high) {
    return {
      code: "bad-range",
      message: `range [${low}, ${high}] has low above high; expected [low, high] with low <= high`,
    };
  }
  if (low < 0 && high > 0) {
    return {
      code: "range-crosses-zero",
      message:
        `range [${low}, ${high}] crosses zero: it leaves open whether the move costs or benefits '${party}', ` +
        "and that decides whether a collapse takes it back and whether verification delays its credit. " +
        `Give the value a side ([${low}, 0] or [0, ${high}]), or split the move into two: one for the cost, one for the benefit`,
    };
  }
  return undefined;
}

export function checkReferences(scenario: Scenario): ReferenceProblem[] {
  // one budget for every suggestion in the file: the check stays linear in its size
  const didYouMean = suggester();
  const problems: ReferenceProblem[] = [];
  const partyIds = new Set<string>();
  const moveIds = new Set<string>();

  scenario.parties.forEach((party, i) => {
    if (partyIds.has(party.id)) {
      problems.push({
        at: ["parties", i, "id"],
        code: "duplicate-id",
        message: `duplicate party id '${party.id}'`,
      });
    }
    partyIds.add(party.id);
  });
  scenario.moves.forEach((move, i) => {
    if (moveIds.has(move.id)) {
      problems.push({
        at: ["moves", i, "id"],
        code: "duplicate-id",
        message: `duplicate move id '${move.id}'`,
      });
    }
    moveIds.add(move.id);
  });

  const unknownParty = (id: string) =>
    `unknown party '${id}'${didYouMean(id, partyIds)} (parties: ${listNames(partyIds)})`;
  const unknownMove = (id: string) => `unknown move '${id}'${didYouMean(id, moveIds)}`;

  scenario.moves.forEach((move, i) => {
    if (!partyIds.has(move.actor)) {
      problems.push({ at: ["moves", i, "actor"], code: "unknown-party", message: unknownParty(move.actor) });
    }
    for (const [party, value] of Object.entries(move.value)) {
      if (!partyIds.has(party)) {
        problems.push({
          at: ["moves", i, "value", party],
          atKey: true,
          code: "unknown-party",
          message: unknownParty(party),
        });
      }
      const range = rangeProblem(value, party);
      if (range) problems.push({ at: ["moves", i, "value", party], ...range });
    }
    move.requires.forEach((req, j) => {
      if (req === move.id) {
        problems.push({
          at: ["moves", i, "requires", j],
          code: "self-requirement",
          message: `move '${move.id}' cannot require itself`,
        });
      } else if (!moveIds.has(req)) {
        problems.push({ at: ["moves", i, "requires", j], code: "unknown-move", message: unknownMove(req) });
      }
    });
  });

  problems.push(...findCycles(scenario, moveIds));

  scenario.goal?.forEach((item, i) => {
    const ids = goalItemMoves(item);
    ids.forEach((id, j) => {
      if (!moveIds.has(id)) {
        const at =
          typeof item === "string"
            ? ["goal", i]
            : "move" in item
              ? ["goal", i, "move"]
              : ["goal", i, "anyOf", j];
        problems.push({ at, code: "unknown-move", message: unknownMove(id) });
      }
    });
  });

  for (const party of Object.keys(scenario.risk.noise)) {
    if (!partyIds.has(party)) {
      problems.push({
        at: ["risk", "noise", party],
        atKey: true,
        code: "unknown-party",
        message: unknownParty(party),
      });
    }
  }

  const horizon = defaultHorizon(scenario);
  const moveById = new Map(scenario.moves.map((m) => [m.id, m]));
  for (const [planName, plan] of Object.entries(scenario.plans)) {
    if (
      DOCTRINE_NAMES.includes(planName as (typeof DOCTRINE_NAMES)[number]) ||
      planName.startsWith("upfront:")
    ) {
      problems.push({
        at: ["plans", planName],
        atKey: true,
        code: "reserved-name",
        message: `'${planName}' is a doctrine name; give the plan another name`,
      });
    }
    problems.push(...planProblems(plan, ["plans", planName], moveById, horizon, unknownMove));
  }

  scenario.expect.forEach((expectation, i) => {
    const name = expectation.plan;
    if (name.startsWith("upfront:")) {
      const party = name.slice("upfront:".length);
      if (!partyIds.has(party))
        problems.push({ at: ["expect", i, "plan"], code: "unknown-party", message: unknownParty(party) });
    } else if (
      !DOCTRINE_NAMES.includes(name as (typeof DOCTRINE_NAMES)[number]) &&
      !(name in scenario.plans)
    ) {
      problems.push({
        at: ["expect", i, "plan"],
        code: "unknown-plan",
        message: `unknown plan '${name}'${didYouMean(name, Object.keys(scenario.plans))}`,
      });
    }
    const party = expectation.firstViolation?.party;
    if (party && !partyIds.has(party)) {
      problems.push({
        at: ["expect", i, "firstViolation", "party"],
        code: "unknown-party",
        message: unknownParty(party),
      });
    }
  });

  problems.push(...checkViews(scenario));
  return problems;
}

/**
 * Checks a plan against its scenario: known moves, phases from 1 to the horizon, a single phase for
 * an indivisible move, fractions summing to 1. Plans in files and plans sent to the API (`at` is
 * then `["plan"]`) go through this one check.
 */
export function checkPlan(scenario: Scenario, plan: Plan, at: (string | number)[] = ["plan"]) {
  const didYouMean = suggester();
  const moveIds = new Set(scenario.moves.map((m) => m.id));
  const moveById = new Map(scenario.moves.map((m) => [m.id, m]));
  const unknownMove = (id: string) => `unknown move '${id}'${didYouMean(id, moveIds)}`;
  return planProblems(plan, at, moveById, defaultHorizon(scenario), unknownMove);
}

function planProblems(
  plan: Plan,
  prefix: (string | number)[],
  moveById: Map<string, Scenario["moves"][number]>,
  horizon: number,
  unknownMove: (id: string) => string,
): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  for (const [moveId, entry] of Object.entries(plan)) {
    const at = [...prefix, moveId];
    const move = moveById.get(moveId);
    if (!move) {
      problems.push({ at, atKey: true, code: "unknown-move", message: unknownMove(moveId) });
      continue;
    }
    if (typeof entry === "number") {
      if (entry > horizon) {
        problems.push({
          at,
          code: "past-horizon",
          message: `phase ${entry} is past the horizon (${horizon})`,
        });
      }
      continue;
    }
    if (!move.divisible) {
      problems.push({
        at,
        code: "not-divisible",
        message: `move '${moveId}' is not divisible: expected a single phase number (or set divisible: true)`,
      });
      continue;
    }
    let sum = 0;
    for (const [phaseKey, fraction] of Object.entries(entry)) {
      const phase = Number(phaseKey);
      if (!Number.isInteger(phase) || phase < 1) {
        problems.push({
          at: [...at, phaseKey],
          atKey: true,
          code: "bad-phase",
          message: `expected a phase number >= 1 as key, got '${phaseKey}'`,
        });
      } else if (phase > horizon) {
        problems.push({
          at: [...at, phaseKey],
          atKey: true,
          code: "past-horizon",
          message: `phase ${phase} is past the horizon (${horizon})`,
        });
      }
      sum += fraction;
    }
    if (Math.abs(sum - 1) > 1e-9) {
      problems.push({
        at,
        code: "fractions-sum",
        message: `fractions sum to ${round(sum)}; expected them to sum to 1`,
      });
    }
  }
  return problems;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Reports each cycle in `requires` once, at the edge that closes it. */
function findCycles(scenario: Scenario, moveIds: Set<string>): ReferenceProblem[] {
  const index = new Map(scenario.moves.map((m, i) => [m.id, i]));
  const state = new Map<string, "visiting" | "done">();
  const problems: ReferenceProblem[] = [];
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, "visiting");
    stack.push(id);
    const i = index.get(id)!;
    scenario.moves[i].requires.forEach((req, j) => {
      if (!moveIds.has(req) || req === id) return;
      if (state.get(req) === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(req)), req];
        problems.push({
          at: ["moves", i, "requires", j],
          code: "cycle",
          message: `cycle in requires: ${cycle.join(" -> ")}`,
        });
      } else if (!state.has(req)) {
        visit(req);
      }
    });
    stack.pop();
    state.set(id, "done");
  };
  for (const move of scenario.moves) if (!state.has(move.id)) visit(move.id);
  return problems;
}
