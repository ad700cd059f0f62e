/**
 * Charter versions. An agreement's terms change only by amendment: a party proposes charter
 * version N+1 (a new plan) as an `amendment.proposed` event naming the hash of version N, and the
 * version becomes the one in force when every party's participant has signed its hash with an
 * `amendment.signed` event. Both are ordinary signed events in the hash chain, so `ledger verify`
 * checks every one of them, and the point from which the new plan governs is a position in the chain.
 *
 * Hashes: version 1 is the charter (its hash is the charter hash); version N+1's hash is the
 * chain hash of the ledger entry of its proposal, which covers the proposal's signed body (plan,
 * version, previous hash) and its place in the chain.
 *
 * The rules are a deterministic reading of the chain, never a reason to reject a chain: a proposal
 * that does not chain to the version in force when it is received (another amendment was activated
 * meanwhile) has no effect; a later valid proposal replaces a pending one; a signature of a hash
 * that is not the pending proposal's has no effect. The server refuses such events when it can
 * (409), but two concurrent writers can still place them, and every server and verifier then reads
 * them alike.
 */
import type { Charter } from "./charter.ts";
import type { EventBody } from "./events.ts";

/** An event as the chain holds it: what reading the versions needs. */
export interface VersionEvent {
  seq: number;
  body: EventBody;
  hash: string;
  receivedAt: string;
}

export interface CharterVersion {
  version: number;
  /** The charter hash (version 1) or the chain hash of the proposal's entry. */
  hash: string;
  /** The hash of the version it amends (absent for version 1). */
  previous?: string;
  plan: Charter["plan"];
  text?: string;
  /** Absent for version 1 (the charter, proposed by adoption). */
  proposedBy?: string;
  proposedSeq?: number;
  proposedAt?: string;
  /** Party participants who signed its hash (for version 1: see the charter signatures). */
  signedBy: string[];
  /** The seq of the signature that completed it: the new plan governs from here on. */
  activatedSeq?: number;
  activatedAt?: string;
}

export interface PendingAmendment extends CharterVersion {
  /** Party participants whose signature is still missing. */
  awaiting: string[];
}

export interface CharterVersions {
  /** Every version in force so far, oldest first; the last is in force now. */
  versions: CharterVersion[];
  current: CharterVersion;
  pending?: PendingAmendment;
  /** Amendment events that had no effect, in words (stale proposals, signatures of other hashes). */
  ignored: Array<{ seq: number; message: string }>;
}

function parties(charter: Charter): string[] {
  return charter.participants.filter((p) => p.role === "party").map((p) => p.id);
}

/**
 * The charter's versions as the chain records them, reading events up to `until` (an ISO time,
 * compared with each event's receipt time; all events when absent).
 */
export function charterVersions(
  charter: Charter,
  charterHash: string,
  events: readonly VersionEvent[],
  until?: string,
): CharterVersions {
  const required = parties(charter);
  const first: CharterVersion = { version: 1, hash: charterHash, plan: charter.plan, signedBy: required };
  const versions: CharterVersion[] = [first];
  const ignored: CharterVersions["ignored"] = [];
  let current = first;
  let pending: CharterVersion | undefined;
  const limit = until === undefined ? undefined : Date.parse(until);
  for (const { seq, body, hash, receivedAt } of events) {
    if (limit !== undefined && Date.parse(receivedAt) > limit) break;
    if (body.type === "amendment.proposed") {
      if (body.previous !== current.hash || body.version !== current.version + 1) {
        ignored.push({
          seq,
          message: `event ${seq}: ${body.by}'s proposal of version ${body.version} does not amend version ${current.version} (${current.hash}), the version in force: it has no effect`,
        });
        continue;
      }
      if (pending) {
        ignored.push({
          seq: pending.proposedSeq!,
          message: `event ${pending.proposedSeq}: the proposal of version ${pending.version} by ${pending.proposedBy} was replaced by ${body.by}'s (event ${seq}) before every party signed it`,
        });
      }
      pending = {
        version: body.version,
        hash,
        previous: body.previous,
        plan: body.plan,
        ...(body.text !== undefined ? { text: body.text } : {}),
        proposedBy: body.by,
        proposedSeq: seq,
        proposedAt: receivedAt,
        signedBy: [],
      };
    } else if (body.type === "amendment.signed") {
      if (!pending || body.amendment !== pending.hash) {
        ignored.push({
          seq,
          message: `event ${seq}: ${body.by} signed ${body.amendment}, which is not the pending amendment: it has no effect`,
        });
        continue;
      }
      if (!pending.signedBy.includes(body.by)) pending.signedBy.push(body.by);
      if (required.every((id) => pending!.signedBy.includes(id))) {
        current = { ...pending, activatedSeq: seq, activatedAt: receivedAt };
        versions.push(current);
        pending = undefined;
      }
    }
  }
  return {
    versions,
    current,
    ...(pending
      ? { pending: { ...pending, awaiting: required.filter((id) => !pending!.signedBy.includes(id)) } }
      : {}),
    ignored,
  };
}

/**
 * The charter with the plan in force after these events: what status, analysis and re-planning
 * judge the ledger against. The history (the events) stays as it is; only the plan changes.
 */
export function charterInForce(
  charter: Charter,
  charterHash: string,
  events: readonly VersionEvent[],
  until?: string,
): Charter {
  const { current } = charterVersions(charter, charterHash, events, until);
  return current.version === 1 ? charter : { ...charter, plan: current.plan };
}
