/**
 * The hash chain. Each event's hash covers its position, the previous hash, the signed body, the
 * signature and the time the server received it, all as canonical JSON; the first event chains
 * from the charter's hash. Changing, dropping, inserting or reordering any event changes a hash
 * that a later event (or the exported head) depends on.
 */
import { canonicalJson } from "./canonical.ts";
import { sha256Hex } from "./crypto.ts";
import type { EventBody } from "./events.ts";

export interface Link {
  seq: number;
  prevHash: string;
  body: EventBody;
  signature: string;
  receivedAt: string;
}

/** The text an event's hash is the SHA-256 of (hex): the link as canonical JSON. */
export function eventHashText(link: Link): string {
  return canonicalJson({
    seq: link.seq,
    prevHash: link.prevHash,
    body: link.body,
    signature: link.signature,
    receivedAt: link.receivedAt,
  });
}

export function eventHash(link: Link): Promise<string> {
  return sha256Hex(eventHashText(link));
}

export function charterHash(charter: unknown): Promise<string> {
  return sha256Hex(canonicalJson(charter));
}
