/**
 * One run of a plan (MODEL.md §6), written as a loop over preallocated typed arrays: nothing is
 * allocated per run except the run's random generator. docs/simulation.md states the choices the
 * model leaves open (when a deviation is detected, how a hold shifts the schedule, ...).
 */
import { type PreparedPlan, RESPONSE_GENEROUS, RESPONSE_GRIM } from "./prepare.ts";
import { gaussian, type Stream, uniform } from "./random.ts";
import { SKETCH_SIZE, sketchAdd } from "./sketch.ts";
import {
  causeIndex,
  DEFECTION,
  FAILED_DELIVERY,
  FALSE_ALARM,
  HAZARD,
  INCOMPLETE,
  type Tally,
} from "./tally.ts";

const DONE = 1 - 1e-9;
/**
 * A margin within this of zero counts as zero: the analysis' EPSILON (analyze.ts; a test checks
 * they agree), restated so workers need not load the analysis and its report schema.
 */
export const EPSILON = 1e-9;

/** Runs one simulated history and adds it to a tally. */
export type RunOnce = (stream: Stream, tally: Tally) => void;

export function createRunner(plan: PreparedPlan): RunOnce {
  const P = plan.parties;
  const M = plan.moves;
  const T = plan.phases;
  const { actor, lag, kappa, creditLag, nominal, discount, tolerance, noise, detect, feasibility } = plan;
  const { trancheStart, trancheMove, trancheAmount, trancheDeliver, trancheFalseAlarm, defectLag } = plan;
  const { rangedIndex, rangedLow, rangedSpan, goalStart, goalMoves, falseAlarm } = plan;
  const stride = T + 2;
  const calendar = plan.maxCalendar + plan.maxLag + 2;
  const eventCapacity = 2 * trancheMove.length + 4;

  // Values of this run and the per-phase changes in utility they imply (MODEL.md §4 on the rest
  // of the plan): duAll for every move of phase j, duOthers for the other parties' moves only,
  // dukOthers the same on the collapse state κ ⊙ x.
  const values = Float64Array.from(nominal);
  const duAll = new Float64Array(P * stride);
  const duOthers = new Float64Array(P * stride);
  const dukOthers = new Float64Array(P * stride);
  // Run state.
  const x = new Float64Array(M);
  const detectedOwed = new Float64Array(M);
  const owedCause = new Int32Array(M);
  const owedPhase = new Int32Array(M);
  const u = new Float64Array(P); // u_i(x)
  const uk = new Float64Array(P); // u_i(κ ⊙ x)
  const valueSum = new Float64Array(P); // (1−δ) Σ δ^(t−1) u_i(x_t) so far
  const weight = new Float64Array(P); // δ^t
  // [t × P + i]: what enters party i's credited collapse value at the end of phase t
  const creditDue = new Float64Array(calendar * P);
  const credited = new Float64Array(P);
  const over = new Uint8Array(P);
  const comply = new Uint8Array(P);
  const redeliver = new Uint8Array(P);
  // Pending alarms: a detected deviation or a false alarm, acted on at the end of phase `evTime`.
  const evTime = new Int32Array(eventCapacity);
  const evCause = new Int32Array(eventCapacity);
  const evParty = new Int32Array(eventCapacity);
  const evPhase = new Int32Array(eventCapacity);
  const evMove = new Int32Array(eventCapacity);
  const evAmount = new Float64Array(eventCapacity);
  let events = 0;

  for (let j = 1; j <= T; j++) {
    for (let q = trancheStart[j]; q < trancheStart[j + 1]; q++) {
      const m = trancheMove[q];
      for (let i = 0; i < P; i++) addUtilityChange(i, j, m, nominal[i * M + m] * trancheAmount[q]);
    }
  }
  const nominalDuAll = Float64Array.from(duAll);
  const nominalDuOthers = Float64Array.from(duOthers);
  const nominalDukOthers = Float64Array.from(dukOthers);
  // For each drawn value, the tranches of its move: a draw only touches those entries.
  const drawnTranches: number[][] = Array.from(rangedIndex, (at) => {
    const m = at % M;
    const list: number[] = [];
    for (let q = 0; q < trancheMove.length; q++) if (trancheMove[q] === m) list.push(q);
    return list;
  });
  const tranchePhase = new Int32Array(trancheMove.length);
  for (let j = 1; j <= T; j++) tranchePhase.fill(j, trancheStart[j], trancheStart[j + 1]);

  function addUtilityChange(i: number, j: number, m: number, amount: number): void {
    duAll[i * stride + j] += amount;
    if (actor[m] !== i) {
      duOthers[i * stride + j] += amount;
      dukOthers[i * stride + j] += kappa[m] * amount;
    }
  }

  /** Draws this run's values from their ranges and updates the utility changes they imply. */
  function drawValues(): void {
    duAll.set(nominalDuAll);
    duOthers.set(nominalDuOthers);
    dukOthers.set(nominalDukOthers);
    for (let r = 0; r < rangedIndex.length; r++) {
      const at = rangedIndex[r];
      const value = rangedLow[r] + uniform(rng) * rangedSpan[r];
      values[at] = value;
      const i = Math.floor(at / M);
      const m = at - i * M;
      const change = value - nominal[at];
      const tranches = drawnTranches[r];
      for (let n = 0; n < tranches.length; n++) {
        const q = tranches[n];
        addUtilityChange(i, tranchePhase[q], m, change * trancheAmount[q]);
      }
    }
  }

  /** M_i(k) from the current state, assuming everyone follows the rest of the plan (MODEL.md §4). */
  function margin(i: number, k: number): number {
    const delta = discount[i];
    const base = i * stride;
    let level = u[i];
    let sum = 0;
    let factor = 1;
    for (let j = k; j < T; j++) {
      level += duAll[base + j];
      sum += factor * level;
      factor *= delta;
    }
    level += duAll[base + T];
    const keep = (1 - delta) * sum + factor * level;
    const L = defectLag[i * (T + 1) + k];
    let y = u[i];
    let yk = uk[i];
    sum = 0;
    factor = 1;
    for (let t = k; t <= k + L; t++) {
      if (t <= T) {
        y += duOthers[base + t];
        yk += dukOthers[base + t];
      }
      sum += factor * y;
      factor *= delta;
    }
    const defect = (1 - delta) * sum + factor * yk;
    return keep - defect;
  }

  function pushEvent(time: number, cause: number, party: number, phase: number, m: number, amount: number) {
    evTime[events] = time;
    evCause[events] = cause;
    evParty[events] = party;
    evPhase[events] = phase;
    evMove[events] = m;
    evAmount[events] = amount;
    events++;
  }

  // Per-run scalars, kept here so the helpers below need no closure per run.
  let rng: Stream;
  let t = 0; // calendar phase
  let lastVerify = 0;
  let undetectedCause = -1;
  let undetectedParty = P;
  let undetectedPhase = 0;

  function deliver(m: number, d: number, falseAlarmChance: number, phase: number): void {
    x[m] += d;
    const kap = kappa[m];
    for (let i = 0; i < P; i++) {
      const a = values[i * M + m] * d;
      u[i] += a;
      uk[i] += kap * a;
      creditDue[(t + creditLag[i * M + m]) * P + i] += kap * a;
    }
    const verifiedAt = t + lag[m];
    if (verifiedAt > lastVerify) lastVerify = verifiedAt;
    if (falseAlarmChance > 0 && uniform(rng) < falseAlarmChance) {
      pushEvent(verifiedAt, FALSE_ALARM, actor[m], phase, m, 0);
    }
  }

  function deviate(m: number, d: number, why: number, phase: number): void {
    owedCause[m] = why;
    owedPhase[m] = phase;
    if (detect[m] >= 1 || uniform(rng) < detect[m]) {
      pushEvent(t + lag[m], why, actor[m], phase, m, d);
    } else if (undetectedCause < 0) {
      undetectedCause = why;
      undetectedParty = actor[m];
      undetectedPhase = phase;
    }
  }

  return function runOnce(stream: Stream, tally: Tally): void {
    rng = stream;
    if (rangedIndex.length > 0) drawValues();
    x.fill(0);
    detectedOwed.fill(0);
    u.fill(0);
    uk.fill(0);
    valueSum.fill(0);
    weight.fill(1);
    credited.fill(0);
    over.fill(0);
    redeliver.fill(0);
    events = 0;

    t = 0;
    lastVerify = 0;
    undetectedCause = -1;
    undetectedParty = P;
    undetectedPhase = 0;
    let k = 1; // next plan phase
    let hold = false;
    let redeliveries = false;
    let lastAlive = 0;
    let collapsed = false;
    let cause = -1;
    let causeParty = P;
    let causePhase = 0;
    let failCause = -1;
    let failParty = P;
    let failPhase = 0;

    for (;;) {
      if (k > T && events === 0 && !redeliveries && t >= lastVerify) break;
      if (t >= plan.maxCalendar) break; // cannot happen (see maxCalendar); a guard, not a rule
      t++;
      if (k <= T && plan.hazard > 0 && uniform(rng) < plan.hazard) {
        collapsed = true;
        cause = HAZARD;
        causeParty = P;
        causePhase = k;
        break;
      }
      // A detected deviator delivers what it owes; if it cannot, the deal collapses.
      if (redeliveries) {
        for (let m = 0; m < M && failCause < 0; m++) {
          const d = detectedOwed[m];
          if (d <= 0 || !redeliver[actor[m]]) continue;
          detectedOwed[m] = 0;
          const p = feasibility[m];
          if (p < 1 && uniform(rng) >= p ** d) {
            failCause = owedCause[m];
            failParty = actor[m];
            failPhase = owedPhase[m];
          } else {
            deliver(m, d, falseAlarm[m] > 0 ? 1 - (1 - falseAlarm[m]) ** d : 0, owedPhase[m]);
          }
        }
        redeliver.fill(0);
        redeliveries = false;
      }
      let planPhaseDone = false;
      if (hold) {
        hold = false; // everyone waits one phase: the plan resumes next phase, shifted by one
      } else if (k <= T && failCause < 0) {
        const first = trancheStart[k];
        const end = trancheStart[k + 1];
        // Decisions first, all from the state before phase k (MODEL.md §4's x_{k−1}).
        for (let q = first; q < end; q++) {
          const i = actor[trancheMove[q]];
          if (q > first && actor[trancheMove[q - 1]] === i) continue;
          const sigma = noise[i];
          const shock = sigma > 0 ? sigma * gaussian(rng) : 0;
          comply[i] = margin(i, k) + shock >= -EPSILON ? 1 : 0;
        }
        for (let q = first; q < end; q++) {
          const m = trancheMove[q];
          const d = trancheAmount[q];
          if (!comply[actor[m]]) deviate(m, d, DEFECTION, k);
          else if (trancheDeliver[q] < 1 && uniform(rng) >= trancheDeliver[q])
            deviate(m, d, FAILED_DELIVERY, k);
          else deliver(m, d, trancheFalseAlarm[q], k);
        }
        k++;
        planPhaseDone = true;
      }
      // End of phase t: flow value and exposure (on the credited state) of every party.
      for (let i = 0; i < P; i++) {
        const delta = discount[i];
        valueSum[i] += (1 - delta) * weight[i] * u[i];
        weight[i] *= delta;
        credited[i] += creditDue[t * P + i];
        if (-credited[i] > tolerance[i] + EPSILON) over[i] = 1;
      }
      if (failCause >= 0) {
        collapsed = true;
        cause = failCause;
        causeParty = failParty;
        causePhase = failPhase;
        break;
      }
      // Alarms due now, in the order they arose.
      let kept = 0;
      for (let e = 0; e < events; e++) {
        if (evTime[e] !== t) {
          if (kept !== e) {
            evTime[kept] = evTime[e];
            evCause[kept] = evCause[e];
            evParty[kept] = evParty[e];
            evPhase[kept] = evPhase[e];
            evMove[kept] = evMove[e];
            evAmount[kept] = evAmount[e];
          }
          kept++;
          continue;
        }
        if (collapsed) continue;
        if (plan.response === RESPONSE_GRIM) {
          collapsed = true;
          cause = evCause[e];
          causeParty = evParty[e];
          causePhase = evPhase[e];
          continue;
        }
        if (evCause[e] !== FALSE_ALARM) {
          detectedOwed[evMove[e]] += evAmount[e];
          redeliver[evParty[e]] = 1;
          redeliveries = true;
        }
        const forgiven =
          plan.response === RESPONSE_GENEROUS && plan.forgive > 0 && uniform(rng) < plan.forgive;
        if (!forgiven) hold = true;
      }
      events = kept;
      if (collapsed) break;
      if (planPhaseDone) lastAlive = k - 1;
    }

    let completed = false;
    if (!collapsed) {
      completed = true;
      for (let g = 0; g + 1 < goalStart.length && completed; g++) {
        let done = false;
        for (let n = goalStart[g]; n < goalStart[g + 1]; n++) if (x[goalMoves[n]] >= DONE) done = true;
        completed = done;
      }
      if (!completed) {
        cause = undetectedCause >= 0 ? undetectedCause : INCOMPLETE;
        causeParty = undetectedCause >= 0 ? undetectedParty : P;
        causePhase = undetectedCause >= 0 ? undetectedPhase : T;
      }
      lastAlive = T;
    }

    creditDue.fill(0, 0, Math.min(creditDue.length, (t + plan.maxLag + 1) * P));
    tally.runs++;
    if (completed) tally.completed++;
    else tally.causes[causeIndex(tally, cause, causeParty, Math.min(causePhase, T))]++;
    tally.lastAlive[lastAlive]++;
    for (let i = 0; i < P; i++) {
      // The state after the last phase lasts for ever: the collapse state if the deal died.
      const value = valueSum[i] + weight[i] * (collapsed ? uk[i] : u[i]);
      const delta = value - tally.valueMean[i];
      tally.valueMean[i] += delta / tally.runs;
      tally.valueM2[i] += delta * (value - tally.valueMean[i]);
      sketchAdd(tally.valueSketch, i * SKETCH_SIZE, value);
      if (over[i]) tally.overTolerance[i]++;
    }
  };
}
