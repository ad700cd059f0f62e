/**
 * What `lockstep ledger watch` decides, without any I/O: a participant's own record of an
 * agreement (the latest head it verified, and the checkpoints it signed), how a server's chain
 * compares with that record, and the check of each new event as it arrives.
 *
 * The record is enough to catch a rollback: the chain is hash-linked, so a server whose chain
 * still has the recorded hash at the recorded seq has kept every event up to it unchanged. A chain
 * shorter than the record was cut (or rolled back); one with another hash at that seq, or another
 * charter hash, is a fork.
 */
import { z } from "zod";
import type { CompiledScenario } from "../analysis/index.ts";
import { authorize } from "./authorize.ts";
import { canonicalJson } from "./canonical.ts";
import { eventHash } from "./chain.ts";
import { type Charter, compileCharter } from "./charter.ts";
import { importPublicKey, verifyText } from "./crypto.ts";
import { CheckpointBody, SignedStatement } from "./statements.ts";
import { type LedgerExport, structuralFault } from "./verify.ts";

const HASH = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 hash in hex");

/** A head of the chain: the number of its last event (0: none yet) and that event's hash. */
export const Head = z.strictObject({ seq: z.int().min(0), hash: HASH });
export type Head = z.output<typeof Head>;

/** The watcher's state file for one agreement (one JSON document; docs/ledger.md "Watching a server"). */
export const WatchState = z.strictObject({
  format: z.literal("lockstep-watch"),
  v: z.literal(1),
  agreement: z.string().min(1).max(100),
  /** The server it was last followed on (informational: the record holds for any copy of the chain). */
  server: z.string(),
  charterHash: HASH,
  /** The latest head the watcher verified, and when. */
  head: Head.extend({ verifiedAt: z.iso.datetime({ offset: true }) }),
  /** Checkpoints the watcher signed (with --key), oldest first: the participant's own copies. */
  checkpoints: z.array(SignedStatement),
});
export type WatchState = z.output<typeof WatchState>;

/** Why the watcher raises the alarm: the chain went back or forked, or it does not verify. */
export type AlarmKind = "rollback" | "tampered";

export interface Alarm {
  kind: AlarmKind;
  message: string;
}

/**
 * How a server's chain (its charter hash and every event hash by seq, index 0 being the charter
 * hash) compares with the watcher's record: undefined when it extends it, else the alarm.
 */
export function compareWithRecord(
  state: Pick<WatchState, "charterHash" | "head" | "checkpoints">,
  charterHash: string,
  hashes: readonly string[],
): Alarm | undefined {
  if (charterHash !== state.charterHash) {
    return {
      kind: "rollback",
      message: `the server's charter has hash ${charterHash}, but you recorded ${state.charterHash}: the agreement was replaced (a fork from its root)`,
    };
  }
  const heads: Array<{ seq: number; hash: string; what: string }> = [
    { ...state.head, what: `the head you verified at ${state.head.verifiedAt}` },
  ];
  for (const checkpoint of state.checkpoints) {
    const body = CheckpointBody.safeParse(checkpoint.body);
    if (body.success) heads.push({ ...body.data, what: `your checkpoint of ${body.data.at}` });
  }
  const last = hashes.length - 1;
  for (const head of heads) {
    if (head.seq > last) {
      return {
        kind: "rollback",
        message: `the server's ledger ends at event ${last}, but ${head.what} is event ${head.seq} (hash ${head.hash}): events were cut off or rolled back`,
      };
    }
    if (hashes[head.seq] !== head.hash) {
      return {
        kind: "rollback",
        message: `the server's event ${head.seq} has hash ${hashes[head.seq]}, but ${head.what} has ${head.hash}: the ledger was forked (history rewritten from there)`,
      };
    }
  }
  return undefined;
}

/** Every hash of an export's chain by seq (0: the charter hash), as the export claims them. */
export function chainHashes(doc: Pick<LedgerExport, "charterHash" | "events">): string[] {
  return [doc.charterHash, ...doc.events.map((e) => e.hash)];
}

/**
 * Checks events one at a time as a stream delivers them, from a head already verified (with the
 * whole export, by verifyLedger): numbering, link, body, role, signature and hash, like
 * verifyLedger does for each event. Built from a verified export; `head` advances with each
 * event that checks.
 */
export class ChainFollower {
  private constructor(
    private readonly charter: Charter,
    private readonly compiled: CompiledScenario,
    private readonly keys: Map<string, CryptoKey>,
    private readonly seen: Set<string>,
    public head: Head,
  ) {}

  /** From an export that verifyLedger accepted. */
  static async from(doc: LedgerExport): Promise<ChainFollower> {
    const keys = new Map<string, CryptoKey>();
    for (const p of doc.charter.participants) {
      const key = await importPublicKey(p.publicKey);
      if (key) keys.set(p.id, key);
    }
    const seen = new Set(doc.events.map((e) => e.eventId));
    const head = { seq: doc.events.length, hash: doc.head };
    return new ChainFollower(doc.charter, compileCharter(doc.charter), keys, seen, head);
  }

  /** What is wrong with the next event, or undefined (and the head moves on) when it checks. */
  async next(raw: unknown): Promise<string | undefined> {
    const { seq, hash } = this.head;
    const fault = structuralFault(raw, seq, hash, this.charter, new Set(this.seen));
    const label = `event ${(raw as { seq?: unknown } | null)?.seq ?? "?"}`;
    if (typeof fault === "string") return `${label} ${fault}`;
    const key = this.keys.get(fault.body.by);
    if (!key) return `${label}: submitter ${fault.body.by} has no valid key`;
    const bodyText = canonicalJson((raw as { body: unknown }).body);
    if (!(await verifyText(key, bodyText, fault.signature))) {
      return `${label}: signature does not match ${fault.body.by}'s key (body or signature altered)`;
    }
    const refusal = authorize(this.charter, this.compiled, fault.body);
    if (refusal) return `${label}: is not allowed by the charter: ${refusal.message}`;
    const link = { seq: seq + 1, prevHash: hash, body: fault.body, signature: fault.signature };
    if ((await eventHash({ ...link, receivedAt: fault.receivedAt })) !== fault.hash) {
      return `${label}: hash does not match its content`;
    }
    this.seen.add(fault.body.id);
    this.head = { seq: seq + 1, hash: fault.hash };
    return undefined;
  }
}
