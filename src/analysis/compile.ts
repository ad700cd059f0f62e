/**
 * A scenario compiled to dense arrays indexed by party and move: the form every computation uses.
 * Parsing keeps names; the engines want numbers.
 */
import { defaultHorizon, goalItemMoves, goalItemWeight, type Scenario, type Value } from "../model/index.ts";
import { creditLag as creditLagOf, survivingShare } from "./exposure.ts";

export interface ValueTable {
  /** [party][move]: the midpoint of each value (MODEL.md §1 'nominal'). */
  nominal: Float64Array[];
  low: Float64Array[];
  high: Float64Array[];
}

export interface CompiledScenario {
  scenario: Scenario;
  partyIds: string[];
  moveIds: string[];
  partyIndex: Map<string, number>;
  moveIndex: Map<string, number>;
  /** Party index of each move's actor. */
  actor: Int32Array;
  lag: Int32Array;
  reversible: Float64Array;
  /**
   * κ_m (MODEL.md §2): the share of a move that survives a collapse (exposure.ts, the rule's one
   * definition). The sign test uses the nominal actor value, so κ is a fixed property of the move
   * and every figure stays linear in the values (what makes the worst case exact and the planner's
   * model linear).
   */
  kappa: Float64Array;
  /** [party][move]: lag before party i credits move m (0 for own moves and for harm; exposure.ts). */
  creditLag: Int32Array[];
  values: ValueTable;
  discount: Float64Array;
  tolerance: Float64Array;
  reservation: Float64Array;
  /** Each goal item as the move indices any one of which completes it. */
  goal: number[][];
  /** Each goal item's weight towards progress (MODEL.md §8; 1 for a bare id). */
  goalWeight: number[];
  /** [move]: indices of the moves it requires. */
  requires: number[][];
  divisible: boolean[];
  horizon: number;
}

function bounds(value: Value | undefined): [number, number] {
  if (value === undefined) return [0, 0];
  return typeof value === "number" ? [value, value] : value;
}

export function compileScenario(scenario: Scenario): CompiledScenario {
  const partyIds = scenario.parties.map((p) => p.id);
  const moveIds = scenario.moves.map((m) => m.id);
  const partyIndex = new Map(partyIds.map((id, i) => [id, i]));
  const moveIndex = new Map(moveIds.map((id, i) => [id, i]));
  const P = partyIds.length;
  const M = moveIds.length;

  const values: ValueTable = {
    nominal: Array.from({ length: P }, () => new Float64Array(M)),
    low: Array.from({ length: P }, () => new Float64Array(M)),
    high: Array.from({ length: P }, () => new Float64Array(M)),
  };
  const actor = new Int32Array(M);
  const lag = new Int32Array(M);
  const reversible = new Float64Array(M);
  const kappa = new Float64Array(M);
  scenario.moves.forEach((move, m) => {
    actor[m] = partyIndex.get(move.actor) ?? 0;
    lag[m] = move.verify.lag;
    reversible[m] = move.reversible;
    partyIds.forEach((party, i) => {
      const [low, high] = bounds(move.value[party]);
      values.low[i][m] = low;
      values.high[i][m] = high;
      values.nominal[i][m] = (low + high) / 2;
    });
    kappa[m] = survivingShare(values.nominal[actor[m]][m], move.reversible);
  });
  const creditLag = partyIds.map((_, i) => {
    const lags = new Int32Array(M);
    for (let m = 0; m < M; m++) lags[m] = creditLagOf(actor[m], i, values.nominal[i][m], lag[m]);
    return lags;
  });
  const goalItems = scenario.goal ?? moveIds;
  const goal = goalItems.map((item) => goalItemMoves(item).map((id) => moveIndex.get(id)!));
  return {
    scenario,
    partyIds,
    moveIds,
    partyIndex,
    moveIndex,
    actor,
    lag,
    reversible,
    kappa,
    creditLag,
    values,
    discount: Float64Array.from(scenario.parties, (p) => p.discount),
    tolerance: Float64Array.from(scenario.parties, (p) => p.tolerance),
    reservation: Float64Array.from(scenario.parties, (p) => p.reservation),
    goal,
    goalWeight: goalItems.map(goalItemWeight),
    requires: scenario.moves.map((m) => m.requires.map((id) => moveIndex.get(id)!)),
    divisible: scenario.moves.map((m) => m.divisible),
    horizon: defaultHorizon(scenario),
  };
}
