/**
 * Live status of an agreement: the ledger's events replayed onto the plan, with MODEL.md's figures
 * computed on the actual state rather than the planned one.
 *
 * - Phases follow the charter's calendar; an event counts in the phase the server received it.
 * - Actual state x(m): the share the actor has reported done (a reversal takes it back to 0).
 * - Credit (MODEL.md §2) uses what verifiers have actually verified instead of the planned lag:
 *   party i credits another party's beneficial move only as far as it was verified; harm and its
 *   own moves count at once. Exposure E_i = max(0, −u_i(κ ⊙ x̂ⁱ)), as in §3 (analysis/exposure.ts).
 * - Incentive margin now (§4) is M_i(k) for the current phase k on the trajectory "the actual state
 *   so far, then the plan's remaining steps, anything overdue due now"; it exists for a party with
 *   a move due in phase k.
 * - A move is unlocked when every move it requires is fully verified.
 */
import {
  buildSchedule,
  type CompiledScenario,
  complianceWeights,
  creditedOnVerification,
  defectionWeights,
  detectionLag,
  donePhase,
  dot,
  EPSILON as EPS,
  exposureCoefficient,
  exposureOf,
  exposureRow,
  rowHolds,
  type Schedule,
  stateAt,
  worstDot,
} from "../analysis/index.ts";
import type { Charter } from "./charter.ts";
import type { EventBody } from "./events.ts";
import type { AgreementStatus, Alert, MoveStatus, PartyStatus } from "./status-report.ts";

export type { AgreementStatus, Alert, MoveStatus, PartyStatus } from "./status-report.ts";

const DAY_MS = 86_400_000;
const round = (x: number, digits = 3) => {
  const r = Math.round(x * 10 ** digits) / 10 ** digits;
  return Object.is(r, -0) ? 0 : r;
};

export interface StatusEvent {
  body: EventBody;
  receivedAt: string;
}

/** The phase a moment falls in under the charter's calendar (0 before the start). */
export function phaseAt(charter: Charter, at: string): number {
  const elapsed = Date.parse(at) - Date.parse(charter.calendar.start);
  if (elapsed < 0) return 0;
  return Math.floor(elapsed / (charter.calendar.phaseDays * DAY_MS)) + 1;
}

/**
 * The events the server had received by `at`: a status or re-plan as of a past time sees none
 * received later (the chain's order is the order of receipt; the filter does not rely on it).
 */
export function receivedBy<E extends { receivedAt: string }>(events: readonly E[], at: string): readonly E[] {
  const limit = Date.parse(at);
  const seen = (e: E) => Date.parse(e.receivedAt) <= limit;
  return events.every(seen) ? events : events.filter(seen);
}

interface Actual {
  done: Float64Array;
  verified: Float64Array;
  failed: boolean[];
  reversed: boolean[];
  doneInPhase: Array<number | undefined>;
  verifiedInPhase: Array<number | undefined>;
  lastReport: Array<string | undefined>;
  disputes: Map<string, { id: string; by: string; move?: string; text: string }>;
}

function replay(charter: Charter, c: CompiledScenario, events: readonly StatusEvent[]): Actual {
  const M = c.moveIds.length;
  const actual: Actual = {
    done: new Float64Array(M),
    verified: new Float64Array(M),
    failed: new Array(M).fill(false),
    reversed: new Array(M).fill(false),
    doneInPhase: new Array(M).fill(undefined),
    verifiedInPhase: new Array(M).fill(undefined),
    lastReport: new Array(M).fill(undefined),
    disputes: new Map(),
  };
  for (const { body, receivedAt } of events) {
    const phase = phaseAt(charter, receivedAt);
    const m = "move" in body && body.move !== undefined ? c.moveIndex.get(body.move) : undefined;
    switch (body.type) {
      case "move.done":
        if (m === undefined) break;
        actual.done[m] = body.fraction ?? 1;
        actual.reversed[m] = false;
        if (actual.done[m] >= 1 - EPS && actual.doneInPhase[m] === undefined) actual.doneInPhase[m] = phase;
        break;
      case "move.verified":
        if (m === undefined) break;
        actual.verified[m] = actual.done[m];
        actual.failed[m] = false;
        actual.lastReport[m] = body.report;
        if (actual.verified[m] >= 1 - EPS && actual.verifiedInPhase[m] === undefined) {
          actual.verifiedInPhase[m] = phase;
        }
        break;
      case "move.verification_failed":
        if (m === undefined) break;
        actual.verified[m] = 0;
        actual.failed[m] = true;
        actual.lastReport[m] = body.report;
        actual.verifiedInPhase[m] = undefined;
        break;
      case "move.reversed":
        if (m === undefined) break;
        actual.done[m] = 0;
        actual.verified[m] = 0;
        actual.reversed[m] = true;
        actual.doneInPhase[m] = undefined;
        actual.verifiedInPhase[m] = undefined;
        break;
      case "dispute.raised":
        actual.disputes.set(body.dispute, {
          id: body.dispute,
          by: body.by,
          move: body.move,
          text: body.text,
        });
        break;
      case "dispute.resolved":
        actual.disputes.delete(body.dispute);
        break;
      case "note":
        break;
    }
  }
  return actual;
}

/** The actual state up to phase k−1, then the plan's remaining steps with anything overdue due in k. */
function rebasedSchedule(planned: Schedule, done: Float64Array, k: number): Schedule {
  const M = done.length;
  const phases = Math.max(planned.phases, k);
  const x = Array.from({ length: phases + 1 }, (_, t) => {
    if (t === 0) return new Float64Array(M);
    if (t < k) return Float64Array.from(done);
    const plan = stateAt(planned, t);
    return Float64Array.from(done, (d, m) => Math.max(d, plan[m]));
  });
  const delta = x.map((row, t) => (t === 0 ? new Float64Array(M) : row.map((v, m) => v - x[t - 1][m])));
  return { phases, x, delta };
}

function fmt(x: number): string {
  return String(round(x, 2));
}

/**
 * Where the agreement stands at `now`, from the events received by then (an earlier `now` is the
 * status as it was: later events are neither replayed nor counted).
 */
export function projectStatus(
  charter: Charter,
  c: CompiledScenario,
  allEvents: readonly StatusEvent[],
  now: string,
): AgreementStatus {
  const events = receivedBy(allEvents, now);
  const planned = buildSchedule(c, charter.plan.phases);
  const actual = replay(charter, c, events);
  const phase = phaseAt(charter, now);
  const k = Math.max(1, phase);
  const M = c.moveIds.length;
  const partyName = (i: number) => c.scenario.parties[i].name ?? c.partyIds[i];

  const moves: MoveStatus[] = c.moveIds.map((id, m) => {
    const plannedNow = phase === 0 ? 0 : stateAt(planned, phase)[m];
    const done = actual.done[m];
    // overdue: the first phase (before the current one) whose planned share exceeds what is done
    let overdueBy = 0;
    // past the plan's last phase the planned state no longer changes: the loop stops there
    for (let t = 1; t < Math.min(phase, planned.phases + 1); t++) {
      if (stateAt(planned, t)[m] > done + EPS) {
        overdueBy = phase - t;
        break;
      }
    }
    const dueNow = overdueBy === 0 && plannedNow > done + EPS;
    const unlocked = done < 1 - EPS && c.requires[m].every((p) => actual.verified[p] >= 1 - EPS);
    const state: MoveStatus["state"] = actual.failed[m]
      ? "verification failed"
      : actual.reversed[m]
        ? "reversed"
        : actual.verified[m] >= 1 - EPS
          ? "verified"
          : done >= 1 - EPS
            ? "done"
            : done > 0
              ? "in progress"
              : "not started";
    return {
      id,
      title: c.scenario.moves[m].title ?? id,
      actor: c.partyIds[c.actor[m]],
      planned: round(plannedNow),
      plannedPhase: donePhase(planned, m),
      done: round(done),
      verified: round(actual.verified[m]),
      state,
      overdueBy,
      dueNow,
      unlocked,
      doneInPhase: actual.doneInPhase[m],
      verifiedInPhase: actual.verifiedInPhase[m],
      lastReport: actual.lastReport[m],
    };
  });

  // Past the plan's end every remaining step is overdue and due in k, and the figures only look
  // forward from k, so phase planned.phases + 1 gives the same margins at any later phase. Clamping
  // keeps the cost bounded by the plan, not by how many phases the calendar has run (a charter
  // with a tiny phaseDays reaches phase 10⁸ within days).
  const kFigures = Math.min(k, planned.phases + 1);
  const rebased = rebasedSchedule(planned, actual.done, kFigures);
  const parties: PartyStatus[] = c.partyIds.map((id, i) => {
    const nominal = c.values.nominal[i];
    const coef = new Float64Array(M);
    for (let m = 0; m < M; m++) {
      // the rule's credit on the actual state: what verifiers have verified, not the planned lag
      const credited = creditedOnVerification(c.actor[m], i, nominal[m])
        ? actual.verified[m]
        : actual.done[m];
      coef[m] = exposureCoefficient(c, m, credited);
    }
    // The exposure row g = τ + u(κ ⊙ x̂) as the analysis writes it (rows.ts), judged by the same
    // rowHolds; the figures shown are rounded, the flags are taken before rounding.
    const collapse = dot(nominal, coef);
    const worstCollapse = worstDot(c.values.low[i], c.values.high[i], coef);
    const slack = exposureRow(c.tolerance[i], collapse);
    const worstSlack = exposureRow(c.tolerance[i], worstCollapse);
    const status: PartyStatus = {
      id,
      name: partyName(i),
      exposure: round(exposureOf(collapse)),
      worstExposure: round(exposureOf(worstCollapse)),
      tolerance: c.tolerance[i],
      slack: round(slack),
      worstSlack: round(worstSlack),
      over: !rowHolds(slack),
      worstOver: !rowHolds(worstSlack),
      utility: round(dot(nominal, actual.done)),
    };
    const lag = detectionLag(c, rebased, i, kFigures);
    if (lag !== undefined) {
      const comply = complianceWeights(c, rebased, i)[kFigures];
      const defect = defectionWeights(c, rebased, i, kFigures, lag);
      const weights = comply.map((w, m) => w - defect[m]);
      const margin = dot(nominal, weights);
      const worstMargin = worstDot(c.values.low[i], c.values.high[i], weights);
      status.margin = round(margin);
      status.worstMargin = round(worstMargin);
      status.marginOver = !rowHolds(margin);
      status.worstMarginOver = !rowHolds(worstMargin);
    }
    return status;
  });

  const complete = c.goal.every((item) => item.some((m) => actual.verified[m] >= 1 - EPS));
  const alerts: Alert[] = [];
  const movesById = new Map(moves.map((mv) => [mv.id, mv]));
  for (const mv of moves) {
    const actor = partyName(c.partyIndex.get(mv.actor)!);
    if (mv.state === "verified" && mv.verifiedInPhase === phase) {
      alerts.push({ level: "info", message: `${actor} delivered and verified ${mv.title}` });
    }
    if (mv.state === "verification failed") {
      alerts.push({ level: "critical", message: `verification of ${mv.title} (${actor}) failed` });
    }
    if (mv.state === "reversed") alerts.push({ level: "critical", message: `${actor} reversed ${mv.title}` });
    if (mv.overdueBy > 0) {
      const phases = mv.overdueBy === 1 ? "one phase" : `${mv.overdueBy} phases`;
      alerts.push({ level: "warning", message: `${mv.title} (${actor}) is ${phases} overdue` });
    }
  }
  for (const p of parties) {
    if (p.over) {
      alerts.push({
        level: "critical",
        message: `${p.name} exposure ${fmt(p.exposure)} exceeds its tolerance ${fmt(p.tolerance)}`,
      });
    } else if (p.exposure > EPS && p.exposure >= 0.75 * p.tolerance) {
      alerts.push({
        level: "warning",
        message: `${p.name} exposure ${fmt(p.exposure)} of ${fmt(p.tolerance)}`,
      });
    }
    if (p.margin !== undefined && p.marginOver) {
      alerts.push({
        level: "warning",
        message: `${p.name} gains ${fmt(-p.margin)} by defecting now (incentive margin ${fmt(p.margin)})`,
      });
    }
  }
  for (const d of actual.disputes.values()) {
    const about = d.move ? ` about ${movesById.get(d.move)?.title ?? d.move}` : "";
    alerts.push({ level: "warning", message: `open dispute ${d.id}${about}, raised by ${d.by}` });
  }
  if (complete) alerts.unshift({ level: "info", message: "every goal item is done and verified" });

  return {
    agreement: charter.id,
    title: charter.title,
    plan: charter.plan.name,
    asOf: now,
    phase,
    plannedPhases: planned.phases,
    events: events.length,
    complete,
    moves,
    parties,
    overdue: moves.filter((mv) => mv.overdueBy > 0).map((mv) => mv.id),
    unlocked: moves.filter((mv) => mv.unlocked && mv.state !== "verified").map((mv) => mv.id),
    openDisputes: [...actual.disputes.values()],
    alerts,
  };
}
