/**
 * Archiving (hiding) an agreement. Every party's participant signs an **archive statement**; once
 * all have, the agreement is *archived*: the server leaves it out of its default list and refuses
 * new events, but keeps and serves everything, so its export still verifies. One party may not
 * archive alone, because refusing appends would let it stop the others from recording (a
 * default it is about to be charged with, say); that is the same rule as the charter's.
 *
 * The statement names the charter hash and the head the party saw (so it is also a checkpoint),
 * and is signed like every statement: Ed25519 over the UTF-8 bytes of its canonical JSON. It is a
 * side record, like charter signatures, not a ledger event: the chain's format does not change.
 */
import { z } from "zod";
import { canonicalJson } from "./canonical.ts";
import type { Charter } from "./charter.ts";
import { importPrivateKey, signText } from "./crypto.ts";
import { describeIssues, PARTICIPANT_ID } from "./events.ts";
import { type Signed, verifyStatement } from "./statements.ts";

const HASH = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 hash in hex");

export const ArchiveBody = z.strictObject({
  v: z.literal(1),
  type: z.literal("agreement.archive"),
  agreement: z.string().min(1).max(100),
  charterHash: HASH,
  /** The head the party saw when it asked (0 and the charter hash: no events). */
  seq: z.int().min(0),
  hash: HASH,
  at: z.iso.datetime({ offset: true }),
  by: z.string().regex(PARTICIPANT_ID),
});
export type ArchiveBody = z.output<typeof ArchiveBody>;

export async function signArchive(
  fields: Omit<ArchiveBody, "v" | "type">,
  privateKey: JsonWebKey | CryptoKey,
): Promise<Signed<ArchiveBody>> {
  const body: ArchiveBody = { v: 1, type: "agreement.archive", ...fields };
  const key = privateKey instanceof CryptoKey ? privateKey : await importPrivateKey(privateKey);
  return { body, signature: await signText(key, canonicalJson(body)) };
}

export type ArchiveStateName = "none" | "requested" | "archived";

/** Who has asked to archive, who is awaited, and whether the agreement is archived. */
export function archiveState(
  charter: Charter,
  signers: Iterable<string>,
): { state: ArchiveStateName; signedBy: string[]; awaiting: string[] } {
  const signed = new Set(signers);
  const parties = charter.participants.filter((p) => p.role === "party").map((p) => p.id);
  const signedBy = parties.filter((id) => signed.has(id));
  const awaiting = parties.filter((id) => !signed.has(id));
  const state = signedBy.length === 0 ? "none" : awaiting.length === 0 ? "archived" : "requested";
  return { state, signedBy, awaiting };
}

/**
 * What is wrong with an export's `archive` list (absent: nothing): each entry must be a party's
 * valid signature of an archive statement for this agreement and this charter hash, naming a head
 * the chain has (`hashes[seq]`, index 0 being the charter hash).
 */
export async function archiveFault(
  list: unknown,
  charter: Charter,
  rootHash: string,
  keys: Map<string, CryptoKey>,
  hashes: readonly string[],
): Promise<string | undefined> {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) return "archive is not a list";
  for (const raw of list) {
    const entry = raw as { body?: unknown; signature?: unknown } | null;
    const body = ArchiveBody.safeParse(entry?.body);
    if (!body.success) return `an archive statement is malformed: ${describeIssues(body.error)}`;
    const { by, seq, hash, agreement, charterHash } = body.data;
    if (agreement !== charter.id) return `an archive statement by ${by} is for agreement ${agreement}`;
    if (charterHash !== rootHash) return `${by}'s archive statement is for another charter (${charterHash})`;
    const party = charter.participants.find((p) => p.id === by);
    if (party?.role !== "party") return `an archive statement is signed by ${by}, who is not a party`;
    const key = keys.get(by);
    if (
      !key ||
      typeof entry?.signature !== "string" ||
      !(await verifyStatement(key, entry.body, entry.signature))
    ) {
      return `${by}'s archive statement has a signature that does not match ${by}'s key`;
    }
    if (hashes[seq] !== hash) {
      return `${by} asked to archive at event ${seq} with head ${hash}, but the chain has no such head: events were cut off or the chain was forked`;
    }
  }
  return undefined;
}
