/**
 * Signed statements a participant makes about an agreement besides its events:
 *
 * - **Charter signature**: "I accept the charter with this hash". An agreement becomes active only
 *   when every party's participant has signed its charter hash, and `ledger verify` checks these
 *   signatures. The operator can therefore no longer swap a key in the charter: the new charter has
 *   a new hash, which the other parties never signed.
 * - **Checkpoint**: "I saw the chain at this seq with this head hash, at this time". A checkpoint
 *   kept by a participant (or by the server, in the export) proves that the chain reached that head:
 *   an export that lacks it was cut short or forked.
 *
 * Each statement is signed like an event: Ed25519 over the UTF-8 bytes of its canonical JSON.
 */
import { z } from "zod";
import { canonicalJson } from "./canonical.ts";
import { importPrivateKey, signText, verifyText } from "./crypto.ts";
import { PARTICIPANT_ID } from "./events.ts";

const HASH = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 hash in hex");

export const CharterSignatureBody = z.strictObject({
  v: z.literal(1),
  type: z.literal("charter.signed"),
  agreement: z.string().min(1).max(100),
  charterHash: HASH,
  by: z.string().regex(PARTICIPANT_ID),
});
export type CharterSignatureBody = z.output<typeof CharterSignatureBody>;

export const CheckpointBody = z.strictObject({
  v: z.literal(1),
  type: z.literal("checkpoint"),
  agreement: z.string().min(1).max(100),
  /** The chain's length at the head (0: no events yet, the head is the charter hash). */
  seq: z.int().min(0),
  hash: HASH,
  at: z.iso.datetime({ offset: true }),
  by: z.string().regex(PARTICIPANT_ID),
});
export type CheckpointBody = z.output<typeof CheckpointBody>;

/** A statement as sent and stored: the body and the base64 signature of its canonical JSON. */
export const SignedStatement = z.strictObject({
  body: z.record(z.string(), z.unknown()),
  signature: z.string().min(1).max(200),
});

export interface Signed<T> {
  body: T;
  signature: string;
}

async function sign<T>(body: T, privateKey: JsonWebKey | CryptoKey): Promise<Signed<T>> {
  const key = privateKey instanceof CryptoKey ? privateKey : await importPrivateKey(privateKey);
  return { body, signature: await signText(key, canonicalJson(body)) };
}

export function signCharter(
  agreement: string,
  charterHash: string,
  by: string,
  privateKey: JsonWebKey | CryptoKey,
): Promise<Signed<CharterSignatureBody>> {
  return sign({ v: 1, type: "charter.signed", agreement, charterHash, by }, privateKey);
}

export function signCheckpoint(
  head: { agreement: string; seq: number; hash: string; at: string; by: string },
  privateKey: JsonWebKey | CryptoKey,
): Promise<Signed<CheckpointBody>> {
  return sign({ v: 1, type: "checkpoint", ...head }, privateKey);
}

/**
 * `by`'s checkpoint of the head a server answered an append with (the new event's seq and hash),
 * signed at once: a later export of the agreement that lacks that event then fails to verify. The
 * CLI's `event` and `amend` and the web app's forms all countersign this way after each append.
 */
export function countersignHead(
  agreement: string,
  head: { seq: number; hash: string },
  by: string,
  privateKey: JsonWebKey | CryptoKey,
  at = new Date().toISOString(),
): Promise<Signed<CheckpointBody>> {
  return signCheckpoint({ agreement, seq: head.seq, hash: head.hash, at, by }, privateKey);
}

/** Whether `signature` is `key`'s signature of the statement `body`. */
export function verifyStatement(key: CryptoKey, body: unknown, signature: string): Promise<boolean> {
  return verifyText(key, canonicalJson(body), signature);
}

/**
 * A read challenge: to read an agreement, a participant signs the UTF-8 bytes of
 * `lockstep-read-v1\n<agreementId>\n<challenge>` (not JSON: the text is fixed so that a browser,
 * the CLI or another client produce the same bytes without a canonical-JSON implementation). The
 * prefix keeps this signature from ever being mistaken for an event or a statement.
 */
export const READ_CHALLENGE_PREFIX = "lockstep-read-v1";

export function readChallengeText(agreement: string, challenge: string): string {
  return `${READ_CHALLENGE_PREFIX}\n${agreement}\n${challenge}`;
}

export async function signReadChallenge(
  agreement: string,
  challenge: string,
  privateKey: JsonWebKey | CryptoKey,
): Promise<string> {
  const key = privateKey instanceof CryptoKey ? privateKey : await importPrivateKey(privateKey);
  return signText(key, readChallengeText(agreement, challenge));
}

export function verifyReadChallenge(
  key: CryptoKey,
  agreement: string,
  challenge: string,
  signature: string,
): Promise<boolean> {
  return verifyText(key, readChallengeText(agreement, challenge), signature);
}
