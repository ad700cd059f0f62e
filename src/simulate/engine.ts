/**
 * One run of a plan (MODEL.md §6), as named steps over preallocated typed arrays. Nothing is
 * allocated per run: one random stream is reseeded for each run, the run's state lives in one
 * buffer cleared with one fill, and margins are looked up (rest-of-plan.ts) rather than
 * recomputed. docs/simulation.md states the choices the model leaves open (when a deviation is
 * detected, how a hold shifts the schedule, ...).
 */
import { EPSILON, exposureRow, rowHolds } from "../analysis/index.ts";
import { type PreparedPlan, RESPONSE_GENEROUS, RESPONSE_GRIM } from "./prepare.ts";
import { Stream } from "./random.ts";
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

/** Runs run number `run` of `seed` and adds it to a tally. */
export type RunOnce = (seed: number, run: number, tally: Tally) => void;

/** A runner for one prepared plan. `runner.stream` is the stream it reseeds (benchmarks count its draws). */
export interface Runner extends RunOnce {
  readonly stream: Stream;
}

export function createRunner(plan: PreparedPlan): Runner {
  const engine = new Engine(plan);
  const runOnce = (seed: number, run: number, tally: Tally) => engine.run(seed, run, tally);
  return Object.assign(runOnce, { stream: engine.stream });
}

/** Where a run ended: the first cause of failure, its party (P for none) and plan phase. */
const NO_CAUSE = -1;

class Engine {
  readonly stream = new Stream();
  private readonly P: number;
  private readonly M: number;
  private readonly T: number;
  /** Values of this run ([party × moves]): nominal, with the ranged ones redrawn per run. */
  private readonly values: Float64Array;
  /** [ranged value] this run's draw minus the nominal value. */
  private readonly drawnChange: Float64Array;
  /** Party i's drawn values are rangedIndex[rangedStart[i] .. rangedStart[i + 1]). */
  private readonly rangedStart: Int32Array;
  // Run state: one buffer, cleared with one fill per run; the arrays below are views into it.
  private readonly runState: Float64Array;
  private readonly x: Float64Array;
  private readonly detectedOwed: Float64Array;
  private readonly u: Float64Array; // u_i(x)
  private readonly uk: Float64Array; // u_i(κ ⊙ x)
  private readonly valueSum: Float64Array; // (1−δ) Σ δ^(t−1) u_i(x_t) so far
  private readonly weight: Float64Array; // δ^t
  private readonly credited: Float64Array;
  private readonly over: Float64Array; // 1 once the party's exposure exceeded its tolerance
  private readonly redeliver: Float64Array; // 1 when the party must redeliver next phase
  // Written before they are read in every run, so never cleared.
  private readonly owedCause: Int32Array;
  private readonly owedPhase: Int32Array;
  private readonly comply: Uint8Array;
  /** [t × P + i]: what enters party i's credited collapse value at the end of calendar phase t. */
  private readonly creditDue: Float64Array;
  // Pending alarms (a detected deviation or a false alarm), acted on at the end of phase `evTime`.
  private readonly evTime: Int32Array;
  private readonly evCause: Int32Array;
  private readonly evParty: Int32Array;
  private readonly evPhase: Int32Array;
  private readonly evMove: Int32Array;
  private readonly evAmount: Float64Array;
  private events = 0;
  // Per-run scalars.
  private t = 0; // calendar phase
  private k = 1; // next plan phase
  private lastVerify = 0;
  private hold = false;
  private lastAlive = 0; // the last plan phase the deal was seen alive after
  private redeliveries = false;
  private collapsed = false;
  private cause = NO_CAUSE;
  private causeParty = 0;
  private causePhase = 0;
  private failCause = NO_CAUSE;
  private failParty = 0;
  private failPhase = 0;
  private undetectedCause = NO_CAUSE;
  private undetectedParty = 0;
  private undetectedPhase = 0;

  constructor(private readonly plan: PreparedPlan) {
    const P = plan.parties;
    const M = plan.moves;
    this.P = P;
    this.M = M;
    this.T = plan.phases;
    this.values = Float64Array.from(plan.nominal);
    this.drawnChange = new Float64Array(plan.rangedIndex.length);
    this.rangedStart = new Int32Array(P + 1);
    for (const at of plan.rangedIndex) this.rangedStart[Math.floor(at / M) + 1]++;
    for (let i = 0; i < P; i++) this.rangedStart[i + 1] += this.rangedStart[i];
    this.runState = new Float64Array(2 * M + 7 * P);
    let at = 0;
    const view = (length: number) => {
      at += length;
      return this.runState.subarray(at - length, at);
    };
    this.x = view(M);
    this.detectedOwed = view(M);
    this.u = view(P);
    this.uk = view(P);
    this.valueSum = view(P);
    this.weight = view(P);
    this.credited = view(P);
    this.over = view(P);
    this.redeliver = view(P);
    this.owedCause = new Int32Array(M);
    this.owedPhase = new Int32Array(M);
    this.comply = new Uint8Array(P);
    this.creditDue = new Float64Array((plan.maxCalendar + plan.maxLag + 2) * P);
    const eventCapacity = 2 * plan.trancheMove.length + 4;
    this.evTime = new Int32Array(eventCapacity);
    this.evCause = new Int32Array(eventCapacity);
    this.evParty = new Int32Array(eventCapacity);
    this.evPhase = new Int32Array(eventCapacity);
    this.evMove = new Int32Array(eventCapacity);
    this.evAmount = new Float64Array(eventCapacity);
  }

  run(seed: number, run: number, tally: Tally): void {
    this.stream.reseed(seed, run);
    if (this.plan.rangedIndex.length > 0) this.drawValues();
    this.reset();
    const { T, plan } = this;
    for (;;) {
      if (this.k > T && this.events === 0 && !this.redeliveries && this.t >= this.lastVerify) break;
      if (this.t >= plan.maxCalendar) break; // cannot happen (see maxCalendar); a guard, not a rule
      this.t++;
      if (this.k <= T && plan.hazard > 0 && this.stream.uniform() < plan.hazard) {
        this.collapse(HAZARD, this.P, this.k);
        break;
      }
      if (this.redeliveries) this.redeliverOwed();
      let planPhaseDone = false;
      if (this.hold) {
        this.hold = false; // everyone waits one phase: the plan resumes next phase, shifted by one
      } else if (this.k <= T && this.failCause === NO_CAUSE) {
        this.decide(this.k);
        this.act(this.k);
        this.k++;
        planPhaseDone = true;
      }
      this.endPhase();
      if (this.failCause !== NO_CAUSE) {
        this.collapse(this.failCause, this.failParty, this.failPhase);
        break;
      }
      this.actOnAlarms();
      if (this.collapsed) break;
      if (planPhaseDone) this.lastAlive = this.k - 1;
    }
    this.record(tally);
  }

  /**
   * Draws this run's values from their ranges. Margins add each drawn value's change times its
   * sensitivity when they are looked up, so only the parties and phases that decide pay for it.
   */
  private drawValues(): void {
    const { rangedIndex, rangedLow, rangedSpan, nominal } = this.plan;
    const { values, drawnChange } = this;
    for (let r = 0; r < rangedIndex.length; r++) {
      const at = rangedIndex[r];
      const value = rangedLow[r] + this.stream.uniform() * rangedSpan[r];
      values[at] = value;
      drawnChange[r] = value - nominal[at];
    }
  }

  private reset(): void {
    this.runState.fill(0);
    this.weight.fill(1);
    this.events = 0;
    this.t = 0;
    this.k = 1;
    this.lastVerify = 0;
    this.hold = false;
    this.redeliveries = false;
    this.collapsed = false;
    this.lastAlive = 0;
    this.cause = NO_CAUSE;
    this.causeParty = this.P;
    this.causePhase = 0;
    this.failCause = NO_CAUSE;
    this.failParty = this.P;
    this.failPhase = 0;
    this.undetectedCause = NO_CAUSE;
    this.undetectedParty = this.P;
    this.undetectedPhase = 0;
  }

  private collapse(cause: number, party: number, phase: number): void {
    this.collapsed = true;
    this.cause = cause;
    this.causeParty = party;
    this.causePhase = phase;
  }

  /** M_i(k) from the current state, assuming everyone follows the rest of the plan (MODEL.md §4). */
  private margin(i: number, k: number): number {
    const { lagWeight, base, sensitivity } = this.plan.rest;
    const stride = this.T + 1;
    const at = i * stride + k;
    let rest = base[at];
    // party i's drawn values are contiguous in rangedIndex (sorted by party, then move)
    const end = this.rangedStart[i + 1];
    for (let r = this.rangedStart[i]; r < end; r++) rest += this.drawnChange[r] * sensitivity[r * stride + k];
    return lagWeight[at] * (this.u[i] - this.uk[i]) + rest;
  }

  /** Every party acting in plan phase k decides, all from the state before the phase (x_{k−1}). */
  private decide(k: number): void {
    const { trancheStart, trancheMove, actor, noise } = this.plan;
    const first = trancheStart[k];
    for (let q = first; q < trancheStart[k + 1]; q++) {
      const i = actor[trancheMove[q]];
      if (q > first && actor[trancheMove[q - 1]] === i) continue; // tranches are sorted by actor
      const sigma = noise[i];
      const shock = sigma > 0 ? sigma * this.stream.gaussian() : 0;
      this.comply[i] = this.margin(i, k) + shock >= -EPSILON ? 1 : 0;
    }
  }

  /** Plan phase k's tranches: withheld by a defector, failed, or delivered. */
  private act(k: number): void {
    const { trancheStart, trancheMove, trancheAmount, trancheDeliver, trancheFalseAlarm, actor } = this.plan;
    for (let q = trancheStart[k]; q < trancheStart[k + 1]; q++) {
      const m = trancheMove[q];
      const d = trancheAmount[q];
      if (!this.comply[actor[m]]) this.deviate(m, d, DEFECTION, k);
      else if (trancheDeliver[q] < 1 && this.stream.uniform() >= trancheDeliver[q])
        this.deviate(m, d, FAILED_DELIVERY, k);
      else this.deliver(m, d, trancheFalseAlarm[q], k);
    }
  }

  /** A detected deviator delivers what it owes; if it cannot, the deal collapses. */
  private redeliverOwed(): void {
    const { actor, feasibility, falseAlarm } = this.plan;
    const { detectedOwed, redeliver } = this;
    for (let m = 0; m < this.M && this.failCause === NO_CAUSE; m++) {
      const d = detectedOwed[m];
      if (d <= 0 || !redeliver[actor[m]]) continue;
      detectedOwed[m] = 0;
      const p = feasibility[m];
      if (p < 1 && this.stream.uniform() >= p ** d) {
        this.failCause = this.owedCause[m];
        this.failParty = actor[m];
        this.failPhase = this.owedPhase[m];
      } else {
        this.deliver(m, d, falseAlarm[m] > 0 ? 1 - (1 - falseAlarm[m]) ** d : 0, this.owedPhase[m]);
      }
    }
    redeliver.fill(0);
    this.redeliveries = false;
  }

  private deliver(m: number, d: number, falseAlarmChance: number, phase: number): void {
    const { kappa, creditLag, lag } = this.plan;
    const { P, M, t, values, u, uk, creditDue } = this;
    this.x[m] += d;
    const kap = kappa[m];
    for (let i = 0; i < P; i++) {
      const a = values[i * M + m] * d;
      u[i] += a;
      uk[i] += kap * a;
      creditDue[(t + creditLag[i * M + m]) * P + i] += kap * a;
    }
    const verifiedAt = t + lag[m];
    if (verifiedAt > this.lastVerify) this.lastVerify = verifiedAt;
    if (falseAlarmChance > 0 && this.stream.uniform() < falseAlarmChance) {
      this.pushEvent(verifiedAt, FALSE_ALARM, this.plan.actor[m], phase, m, 0);
    }
  }

  private deviate(m: number, d: number, why: number, phase: number): void {
    const { detect, lag, actor } = this.plan;
    this.owedCause[m] = why;
    this.owedPhase[m] = phase;
    if (detect[m] >= 1 || this.stream.uniform() < detect[m]) {
      this.pushEvent(this.t + lag[m], why, actor[m], phase, m, d);
    } else if (this.undetectedCause === NO_CAUSE) {
      this.undetectedCause = why;
      this.undetectedParty = actor[m];
      this.undetectedPhase = phase;
    }
  }

  private pushEvent(time: number, cause: number, party: number, phase: number, m: number, amount: number) {
    const e = this.events++;
    this.evTime[e] = time;
    this.evCause[e] = cause;
    this.evParty[e] = party;
    this.evPhase[e] = phase;
    this.evMove[e] = m;
    this.evAmount[e] = amount;
  }

  /**
   * End of calendar phase t: flow value and exposure of every party. `credited` is u_i(κ ⊙ x̂ⁱ),
   * the credited collapse value (MODEL.md §3, analysis/exposure.ts): each delivery enters it
   * creditLag phases after it is made (deliver()).
   */
  private endPhase(): void {
    const { discount, tolerance } = this.plan;
    const { P, t, u, valueSum, weight, credited, creditDue } = this;
    for (let i = 0; i < P; i++) {
      const delta = discount[i];
      valueSum[i] += (1 - delta) * weight[i] * u[i];
      weight[i] *= delta;
      credited[i] += creditDue[t * P + i];
      if (!rowHolds(exposureRow(tolerance[i], credited[i]))) this.over[i] = 1;
    }
  }

  /** Alarms due at the end of phase t, in the order they arose; the others stay pending. */
  private actOnAlarms(): void {
    const { plan, t } = this;
    const { evTime, evCause, evParty, evPhase, evMove, evAmount } = this;
    let kept = 0;
    for (let e = 0; e < this.events; e++) {
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
      if (this.collapsed) continue;
      if (plan.response === RESPONSE_GRIM) {
        this.collapse(evCause[e], evParty[e], evPhase[e]);
        continue;
      }
      if (evCause[e] !== FALSE_ALARM) {
        this.detectedOwed[evMove[e]] += evAmount[e];
        this.redeliver[evParty[e]] = 1;
        this.redeliveries = true;
      }
      const forgiven =
        plan.response === RESPONSE_GENEROUS && plan.forgive > 0 && this.stream.uniform() < plan.forgive;
      if (!forgiven) this.hold = true;
    }
    this.events = kept;
  }

  /** Whether the run completed and why not, then its figures into the tally. */
  private record(tally: Tally): void {
    const { plan, P, T } = this;
    let completed = false;
    let { cause, causeParty, causePhase } = this;
    if (!this.collapsed) {
      completed = this.goalDone();
      if (!completed) {
        const undetected = this.undetectedCause !== NO_CAUSE;
        cause = undetected ? this.undetectedCause : INCOMPLETE;
        causeParty = undetected ? this.undetectedParty : P;
        causePhase = undetected ? this.undetectedPhase : T;
      }
      this.lastAlive = T;
    }
    this.creditDue.fill(0, 0, Math.min(this.creditDue.length, (this.t + plan.maxLag + 1) * P));
    tally.runs++;
    if (completed) tally.completed++;
    else tally.causes[causeIndex(tally, cause, causeParty, Math.min(causePhase, T))]++;
    tally.lastAlive[this.lastAlive]++;
    const { valueSum, weight, u, uk, over } = this;
    for (let i = 0; i < P; i++) {
      // The state after the last phase lasts for ever: the collapse state if the deal died.
      const value = valueSum[i] + weight[i] * (this.collapsed ? uk[i] : u[i]);
      const delta = value - tally.valueMean[i];
      tally.valueMean[i] += delta / tally.runs;
      tally.valueM2[i] += delta * (value - tally.valueMean[i]);
      sketchAdd(tally.valueSketch, i * SKETCH_SIZE, value);
      if (over[i]) tally.overTolerance[i]++;
    }
  }

  /** Every goal item has one of its moves fully done. */
  private goalDone(): boolean {
    const { goalStart, goalMoves } = this.plan;
    for (let g = 0; g + 1 < goalStart.length; g++) {
      let done = false;
      for (let n = goalStart[g]; n < goalStart[g + 1] && !done; n++) done = this.x[goalMoves[n]] >= DONE;
      if (!done) return false;
    }
    return true;
  }
}
