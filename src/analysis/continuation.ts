/**
 * Re-planning from the actual state (MODEL.md v2 §10): the figures of a continuation.
 *
 * An agreement in progress has a history x_1..x_k0 (what the ledger says was done, phase by phase,
 * up to the current phase k0). A continuation keeps that history and plans phases k0+1..T. Its
 * figures are §3–§5's rows on the whole trajectory, for phases after k0 only: exposure rows
 * k = k0+1..T, margin rows wherever a party acts after k0, and the reservation rows. Validity
 * is judged on what the continuation itself does: every goal item done by T, T within the
 * horizon, and each share done after k0 waiting for its prerequisites to be done and verified
 * (§5's rule, read per phase: "m happens in k" needs x_{k−lag_p−1}(p) = 1).
 *
 * Credit (§2) counts a share as verified when a verifier has said so (`History.verified`), and
 * otherwise after its lag: x̂ⁱ_k(m) = max(V(m), x_{k−lag_m}(m)) for another party's beneficial move.
 *
 * History may do what a plan never does — take a move back (a reversal), or do a move before its
 * prerequisites — so the trajectory is built directly, not from a Plan.
 */
import type { CompiledScenario } from "./compile.ts";
import {
  explainExposure,
  explainGoal,
  explainMargin,
  explainRequires,
  explainReservation,
} from "./explain.ts";
import { creditedPhase, exposureCoefficient } from "./exposure.ts";
import { complianceWeights, defectionWeights, detectionLag } from "./figures.ts";
import type { Violation } from "./report.ts";
import { type ConstraintRow, EPSILON, minimumSlack, rowHolds, rowValue } from "./rows.ts";
import { type Schedule, stateAt } from "./schedule.ts";

/** What the ledger says happened, phase by phase, up to the current phase k0. */
export interface History {
  /** k0: the last phase of the history (0: nothing has happened yet). */
  phases: number;
  /** x[t][m] for t = 0..k0: the share of m done by the end of phase t (x[0] is all zeros). */
  x: Float64Array[];
  /** V(m): the share of m a verifier has verified by k0 (credited at once). */
  verified: Float64Array;
}

export interface ContinuationCheck {
  /** Valid and every row after k0 holds. */
  feasible: boolean;
  valid: boolean;
  /** T: the last phase of the whole trajectory. */
  phases: number;
  /** Least row after k0 that depends on a value (§5's minimum slack, after k0). */
  minSlack: number;
  /** The rows after k0 (exposure k0+1..T, margins after k0, reservation). */
  rows: ConstraintRow[];
  /** What breaks, first to bite first, in words. */
  violations: Violation[];
  schedule: Schedule;
}

const DONE = 1 - EPSILON;

/** An empty history (nothing happened yet) for a scenario. */
export function emptyHistory(c: CompiledScenario): History {
  const M = c.moveIds.length;
  return { phases: 0, x: [new Float64Array(M)], verified: new Float64Array(M) };
}

/** The history, then `rest[j]` as the state after phase k0+1+j; T = k0 + rest.length. */
export function continuationSchedule(history: History, rest: Float64Array[]): Schedule {
  const x = [...history.x.map((row) => Float64Array.from(row)), ...rest.map((row) => Float64Array.from(row))];
  const delta = x.map((row, t) =>
    t === 0 ? new Float64Array(row.length) : row.map((v, m) => v - x[t - 1][m]),
  );
  return { phases: x.length - 1, x, delta };
}

/**
 * The rest of an adopted plan from the actual state: after k0, each move is where the plan wants
 * it or where it already is, whichever is further (x_t = max(x_k0, planned x_t)). Anything the plan
 * wanted done by k0 and not done is thereby due in phase k0+1; a reversed move is redone then.
 * At least one phase follows k0.
 */
export function restOfPlan(history: History, planned: Schedule): Schedule {
  const k0 = history.phases;
  const now = history.x[k0];
  const T = Math.max(planned.phases, k0 + 1);
  const rest: Float64Array[] = [];
  for (let t = k0 + 1; t <= T; t++) {
    const plan = stateAt(planned, t);
    rest.push(Float64Array.from(now, (done, m) => Math.max(done, plan[m])));
  }
  return continuationSchedule(history, rest);
}

/**
 * Coefficients of u_i(κ ⊙ x̂ⁱ_k): x̂ = x_{k−lag} for another party's beneficial move (lag from
 * `creditLag`), raised to the verified share V(m) when a verifier has said so.
 */
export function continuationExposureCoefficients(
  c: CompiledScenario,
  history: History,
  s: Schedule,
  party: number,
  k: number,
): Float64Array {
  const M = c.moveIds.length;
  const coef = new Float64Array(M);
  const now = stateAt(s, k);
  for (let m = 0; m < M; m++) {
    const t = creditedPhase(c, party, m, k); // the rule, exposure.ts
    const lagged = stateAt(s, t)[m];
    // a verifier's word credits at once, but never more than is still done
    const seen = t < k ? Math.max(lagged, Math.min(history.verified[m], now[m])) : lagged;
    coef[m] = exposureCoefficient(c, m, seen);
  }
  return coef;
}

/** The rows of §5 on the whole trajectory, for phases after k0 only, party by party. */
export function continuationRows(c: CompiledScenario, history: History, s: Schedule): ConstraintRow[] {
  const k0 = history.phases;
  const rows: ConstraintRow[] = [];
  c.partyIds.forEach((_, party) => {
    for (let k = k0 + 1; k <= s.phases; k++) {
      rows.push({
        kind: "exposure",
        party,
        phase: k,
        constant: c.tolerance[party],
        coef: continuationExposureCoefficients(c, history, s, party, k),
      });
    }
    const comply = complianceWeights(c, s, party);
    for (let k = k0 + 1; k <= s.phases; k++) {
      const lag = detectionLag(c, s, party, k);
      if (lag === undefined) continue;
      const defect = defectionWeights(c, s, party, k, lag);
      rows.push({
        kind: "margin",
        party,
        phase: k,
        constant: 0,
        coef: comply[k].map((w, m) => w - defect[m]),
        lag,
      });
    }
    rows.push({
      kind: "reservation",
      party,
      phase: null,
      constant: -c.reservation[party],
      coef: Float64Array.from(s.x[s.phases]),
    });
  });
  return rows;
}

/** Validity of what the continuation does: goal by T, within the horizon, prerequisites per share. */
function continuationValidity(c: CompiledScenario, k0: number, s: Schedule, horizon: number): Violation[] {
  const out: Violation[] = [];
  if (s.phases > horizon) {
    out.push({
      kind: "horizon",
      phase: s.phases,
      value: s.phases,
      message: `The continuation ends in phase ${s.phases}, past the horizon of ${horizon} phases.`,
      contributors: [],
    });
  }
  const xT = s.x[s.phases];
  for (const item of c.goal) if (!item.some((m) => xT[m] >= DONE)) out.push(explainGoal(c, item, xT));
  c.requires.forEach((reqs, m) => {
    for (let k = k0 + 1; k <= s.phases; k++) {
      if (!(s.delta[k][m] > 0)) continue;
      for (const p of reqs) {
        if (stateAt(s, k - c.lag[p] - 1)[p] >= DONE) continue;
        out.push(explainRequires(c, m, p, k, lastDone(s, p, k)));
      }
    }
  });
  return out;
}

/** The phase before `before` in which p was last completed, if it is done then. */
function lastDone(s: Schedule, p: number, before: number): number | undefined {
  let done: number | undefined;
  for (let t = 1; t < before && t <= s.phases; t++) {
    if (s.x[t][p] >= DONE && s.x[t - 1][p] < DONE) done = t;
    if (s.x[t][p] < DONE) done = undefined;
  }
  return done;
}

/** Judges a whole trajectory (history then continuation) by §10: rows after k0, validity, in words. */
export function checkContinuation(
  c: CompiledScenario,
  history: History,
  s: Schedule,
  horizon = c.horizon,
): ContinuationCheck {
  const k0 = history.phases;
  const violations = continuationValidity(c, k0, s, horizon);
  const valid = violations.length === 0;
  const rows = continuationRows(c, history, s);
  for (const row of rows) {
    const g = rowValue(c, row);
    if (rowHolds(g)) continue;
    if (row.kind === "exposure") {
      violations.push(explainExposure(c, s, row.party, row.phase!, c.tolerance[row.party] - g, row.coef));
    } else if (row.kind === "margin") {
      violations.push(explainMargin(c, s, row.party, row.phase!, row.lag!, g, row.coef));
    } else {
      violations.push(explainReservation(c, row.party, g + c.reservation[row.party]));
    }
  }
  const order = { requires: 0, horizon: 1, exposure: 2, margin: 3, goal: 4, reservation: 5 } as const;
  violations.sort(
    (a, b) =>
      (a.phase ?? Number.MAX_SAFE_INTEGER) - (b.phase ?? Number.MAX_SAFE_INTEGER) ||
      order[a.kind] - order[b.kind] ||
      (c.partyIndex.get(a.party ?? "") ?? -1) - (c.partyIndex.get(b.party ?? "") ?? -1),
  );
  return {
    feasible: violations.length === 0,
    valid,
    phases: s.phases,
    minSlack: minimumSlack(c, rows),
    rows,
    violations,
    schedule: s,
  };
}

/**
 * The earliest phase after k0 in which each move can next have a share done, from the history
 * and the prerequisites alone: a valid bound for the planner (never cuts off a valid continuation).
 * Moves already started keep their history; their bound is k0+1.
 */
export function continuationEarliest(c: CompiledScenario, history: History): number[] {
  const k0 = history.phases;
  const x = history.x;
  const M = c.moveIds.length;
  const earliest = new Array<number>(M).fill(0);
  const doneAt = (p: number, t: number): boolean => t >= 1 && t <= k0 && x[t][p] >= DONE;
  const visit = (m: number): number => {
    if (earliest[m] > 0) return earliest[m];
    let start = k0 + 1;
    for (const p of c.requires[m]) {
      const lag = c.lag[p];
      // the least k > k0 at which x_{k−lag−1}(p) can be 1
      let k = k0 + 1;
      for (; k - lag - 1 <= k0; k++) if (doneAt(p, k - lag - 1)) break;
      if (k - lag - 1 > k0) {
        // p must be (or stay) done after k0: at once if it is done now, else when it can be
        const pDone = x[k0][p] >= DONE ? k0 + 1 : visit(p);
        k = Math.max(k, pDone + lag + 1);
      }
      start = Math.max(start, k);
    }
    earliest[m] = start;
    return start;
  };
  for (let m = 0; m < M; m++) visit(m);
  return earliest;
}

/** The fewest phases (T) any valid continuation needs. */
export function fewestContinuationPhases(c: CompiledScenario, history: History, earliest: number[]): number {
  const k0 = history.phases;
  let phases = k0 + 1;
  for (const item of c.goal) {
    const soonest = Math.min(...item.map((m) => (history.x[k0][m] >= DONE ? k0 + 1 : earliest[m])));
    phases = Math.max(phases, soonest);
  }
  return phases;
}
