/**
 * The events of an agreement's ledger. A participant signs the canonical JSON of an event body;
 * the server then places it in the chain (see chain.ts). The body names its agreement and carries
 * a client-chosen id, so a signature cannot be replayed into another agreement and a retried
 * submission is recognised rather than recorded twice.
 */
import { z } from "zod";
import { Plan } from "../model/index.ts";

export const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const PARTICIPANT_ID = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

const text = (max: number) => z.string().min(1).max(max);

const common = {
  v: z.literal(1),
  agreement: z.string().min(1).max(100),
  id: z.string().regex(EVENT_ID, "an event id: 1-100 letters, digits, '.', '_', ':' or '-'"),
  by: z.string().regex(PARTICIPANT_ID, "a participant id"),
  at: z.iso.datetime({ offset: true }),
};

const moveId = z.string().min(1).max(100);
const HASH = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 hash in hex");

export const EventBody = z.discriminatedUnion("type", [
  /** The actor reports its move done; `fraction` is the cumulative share done (divisible moves). */
  z.strictObject({
    ...common,
    type: z.literal("move.done"),
    move: moveId,
    fraction: z.number().gt(0).max(1).optional(),
    text: text(2000).optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal("move.verified"),
    move: moveId,
    report: text(20000).optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal("move.verification_failed"),
    move: moveId,
    report: text(20000),
  }),
  /** The actor takes its move back (all of it). */
  z.strictObject({ ...common, type: z.literal("move.reversed"), move: moveId, text: text(2000).optional() }),
  z.strictObject({
    ...common,
    type: z.literal("dispute.raised"),
    dispute: z.string().regex(EVENT_ID),
    move: moveId.optional(),
    text: text(20000),
  }),
  z.strictObject({
    ...common,
    type: z.literal("dispute.resolved"),
    dispute: z.string().regex(EVENT_ID),
    text: text(20000),
  }),
  z.strictObject({ ...common, type: z.literal("note"), text: text(20000) }),
  /**
   * A party proposes charter version `version`: a new plan, chained to the version in force by
   * that version's hash (version 1: the charter hash). Its own hash in the chain is the hash of the
   * new version, which every party then signs with `amendment.signed` (amendments.ts).
   */
  z.strictObject({
    ...common,
    type: z.literal("amendment.proposed"),
    version: z.int().min(2).max(1_000_000),
    previous: HASH,
    plan: z.strictObject({ name: z.string().min(1).max(200), phases: Plan }),
    text: text(20000).optional(),
  }),
  /** A party accepts the charter version whose proposal is the ledger entry with hash `amendment`. */
  z.strictObject({ ...common, type: z.literal("amendment.signed"), amendment: HASH }),
]);

export type EventBody = z.output<typeof EventBody>;
export type EventType = EventBody["type"];
/** The events that record what happened (amendments change the terms instead: AMENDMENT_TYPES). */
export const EVENT_TYPES: EventType[] = [
  "move.done",
  "move.verified",
  "move.verification_failed",
  "move.reversed",
  "dispute.raised",
  "dispute.resolved",
  "note",
];
export const AMENDMENT_TYPES: EventType[] = ["amendment.proposed", "amendment.signed"];

/** What a client submits: the body and the base64 Ed25519 signature of its canonical JSON. */
export const SignedEvent = z.strictObject({
  body: z.record(z.string(), z.unknown()),
  signature: z.string().min(1).max(200),
});
export type SignedEvent = { body: EventBody; signature: string };

/** An event as the ledger holds it: signed, numbered and chained. */
export interface ChainedEvent {
  seq: number;
  body: EventBody;
  signature: string;
  prevHash: string;
  hash: string;
  receivedAt: string;
}

/** Short human description of an issue list from zod, for error messages. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}
