/**
 * Everything about a simulation that does not depend on the random draws, computed once per
 * (scenario, plan, risk settings) so that a run only walks flat arrays.
 */
import type { CompiledScenario } from "../analysis/index.ts";
import { buildSchedule } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import { type RestOfPlan, restOfPlan } from "./rest-of-plan.ts";
import { type RiskSettings, riskSettings, type SimulationOverrides } from "./settings.ts";

export const RESPONSE_GRIM = 0;
export const RESPONSE_TIT_FOR_TAT = 1;
export const RESPONSE_GENEROUS = 2;

export interface PreparedPlan {
  compiled: CompiledScenario;
  risk: RiskSettings;
  parties: number;
  moves: number;
  /** T: the plan's number of phases. */
  phases: number;
  actor: Int32Array;
  lag: Int32Array;
  /** κ per move: the share that survives a collapse (the exposure rule, analysis/exposure.ts). */
  kappa: Float64Array;
  /** [party × moves] credit lag of party i for move m (the exposure rule's credit, flattened). */
  creditLag: Int32Array;
  /** [party × moves] nominal values (midpoints). */
  nominal: Float64Array;
  /** Values drawn per run: flat [party × moves] indices, low ends and widths. */
  rangedIndex: Int32Array;
  rangedLow: Float64Array;
  rangedSpan: Float64Array;
  /**
   * Tranches (one move's share done in one phase), sorted by phase, then actor, then move.
   * Phase k's tranches are [trancheStart[k], trancheStart[k + 1]).
   */
  trancheStart: Int32Array;
  trancheMove: Int32Array;
  trancheAmount: Float64Array;
  /** p_m^Δ: the chance the tranche is delivered, so a whole move is delivered with p_m however split. */
  trancheDeliver: Float64Array;
  /** 1 − (1 − f_m)^Δ: the chance verifying the tranche raises a false alarm. */
  trancheFalseAlarm: Float64Array;
  /** [party × (T + 1)] detection lag L of a defection by the party in phase k, or −1 if it has no move then. */
  defectLag: Int32Array;
  feasibility: Float64Array;
  detect: Float64Array;
  falseAlarm: Float64Array;
  discount: Float64Array;
  tolerance: Float64Array;
  hazard: number;
  response: number;
  forgive: number;
  noise: Float64Array;
  /** Goal items: item g is the moves goalMoves[goalStart[g] .. goalStart[g + 1]). */
  goalStart: Int32Array;
  goalMoves: Int32Array;
  /** Most calendar phases a run can take (plan phases + holds + verification tail). */
  maxCalendar: number;
  maxLag: number;
  /** The rest-of-plan part of every margin, looked up per decision (rest-of-plan.ts). */
  rest: RestOfPlan;
}

export function preparePlan(c: CompiledScenario, plan: Plan, overrides?: SimulationOverrides): PreparedPlan {
  const risk = riskSettings(c, overrides);
  const schedule = buildSchedule(c, plan);
  const P = c.partyIds.length;
  const M = c.moveIds.length;
  const T = schedule.phases;
  const moves = c.scenario.moves;

  const nominal = new Float64Array(P * M);
  const creditLag = new Int32Array(P * M);
  const ranged: number[] = [];
  for (let i = 0; i < P; i++) {
    for (let m = 0; m < M; m++) {
      nominal[i * M + m] = c.values.nominal[i][m];
      creditLag[i * M + m] = c.creditLag[i][m];
      if (c.values.high[i][m] > c.values.low[i][m]) ranged.push(i * M + m);
    }
  }

  const tranches: Array<{ phase: number; move: number; amount: number }> = [];
  for (let k = 1; k <= T; k++) {
    for (let m = 0; m < M; m++) {
      const amount = schedule.delta[k][m];
      if (amount > 0) tranches.push({ phase: k, move: m, amount });
    }
  }
  tranches.sort((a, b) => a.phase - b.phase || c.actor[a.move] - c.actor[b.move] || a.move - b.move);
  const trancheStart = new Int32Array(T + 2);
  for (const t of tranches) trancheStart[t.phase + 1]++;
  for (let k = 1; k <= T + 1; k++) trancheStart[k] += trancheStart[k - 1];

  const feasibility = Float64Array.from(moves, (m) => m.feasibility);
  const falseAlarm = Float64Array.from(moves, (m) => m.verify.falseAlarm);
  const defectLag = new Int32Array(P * (T + 1)).fill(-1);
  for (const t of tranches) {
    const at = c.actor[t.move] * (T + 1) + t.phase;
    const lag = c.lag[t.move];
    defectLag[at] = defectLag[at] < 0 ? lag : Math.min(defectLag[at], lag);
  }
  const maxLag = c.lag.reduce((a, b) => Math.max(a, b), 0);
  const goalMoves = c.goal.flat();
  const goalStart = new Int32Array(c.goal.length + 1);
  c.goal.forEach((item, g) => {
    goalStart[g + 1] = goalStart[g] + item.length;
  });

  const prepared: Omit<PreparedPlan, "rest"> = {
    compiled: c,
    risk,
    parties: P,
    moves: M,
    phases: T,
    actor: c.actor,
    lag: c.lag,
    kappa: c.kappa,
    creditLag,
    nominal,
    rangedIndex: Int32Array.from(ranged),
    rangedLow: Float64Array.from(ranged, (at) => c.values.low[Math.floor(at / M)][at % M]),
    rangedSpan: Float64Array.from(ranged, (at) => {
      const i = Math.floor(at / M);
      return c.values.high[i][at % M] - c.values.low[i][at % M];
    }),
    trancheStart,
    trancheMove: Int32Array.from(tranches, (t) => t.move),
    trancheAmount: Float64Array.from(tranches, (t) => t.amount),
    trancheDeliver: Float64Array.from(tranches, (t) => feasibility[t.move] ** t.amount),
    trancheFalseAlarm: Float64Array.from(tranches, (t) => 1 - (1 - falseAlarm[t.move]) ** t.amount),
    defectLag,
    feasibility,
    detect: Float64Array.from(moves, (m) => m.verify.detect),
    falseAlarm,
    discount: c.discount,
    tolerance: c.tolerance,
    hazard: risk.hazard,
    response:
      risk.response === "grim"
        ? RESPONSE_GRIM
        : risk.response === "tit-for-tat"
          ? RESPONSE_TIT_FOR_TAT
          : RESPONSE_GENEROUS,
    forgive: risk.forgive,
    noise: risk.noise,
    goalStart,
    goalMoves: Int32Array.from(goalMoves),
    // Each tranche raises at most two alarms (its first attempt, its redelivery); each alarm can
    // add a hold or a redelivery plus its verification: at most 1 + maxLag phases.
    maxCalendar: T + (2 * tranches.length + 1) * (maxLag + 1) + 1,
    maxLag,
  };
  return { ...prepared, rest: restOfPlan(prepared) };
}
