/**
 * The agreement routes' response documents as zod schemas, built from the ledger's own schemas
 * (src/ledger), for the OpenAPI document. The routes themselves live in plugins/agreements.ts.
 */
import { z } from "zod";
import {
  AdoptRequest,
  AgreementStatus,
  Charter,
  CharterSignatureBody,
  CheckpointBody,
  EventBody,
  SignedEvent,
} from "../ledger/index.ts";
import { StatusVersions } from "./plugins/agreement-amendments.ts";

const AgreementHeader = {
  id: z.string(),
  title: z.string(),
  charterHash: z.string().describe("Hash of the canonical charter: the first link of the chain"),
};

export const AgreementList = z.object({
  agreements: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      createdAt: z.string(),
      archived: z.boolean().describe("Every party asked to archive it (listed only with ?archived=1)"),
    }),
  ),
});

const Awaiting = z.array(z.string()).describe("Party participants who have not signed the charter yet");
const State = z.enum(["proposed", "active"]).describe("Active once every party has signed the charter");

export const AdoptedAgreement = z.object({
  ...AgreementHeader,
  charter: Charter,
  state: State,
  awaiting: Awaiting,
});

export const AgreementDocument = AdoptedAgreement.extend({
  signedBy: z.array(z.string()).describe("Participants whose charter signature is stored"),
  events: z.int().describe("Events in the ledger"),
  head: z.string().describe("Hash of the last event (the chain's head)"),
});

export const LedgerEvent = z.object({
  seq: z.int(),
  eventId: z.string(),
  body: EventBody,
  signature: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  receivedAt: z.string(),
});

export const LedgerEventList = z.object({ events: z.array(LedgerEvent) });

export const AppendedEvent = z.object({
  duplicate: z.boolean().describe("True when the same event was already in the ledger (200, not 201)"),
  event: LedgerEvent,
});

/**
 * A signed event as posted. The route checks the envelope with SignedEvent first (any body, so
 * that the signature can be checked over it as sent), then the body with EventBody.
 */
export const PostedEvent = SignedEvent.extend({ body: EventBody });

export { AdoptRequest };

/** A signed statement as posted to …/signatures or …/checkpoints (src/ledger/statements.ts). */
export const PostedCharterSignature = z.object({ body: CharterSignatureBody, signature: z.string() });
export const PostedCheckpoint = z.object({ body: CheckpointBody, signature: z.string() });
export const SignatureState = z.object({ state: State, signedBy: z.array(z.string()), awaiting: Awaiting });
export const StoredCheckpointReply = z.object({ stored: z.literal(true), seq: z.int(), hash: z.string() });

export type AgreementList = z.infer<typeof AgreementList>;
export type AgreementDocument = z.infer<typeof AgreementDocument>;
export type LedgerEvent = z.infer<typeof LedgerEvent>;
export type AdoptedAgreement = z.infer<typeof AdoptedAgreement>;
export type SignatureState = z.infer<typeof SignatureState>;
export type AppendedEvent = z.infer<typeof AppendedEvent>;

export const AgreementStatusDocument = AgreementStatus.extend({
  ...StatusVersions,
  head: z.string().describe("Hash of the last event the status was computed from"),
});

/** A participant's read session (docs/ledger.md, access control). */
export const ReadChallenge = z.object({
  challenge: z
    .string()
    .describe("Sign `lockstep-read-v1\\n<agreementId>\\n<challenge>` (UTF-8) with your key"),
  expiresAt: z.string().describe("Answer it before this time"),
});
export const ReadSessionRequest = z.strictObject({
  participant: z.string().max(100).describe("Your participant id in the charter"),
  challenge: z.string().max(200),
  signature: z.string().max(200).describe("Base64 Ed25519 signature of the challenge text"),
});
export const ReadSession = z.object({
  token: z
    .string()
    .describe("Send as `Authorization: Bearer TOKEN` (or `?access_token=` on the event stream)"),
  expiresAt: z.string(),
  agreement: z.string(),
  participant: z.string(),
});

export type ReadChallenge = z.infer<typeof ReadChallenge>;
export type ReadSession = z.infer<typeof ReadSession>;
