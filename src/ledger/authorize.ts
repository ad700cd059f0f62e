/**
 * Who may record what (issue 6): only a move's actor reports or reverses it, only a verifier named
 * for a move verifies it, parties and verifiers raise and resolve disputes and write notes, and
 * observers only read. Only parties propose and sign amendments, and an amended plan passes the
 * same checks as a plan in a file (whether it chains to the version in force is amendments.ts's
 * business: that depends on the chain, not on the event alone). Checked on the server before an event is appended and again by `ledger
 * verify`, so a ledger cannot hold an event its charter forbids.
 */
import type { CompiledScenario } from "../analysis/index.ts";
import { checkPlan, LIMITS } from "../model/index.ts";
import type { Charter, Participant } from "./charter.ts";
import type { EventBody } from "./events.ts";

export interface Refusal {
  status: 400 | 403;
  error: string;
  message: string;
}

export function findParticipant(charter: Charter, id: string): Participant | undefined {
  return charter.participants.find((p) => p.id === id);
}

export function authorize(
  charter: Charter,
  compiled: CompiledScenario,
  body: EventBody,
): Refusal | undefined {
  const who = findParticipant(charter, body.by);
  if (!who) {
    return { status: 403, error: "unknown_participant", message: `'${body.by}' is not a participant` };
  }
  if (who.role === "observer") {
    return { status: 403, error: "wrong_role", message: `${who.id} is an observer: observers only read` };
  }
  const moveId = "move" in body ? body.move : undefined;
  const m = moveId === undefined ? undefined : compiled.moveIndex.get(moveId);
  if (moveId !== undefined && m === undefined) {
    return { status: 400, error: "unknown_move", message: `unknown move '${moveId}'` };
  }
  switch (body.type) {
    case "move.done":
    case "move.reversed": {
      const actor = compiled.partyIds[compiled.actor[m!]];
      if (who.role !== "party" || who.party !== actor) {
        return {
          status: 403,
          error: "wrong_role",
          message: `only ${actor}'s participant may report or reverse ${moveId}; ${who.id} may not`,
        };
      }
      if (
        body.type === "move.done" &&
        body.fraction !== undefined &&
        body.fraction < 1 &&
        !compiled.divisible[m!]
      ) {
        return {
          status: 400,
          error: "not_divisible",
          message: `${moveId} is not divisible: report it done whole (fraction 1)`,
        };
      }
      return undefined;
    }
    case "move.verified":
    case "move.verification_failed": {
      const named = who.role === "verifier" && (who.moves === "all" || who.moves?.includes(moveId!));
      if (!named) {
        return {
          status: 403,
          error: "wrong_role",
          message: `${who.id} is not a verifier named for ${moveId}`,
        };
      }
      return undefined;
    }
    case "amendment.proposed":
    case "amendment.signed": {
      if (who.role !== "party") {
        return {
          status: 403,
          error: "wrong_role",
          message: `${who.id} is a ${who.role}: only parties propose and sign amendments`,
        };
      }
      if (body.type === "amendment.proposed") {
        // up to the phase limit rather than the scenario's horizon: a late agreement's
        // continuation (lockstep replan) runs past the horizon it was adopted with
        const scenario = { ...compiled.scenario, horizon: LIMITS.phases };
        const problem = checkPlan(scenario, body.plan.phases, ["plan", "phases"])[0];
        if (problem) {
          return {
            status: 400,
            error: "invalid_plan",
            message: `the amended plan: ${problem.at.join(".")}: ${problem.message}`,
          };
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
