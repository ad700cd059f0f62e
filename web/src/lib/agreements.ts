/**
 * The agreement pages' calls to the ledger API, and the two signing steps the CLI also takes:
 * `agreement sign` (check the charter, then sign its hash) and `event` (sign the event, send it,
 * then countersign the head the server answered with). Keys come from the tab's keyring and sign
 * here; what is sent is the signed statement, never a key.
 */
import {
  type AdoptRequest,
  type Charter,
  type CharterVersions,
  type CheckpointBody,
  charterHash,
  countersignHead,
  describeIssues,
  EventBody,
  type LedgerExport,
  type Participant,
  type Signed,
  signCharter,
  signEvent,
  signReadChallenge,
  type VerifyResult,
  verifyLedger,
} from "../../../src/ledger/index.ts";
import type { Plan } from "../../../src/model/index.ts";
import type {
  AdoptedAgreement,
  AgreementDocument,
  AppendedEvent,
  ReadChallenge,
  ReadSession,
  SignatureState,
} from "../../../src/server/agreement-schemas.ts";
import { ApiError, call } from "./api.ts";
import { setReadToken } from "./auth.ts";
import type { HeldKey } from "./keyring.ts";

const path = (id: string, rest = "") => `/api/agreements/${encodeURIComponent(id)}${rest}`;

export const agreementsApi = {
  adopt: (request: AdoptRequest) => call<AdoptedAgreement>("POST", "/api/agreements", request),
  get: (id: string) => call<AgreementDocument>("GET", path(id)),
  export: (id: string) => call<LedgerExport>("GET", path(id, "/export")),
  versions: (id: string) => call<VersionsDocument>("GET", path(id, "/versions")),
};

/** `GET …/versions` (src/server/plugins/agreement-amendments.ts): the charter's versions. */
export type VersionsDocument = Omit<CharterVersions, "current"> & { agreement: string; current: number };

/**
 * What signing anything about the charter's versions takes first, as the CLI's `amend` commands
 * do: the key loaded is the one the charter lists for `by`, and the whole ledger, exported from the
 * server, verifies here against the checkpoints this tab kept. Returns what the verification
 * found (the versions in force and pending), so the caller signs against that, not the server's word.
 */
async function verifiedForSigning(
  charter: Charter,
  by: Participant,
  key: HeldKey,
  act: "signed" | "proposed",
): Promise<Extract<VerifyResult, { ok: true }>> {
  if (by.publicKey.x !== key.publicX) {
    throw new Error(`The charter lists another public key for ${by.id} than the key loaded.`);
  }
  const verified = await verifyLedger(
    await agreementsApi.export(charter.id),
    undefined,
    keptCheckpoints(charter.id),
  );
  if (!verified.ok) throw new Error(`The ledger does not verify, so nothing was ${act}: ${verified.message}`);
  return verified;
}

/**
 * Signs the pending amendment as `by`, as `lockstep amend sign` does: only after verifying the
 * whole ledger here and finding that the amendment pending in it is the one shown (`hash`), and
 * that the charter lists this key for `by`. Sent as an event, then the new head is countersigned.
 */
export async function signAmendment(
  charter: Charter,
  by: Participant,
  key: HeldKey,
  hash: string,
): Promise<Recorded> {
  const verified = await verifiedForSigning(charter, by, key, "signed");
  if (verified.versions.pending?.hash !== hash) {
    throw new Error("The pending amendment changed since the page showed it: reload and check it again.");
  }
  return recordEvent(charter, by.id, key, { type: "amendment.signed", amendment: hash });
}

/** What a party proposes: a new plan for the agreement, and why. */
export interface AmendmentDraft {
  name: string;
  phases: Plan;
  text?: string;
}

/**
 * Proposes charter version N+1 as `by`, as `lockstep amend` does: verifies the whole ledger here
 * first and chains the proposal to the version in force that this verification found (not one
 * the server names), sends it, then signs the new version's hash as the proposer. Each event is
 * countersigned as it is recorded.
 */
export async function proposeAmendment(
  charter: Charter,
  by: Participant,
  key: HeldKey,
  draft: AmendmentDraft,
): Promise<{ proposed: Recorded; signed: Recorded; version: number }> {
  const { current } = (await verifiedForSigning(charter, by, key, "proposed")).versions;
  const version = current.version + 1;
  const proposed = await recordEvent(charter, by.id, key, {
    type: "amendment.proposed",
    version,
    previous: current.hash,
    plan: { name: draft.name, phases: draft.phases },
    ...(draft.text ? { text: draft.text } : {}),
  });
  // proposing is agreeing: the proposer signs the new version's hash at once
  const signed = await recordEvent(charter, by.id, key, {
    type: "amendment.signed",
    amendment: proposed.event.hash,
  });
  return { proposed, signed, version };
}

/**
 * Signs the charter as `participant`: only after recomputing the charter's hash here and finding
 * the key's public half listed for that participant, as `lockstep agreement sign` does.
 */
export async function signCharterAs(
  doc: Pick<AgreementDocument, "id" | "charter" | "charterHash">,
  participant: Participant,
  key: HeldKey,
): Promise<SignatureState> {
  const hash = await charterHash(doc.charter);
  if (hash !== doc.charterHash) {
    throw new Error(`The server's charter hash ${doc.charterHash} is not the hash of its charter (${hash}).`);
  }
  if (participant.publicKey.x !== key.publicX) {
    throw new Error(`The charter lists another public key for ${participant.id} than the key loaded.`);
  }
  const signed = await signCharter(doc.id, hash, participant.id, key.signingKey);
  return call<SignatureState>("POST", path(doc.id, "/signatures"), signed);
}

export interface Recorded {
  event: AppendedEvent["event"];
  duplicate: boolean;
  checkpoint: Signed<CheckpointBody>;
}

/** What the event form fills in: the body without the fields the signer adds. */
export type EventDraft = DistributiveOmit<EventBody, "v" | "agreement" | "id" | "by" | "at">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Signs and sends one event as `by`, then countersigns the head the server answers with (the seq
 * and hash of the new event), so a later export that lacks it fails `ledger verify`.
 */
export async function recordEvent(
  charter: Charter,
  by: string,
  key: HeldKey,
  draft: EventDraft,
): Promise<Recorded> {
  const body = {
    ...draft,
    v: 1,
    agreement: charter.id,
    id: crypto.randomUUID(),
    by,
    at: new Date().toISOString(),
  };
  // The same checks the server makes on a body, here, so a mistake reads as a form error.
  const checked = EventBody.safeParse(body);
  if (!checked.success) throw new Error(`The event is not valid: ${describeIssues(checked.error)}`);
  const signed = await signEvent(checked.data, key.signingKey);
  const answer = await call<AppendedEvent>("POST", path(charter.id, "/events"), signed);
  const checkpoint = await countersignHead(charter.id, answer.event, by, key.signingKey);
  await call("POST", path(charter.id, "/checkpoints"), checkpoint);
  keep(charter.id, checkpoint);
  return { event: answer.event, duplicate: answer.duplicate, checkpoint };
}

/**
 * The checkpoints this tab signed, per agreement: the participant's own copy (downloadable as the
 * CLI's `--checkpoints` file) that the page's chain check holds the export to.
 */
const kept = new Map<string, Signed<CheckpointBody>[]>();
function keep(agreement: string, checkpoint: Signed<CheckpointBody>): void {
  kept.set(agreement, [...(kept.get(agreement) ?? []), checkpoint]);
}
export function keptCheckpoints(agreement: string): Signed<CheckpointBody>[] {
  return kept.get(agreement) ?? [];
}

/** Who reads each agreement in this tab without the admin token: the participant and its key. */
const readers = new Map<string, { participant: string; key: HeldKey }>();

export function readerOf(agreement: string): { participant: string; key: HeldKey } | undefined {
  return readers.get(agreement);
}

/**
 * Opens a participant's read session (docs/ledger.md, access control): asks the server for a
 * challenge, signs it here and exchanges the signature for a short-lived read token, which the tab
 * then sends with every read of this agreement. The key is remembered, so an expired token is
 * renewed the same way.
 */
export async function openReadSession(
  agreement: string,
  participant: string,
  key: HeldKey,
): Promise<ReadSession> {
  try {
    const { challenge } = await call<ReadChallenge>("POST", path(agreement, "/challenge"));
    const signature = await signReadChallenge(agreement, challenge, key.signingKey);
    const session = await call<ReadSession>("POST", path(agreement, "/session"), {
      participant,
      challenge,
      signature,
    });
    setReadToken(agreement, session.token);
    readers.set(agreement, { participant, key });
    return session;
  } catch (error) {
    // The server's reason (bad signature, not a participant) says more than "needs a token".
    if (error instanceof ApiError && error.code !== "error") {
      throw new Error(`The server did not let ${participant} read ${agreement} (${error.code}).`);
    }
    throw error;
  }
}
