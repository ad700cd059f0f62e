/**
 * Offline verification of an exported ledger: the charter's hash, then for every event in order
 * its position, its link to the previous hash, its body (canonical, well-formed, for this
 * agreement, allowed by the charter), its signature under the submitter's key and its own hash.
 * The first failure is named by sequence number and event id.
 */
import type { CompiledScenario } from "../analysis/index.ts";
import { type CharterVersions, charterVersions } from "./amendments.ts";
import { archiveFault } from "./archive.ts";
import { authorize, findParticipant } from "./authorize.ts";
import { canonicalJson } from "./canonical.ts";
import { charterHash, eventHash, type Link } from "./chain.ts";
import { Charter, compileCharter } from "./charter.ts";
import { importPublicKey, verifyText } from "./crypto.ts";
import { describeIssues, EventBody } from "./events.ts";
import { CheckpointBody, verifyStatement } from "./statements.ts";

export const EXPORT_FORMAT = "lockstep-ledger";

/** The export document (`lockstep ledger export`, `GET /api/agreements/:id/export`). */
export interface LedgerExport {
  format: typeof EXPORT_FORMAT;
  /**
   * 3: events may include amendments (charter versions); 2: the same document without them
   * (verifiers accept both); version 1 had neither charter signatures nor checkpoints.
   */
  version: 2 | 3;
  agreement: string;
  charter: Charter;
  charterHash: string;
  /** Hash of the last event (the charter hash when there is none): keep it to detect truncation. */
  head: string;
  exportedAt: string;
  /** Each participant's signature of the charter hash (every party's is required). */
  charterSignatures: Array<{ by: string; signature: string; signedAt: string }>;
  /** Participants' signed checkpoints of the head, as the server holds them. */
  checkpoints: Array<{ body: unknown; signature: string }>;
  /** Parties' signed archive statements (archive.ts); absent when none asked. */
  archive?: Array<{ body: unknown; signature: string }>;
  events: Array<{
    seq: number;
    eventId: string;
    body: unknown;
    signature: string;
    prevHash: string;
    hash: string;
    receivedAt: string;
  }>;
}

export type VerifyResult =
  | {
      ok: true;
      events: number;
      head: string;
      checkpoints: number;
      signedBy: string[];
      /** The charter's versions as the chain records them (amendments.ts). */
      versions: CharterVersions;
    }
  | { ok: false; checked: number; seq?: number; eventId?: string; message: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

interface WellFormed {
  body: EventBody;
  signature: string;
  receivedAt: string;
  hash: string;
}

/**
 * What is wrong with an event's shape, numbering, link or body; or its parts when nothing is.
 * Exported for the watcher (watch.ts), which checks events one at a time as they arrive.
 */
export function structuralFault(
  raw: unknown,
  index: number,
  prevHash: string,
  charter: Charter,
  seen: Set<string>,
): string | WellFormed {
  if (!isRecord(raw)) return "is not an object";
  if (raw.seq !== index + 1) return `is numbered ${String(raw.seq)}: events are missing or out of order`;
  if (raw.prevHash !== prevHash) return "does not link to the event before it (order or content changed)";
  if (!isRecord(raw.body)) return "body is not a JSON object (the stored bytes are damaged)";
  const body = EventBody.safeParse(raw.body);
  if (!body.success) return `body is malformed: ${describeIssues(body.error)}`;
  if (body.data.agreement !== charter.id) return `was signed for agreement ${body.data.agreement}`;
  if (body.data.id !== raw.eventId) return "event id does not match the signed body";
  if (seen.has(body.data.id)) return "repeats an earlier event id";
  seen.add(body.data.id);
  if (
    typeof raw.signature !== "string" ||
    typeof raw.receivedAt !== "string" ||
    typeof raw.hash !== "string"
  ) {
    return "signature, receivedAt or hash is missing";
  }
  if (!findParticipant(charter, body.data.by)) return `submitter ${body.data.by} is not a participant`;
  return { body: body.data, signature: raw.signature, receivedAt: raw.receivedAt, hash: raw.hash };
}

/**
 * Checks the charter signatures: every one present must be a participant's valid signature of this
 * charter hash, and every party's participant must have signed. A charter changed after signing
 * (a key swapped, say) has another hash, so the other parties' signatures no longer match it.
 */
async function charterSignatureFault(
  doc: Record<string, unknown>,
  charter: Charter,
  rootHash: string,
  keys: Map<string, CryptoKey>,
): Promise<string | undefined> {
  if (!Array.isArray(doc.charterSignatures)) return "charterSignatures is not a list";
  const signed = new Set<string>();
  for (const raw of doc.charterSignatures) {
    if (!isRecord(raw) || typeof raw.by !== "string" || typeof raw.signature !== "string") {
      return "a charter signature is not { by, signature }";
    }
    const key = keys.get(raw.by);
    if (!key) return `the charter is signed by ${raw.by}, who is not a participant`;
    const statement = {
      v: 1,
      type: "charter.signed",
      agreement: charter.id,
      charterHash: rootHash,
      by: raw.by,
    };
    if (!(await verifyStatement(key, statement, raw.signature))) {
      return `${raw.by}'s charter signature does not match this charter: the charter (its keys, plan or participants) was changed after it was signed`;
    }
    signed.add(raw.by);
  }
  const unsigned = charter.participants.filter((p) => p.role === "party" && !signed.has(p.id));
  if (unsigned.length > 0) {
    return `the charter is not signed by ${unsigned.map((p) => `${p.id} (party ${p.party})`).join(", ")}: the agreement never became active`;
  }
  return undefined;
}

/**
 * Checks checkpoints against the verified chain: each must be a participant's valid signature of
 * a head (seq, hash) that this chain has. One naming a head the chain lacks proves the export was
 * cut short or forked after the participant saw that head.
 */
async function checkpointFault(
  raw: unknown,
  charter: Charter,
  keys: Map<string, CryptoKey>,
  hashes: string[],
): Promise<string | undefined> {
  if (!isRecord(raw)) return "a checkpoint is not { body, signature }";
  const body = CheckpointBody.safeParse(raw.body);
  if (!body.success) return `a checkpoint is malformed: ${describeIssues(body.error)}`;
  const { by, seq, hash, at, agreement } = body.data;
  if (agreement !== charter.id) return `a checkpoint by ${by} is for agreement ${agreement}`;
  const key = keys.get(by);
  if (!key) return `a checkpoint is signed by ${by}, who is not a participant`;
  if (typeof raw.signature !== "string" || !(await verifyStatement(key, raw.body, raw.signature))) {
    return `the checkpoint by ${by} at seq ${seq} has a signature that does not match ${by}'s key`;
  }
  if (hashes[seq] !== hash) {
    const what =
      seq >= hashes.length
        ? `the export ends at event ${hashes.length - 1}`
        : `event ${seq} has another hash`;
    return `${by} countersigned event ${seq} with head ${hash} at ${at}, but ${what}: events were cut off or the chain was forked`;
  }
  return undefined;
}

/**
 * Verifies a parsed export. `expectedHead`, if given, must equal the last hash (detects a cut tail);
 * `localCheckpoints` are checkpoints a participant kept, checked like the export's own;
 * `signedCharters` are charter or amendment hashes a participant signed, each of which the export
 * must contain (an operator that replaced every party's key re-signs a charter nobody signed).
 */
export async function verifyLedger(
  doc: unknown,
  expectedHead?: string,
  localCheckpoints: unknown[] = [],
  signedCharters: string[] = [],
): Promise<VerifyResult> {
  if (isRecord(doc) && doc.format === EXPORT_FORMAT && doc.version === 1) {
    return {
      ok: false,
      checked: 0,
      message:
        "a version 1 export has no charter signatures or checkpoints: export it again from a current server",
    };
  }
  if (!isRecord(doc) || doc.format !== EXPORT_FORMAT || (doc.version !== 2 && doc.version !== 3)) {
    return { ok: false, checked: 0, message: `not a ${EXPORT_FORMAT} export (version 3 or 2)` };
  }
  const charter = Charter.safeParse(doc.charter);
  if (!charter.success) {
    return { ok: false, checked: 0, message: `charter is malformed: ${describeIssues(charter.error)}` };
  }
  const rootHash = await charterHash(doc.charter);
  if (rootHash !== doc.charterHash) {
    return {
      ok: false,
      checked: 0,
      message: "charter hash does not match the charter: the charter was altered",
    };
  }
  if (doc.agreement !== charter.data.id) {
    return { ok: false, checked: 0, message: "export names a different agreement than its charter" };
  }
  let compiled: CompiledScenario;
  try {
    compiled = compileCharter(charter.data);
  } catch (error) {
    return { ok: false, checked: 0, message: (error as Error).message };
  }
  const keys = new Map<string, CryptoKey>();
  for (const p of charter.data.participants) {
    const key = await importPublicKey(p.publicKey);
    if (!key) return { ok: false, checked: 0, message: `participant ${p.id} has an invalid public key` };
    keys.set(p.id, key);
  }
  const unsigned = await charterSignatureFault(doc, charter.data, rootHash, keys);
  if (unsigned) return { ok: false, checked: 0, message: unsigned };
  if (!Array.isArray(doc.events)) return { ok: false, checked: 0, message: "events is not a list" };

  // First pass, in order and cheap: shape, numbering, links, body, role. It stops at the first
  // structural fault; later events cannot be trusted to mean anything.
  interface Pending {
    index: number;
    eventId?: string;
    fault?: string;
    refusal?: string;
    key?: CryptoKey;
    bodyText?: string;
    signature?: string;
    link?: Link;
    claimedHash?: string;
  }
  const pending: Pending[] = [];
  let prevClaimed = rootHash;
  const seen = new Set<string>();
  for (const [index, raw] of doc.events.entries()) {
    const eventId = isRecord(raw) && typeof raw.eventId === "string" ? raw.eventId : undefined;
    const item: Pending = { index, eventId };
    pending.push(item);
    const fault = structuralFault(raw, index, prevClaimed, charter.data, seen);
    if (typeof fault === "string") {
      item.fault = fault;
      break;
    }
    const { body, signature, receivedAt, hash } = fault;
    item.key = keys.get(body.by);
    if (!item.key) {
      item.fault = `submitter ${body.by} is not a participant`;
      break;
    }
    item.bodyText = canonicalJson((raw as Record<string, unknown>).body);
    item.signature = signature;
    item.refusal = authorize(charter.data, compiled, body)?.message;
    item.link = { seq: index + 1, prevHash: prevClaimed, body, signature, receivedAt };
    item.claimedHash = hash;
    prevClaimed = hash;
  }

  // Second pass: signatures and hashes are independent of each other, so they run concurrently
  // (WebCrypto works off the main thread); the first failure in chain order is reported.
  const CHUNK = 256;
  for (let start = 0; start < pending.length; start += CHUNK) {
    const chunk = pending.slice(start, start + CHUNK);
    const checked = await Promise.all(
      chunk.map(async (item) => {
        if (item.fault !== undefined) return { signed: true, hashed: true };
        const [signed, hash] = await Promise.all([
          verifyText(item.key!, item.bodyText!, item.signature!),
          eventHash(item.link!),
        ]);
        return { signed, hashed: hash === item.claimedHash };
      }),
    );
    for (const [i, item] of chunk.entries()) {
      const bad = (message: string): VerifyResult => ({
        ok: false,
        checked: item.index,
        seq: item.index + 1,
        eventId: item.eventId,
        message: `event ${item.index + 1}${item.eventId ? ` (${item.eventId})` : ""}: ${message}`,
      });
      if (item.fault !== undefined) return bad(item.fault);
      if (!checked[i].signed) {
        return bad(`signature does not match ${item.link!.body.by}'s key (body or signature altered)`);
      }
      if (item.refusal !== undefined) return bad(`is not allowed by the charter: ${item.refusal}`);
      if (!checked[i].hashed) return bad("hash does not match its content");
    }
  }
  const prev = prevClaimed;
  // every hash of the chain by seq (0: the charter), now that all of them check
  const hashes = [rootHash, ...pending.map((item) => item.claimedHash!)];
  const checkpoints = [...(Array.isArray(doc.checkpoints) ? doc.checkpoints : []), ...localCheckpoints];
  if (doc.checkpoints !== undefined && !Array.isArray(doc.checkpoints)) {
    return { ok: false, checked: doc.events.length, message: "checkpoints is not a list" };
  }
  for (const checkpoint of checkpoints) {
    const fault = await checkpointFault(checkpoint, charter.data, keys, hashes);
    if (fault) return { ok: false, checked: doc.events.length, message: fault };
  }
  const archived = await archiveFault(doc.archive, charter.data, rootHash, keys, hashes);
  if (archived) return { ok: false, checked: doc.events.length, message: archived };
  if (doc.head !== prev) {
    return { ok: false, checked: doc.events.length, message: "head hash does not match the last event" };
  }
  if (expectedHead !== undefined && expectedHead !== prev) {
    return {
      ok: false,
      checked: doc.events.length,
      message: `head is ${prev}, expected ${expectedHead}: events were cut or added`,
    };
  }
  // Every amendment event has been checked like any event (signature, role, a well-formed plan);
  // which versions they put in force follows from the chain alone.
  const versions = charterVersions(
    charter.data,
    rootHash,
    pending.map((item) => ({
      seq: item.index + 1,
      body: item.link!.body,
      hash: item.claimedHash!,
      receivedAt: item.link!.receivedAt,
    })),
  );
  const contained = new Set([rootHash, ...versions.versions.map((v) => v.hash)]);
  for (const item of pending)
    if (item.link?.body.type === "amendment.proposed") contained.add(item.claimedHash!);
  const missing = signedCharters.find((hash) => !contained.has(hash));
  if (missing !== undefined) {
    return {
      ok: false,
      checked: doc.events.length,
      message: `you signed charter version ${missing}, which this export does not contain (its charter hash is ${rootHash}): the charter or an amendment was replaced`,
    };
  }
  return {
    ok: true,
    events: doc.events.length,
    head: prev,
    checkpoints: checkpoints.length,
    signedBy: (doc.charterSignatures as Array<{ by: string }>).map((s) => s.by),
    versions,
  };
}
