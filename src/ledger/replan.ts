/**
 * Re-planning an agreement from its actual state (MODEL.md v2 §10): the ledger's events give the
 * history x_1..x_k0 (done shares by the phase the server received them, as `lockstep status`
 * counts them); the rest of the adopted plan is judged on top of it, and the planner finds the
 * best continuation, or what it would take.
 *
 * Conventions (docs/model.md §10): k0 is the current phase of the charter's calendar (what is done
 * later in it still counts, at the next re-plan); events received before phase 1 count in phase 1;
 * a share a verifier has verified is credited at once, any other after its lag.
 */
import {
  buildSchedule,
  type CompiledScenario,
  checkContinuation,
  fmt,
  type History,
  restOfPlan,
} from "../analysis/index.ts";
import { LIMITS } from "../model/index.ts";
import {
  type ContinuationOptions,
  continuationHorizon,
  continuationSteps,
  findContinuation,
} from "../planner/index.ts";
import type { Charter } from "./charter.ts";
import { continuationPlan } from "./continuation-plan.ts";
import type { Break, ReplanReport } from "./replan-report.ts";
import { phaseAt, receivedBy, type StatusEvent } from "./status.ts";

export type { Break, ReplanReport } from "./replan-report.ts";

/** A re-plan that cannot be asked for (the calendar too far along): CLI exit 2, HTTP 422. */
export class ReplanError extends Error {}

/** The actual state phase by phase up to the current phase, from the ledger's events. */
export function agreementHistory(
  charter: Charter,
  c: CompiledScenario,
  events: readonly StatusEvent[],
  now: string,
): History {
  const M = c.moveIds.length;
  const done = new Float64Array(M);
  const verified = new Float64Array(M);
  const x: Float64Array[] = [new Float64Array(M)];
  let k0 = phaseAt(charter, now);
  const seen = receivedBy(events, now);
  if (k0 === 0 && seen.some((e) => e.body.type === "move.done")) k0 = 1;
  if (k0 > LIMITS.phases) {
    throw new ReplanError(
      `the calendar is in phase ${k0}, past the ${LIMITS.phases} phases a re-plan can hold: re-plan with an earlier --at, or adopt the rest as a new agreement`,
    );
  }
  let next = 0;
  for (let t = 1; t <= k0; t++) {
    for (; next < seen.length && Math.max(1, phaseAt(charter, seen[next].receivedAt)) <= t; next++) {
      const { body } = seen[next];
      const m = "move" in body && body.move !== undefined ? c.moveIndex.get(body.move) : undefined;
      if (m === undefined) continue;
      if (body.type === "move.done") done[m] = body.fraction ?? 1;
      else if (body.type === "move.reversed") {
        done[m] = 0;
        verified[m] = 0;
      } else if (body.type === "move.verified") verified[m] = done[m];
      else if (body.type === "move.verification_failed") verified[m] = 0;
    }
    x.push(Float64Array.from(done));
  }
  // a verifier's word never credits more than is still done
  const last = x[k0];
  return { phases: k0, x, verified: Float64Array.from(verified, (v, m) => Math.min(v, last[m])) };
}

function shares(c: CompiledScenario, row: Float64Array): Record<string, number> {
  return Object.fromEntries(c.moveIds.map((id, m) => [id, Math.round(row[m] * 1e9) / 1e9]));
}

/**
 * The re-plan of an agreement as of `now`: does the rest of the adopted plan still hold from the
 * actual state (and if not, what breaks, in words), and the best continuation, or what it would take.
 */
export async function replanAgreement(
  charter: Charter,
  c: CompiledScenario,
  events: readonly StatusEvent[],
  now: string,
  options: ContinuationOptions = {},
): Promise<ReplanReport> {
  const history = agreementHistory(charter, c, events, now);
  const k0 = history.phases;
  const horizon = options.horizon ?? continuationHorizon(c, history);
  const rest = checkContinuation(
    c,
    history,
    restOfPlan(history, buildSchedule(c, charter.plan.phases)),
    horizon,
  );
  const breaks: Break[] = rest.violations.map((v) => ({
    kind: v.kind,
    ...(v.party !== undefined ? { party: v.party } : {}),
    ...(v.phase !== undefined && v.phase !== null ? { phase: v.phase } : {}),
    message: v.message,
  }));
  const continuation = await findContinuation(c, history, { ...options, horizon });
  const summary: string[] = [];
  if (rest.feasible) {
    summary.push(
      `From the actual state after phase ${k0}, the rest of plan '${charter.plan.name}' still holds (least slack ${fmt(rest.minSlack)}).`,
    );
  } else {
    summary.push(
      `From the actual state after phase ${k0}, the rest of plan '${charter.plan.name}' no longer holds: ${breaks[0].message}`,
    );
    if (breaks.length > 1) summary.push(`(${breaks.length - 1} more rows break after it.)`);
  }
  if (continuation.feasible) {
    const last = continuation.phases;
    summary.push(
      `Best continuation (${continuation.objective}): done by phase ${last}, least slack ${fmt(continuation.minSlack ?? 0)}.`,
    );
  } else if (continuation.relaxation && Object.keys(continuation.relaxation).length > 0) {
    summary.push("No continuation is feasible. What it would take:", ...(continuation.binding ?? []));
  } else {
    summary.push("No continuation is feasible.", ...(continuation.binding ?? continuation.notes.slice(-1)));
  }
  return {
    agreement: charter.id,
    title: charter.title,
    plan: charter.plan.name,
    asOf: now,
    phase: k0,
    horizon,
    history: { done: shares(c, history.x[k0]), verified: shares(c, history.verified) },
    rest: {
      holds: rest.feasible,
      phases: rest.phases,
      minSlack: Math.round(rest.minSlack * 1e9) / 1e9,
      steps: continuationSteps(c, k0, rest.schedule),
      breaks,
    },
    continuation,
    ...(continuation.feasible ? { proposal: continuationPlan(c, history, continuation.steps) } : {}),
    summary,
  };
}
