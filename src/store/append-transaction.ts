/**
 * One batch of appends to one agreement's chain, written in one transaction: read the head, number
 * and hash the new events after it, insert them. The (agreement, seq) primary key makes a second
 * writer that read the same head (another process, or on SQLite the append thread and another
 * connection) fail instead of forking the chain; the batch is then retried on the new head. A
 * client event id already in the chain returns the stored event (same body and signature) or a
 * conflict. The same code runs on the event loop (PostgreSQL, in-memory SQLite) and in the SQLite
 * append thread (append-worker.ts).
 */
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Charter, EventBody, Link } from "../ledger/index.ts";
import { archiveState, canonicalJson, eventHashText } from "../ledger/index.ts";
import type { AppendResult, StoredEvent } from "./agreements.ts";
import type { Dialect } from "./connect.ts";
import { isBusy, isUniqueViolation, StoreError } from "./errors.ts";
import type { Database, EventTable } from "./schema.ts";

/** One signed event to append; `bodyText` is the canonical JSON of `body` that was signed. */
export interface AppendItem {
  bodyText: string;
  body: EventBody;
  signature: string;
}

/** What became of one item: stored (or found stored already), or refused. */
export type Outcome = { result: AppendResult } | { error: StoreError };

const MAX_ATTEMPTS = 200;

/**
 * The stored body is the canonical JSON that was signed. If the stored bytes are no longer that
 * (damaged or edited by hand), the raw text is passed on as the body so verification names it
 * rather than the export silently re-encoding it.
 */
export function storedBody(text: string): EventBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (canonicalJson(parsed) === text) return parsed as EventBody;
  } catch {
    // fall through: not JSON at all
  }
  return text as unknown as EventBody;
}

export function toEvent(row: EventTable): StoredEvent {
  return {
    seq: row.seq,
    eventId: row.event_id,
    body: storedBody(row.body),
    signature: row.signature,
    prevHash: row.prev_hash,
    hash: row.hash,
    receivedAt: row.received_at,
  };
}

/**
 * The event's chain hash (src/ledger/chain.ts's eventHash), computed synchronously: WebCrypto's
 * digest is a round trip to the thread pool per event, all of it inside the append transaction,
 * which on SQLite holds the connection every other query of it waits for.
 */
function chainHash(link: Link): string {
  return createHash("sha256").update(eventHashText(link)).digest("hex");
}

/** The newest event of an agreement's chain (its sequence number and hash), if it has any. */
export function lastEvent(db: Kysely<Database> | Transaction<Database>, id: string) {
  return db
    .selectFrom("ledger_events")
    .select(["seq", "hash"])
    .where("agreement_id", "=", id)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** True once every party of the agreement has asked to archive it (src/ledger/archive.ts). */
async function isArchived(trx: Transaction<Database>, id: string): Promise<boolean> {
  const askers = await trx
    .selectFrom("archive_statements")
    .select("participant_id")
    .where("agreement_id", "=", id)
    .execute();
  if (askers.length === 0) return false; // the usual case: no charter to read
  const { charter } = await trx
    .selectFrom("agreements")
    .select("charter")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return (
    archiveState(
      JSON.parse(charter) as Charter,
      askers.map((a) => a.participant_id),
    ).state === "archived"
  );
}

function archivedError(id: string): StoreError {
  return new StoreError(
    "archived",
    `agreement '${id}' is archived (every party asked to): it takes no new events; its ledger can still be read and exported`,
  );
}

async function writeBatch(
  trx: Transaction<Database>,
  dialect: Dialect,
  id: string,
  batch: readonly AppendItem[],
): Promise<Outcome[]> {
  let agreementQuery = trx.selectFrom("agreements").select(["charter_hash"]).where("id", "=", id);
  // Postgres: lock the agreement row so writers of one agreement queue instead of colliding.
  if (dialect === "postgres") agreementQuery = agreementQuery.forUpdate();
  const agreement = await agreementQuery.executeTakeFirst();
  if (!agreement) return batch.map(() => ({ error: new StoreError("not_found", `no agreement '${id}'`) }));

  const ids = [...new Set(batch.map((p) => p.body.id))];
  const existing = new Map<string, EventTable>();
  for (let i = 0; i < ids.length; i += 200) {
    const rows = await trx
      .selectFrom("ledger_events")
      .selectAll()
      .where("agreement_id", "=", id)
      .where("event_id", "in", ids.slice(i, i + 200))
      .execute();
    for (const row of rows) existing.set(row.event_id, row);
  }
  // Read under the same lock (PostgreSQL) or snapshot (SQLite) as the head: archiving takes that
  // lock too (archive.ts), so an event is either in the chain before the agreement is archived
  // or refused, never appended after.
  const archived = await isArchived(trx, id);
  const head = await lastEvent(trx, id);
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? agreement.charter_hash;
  const receivedAt = new Date().toISOString();
  const rows: EventTable[] = [];
  const outcomes: Outcome[] = [];
  for (const item of batch) {
    const earlier = existing.get(item.body.id);
    if (earlier) {
      outcomes.push(
        earlier.body === item.bodyText && earlier.signature === item.signature
          ? { result: { event: toEvent(earlier), duplicate: true } }
          : {
              error: new StoreError(
                "conflict",
                `event id '${item.body.id}' is already used by a different event`,
              ),
            },
      );
      continue;
    }
    if (archived) {
      outcomes.push({ error: archivedError(id) });
      continue;
    }
    seq += 1;
    const hash = chainHash({ seq, prevHash, body: item.body, signature: item.signature, receivedAt });
    const row: EventTable = {
      agreement_id: id,
      seq,
      event_id: item.body.id,
      body: item.bodyText,
      signature: item.signature,
      prev_hash: prevHash,
      hash,
      received_at: receivedAt,
    };
    rows.push(row);
    existing.set(row.event_id, row); // a copy later in the same batch is a retry of this one
    prevHash = hash;
    outcomes.push({ result: { event: toEvent(row), duplicate: false } });
  }
  for (let i = 0; i < rows.length; i += 100) {
    await trx
      .insertInto("ledger_events")
      .values(rows.slice(i, i + 100))
      .execute();
  }
  return outcomes;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Writes one batch and returns each item's outcome once the transaction has committed (on SQLite
 * with synchronous = FULL: once it is on disk), re-reading the head and retrying when another
 * writer got there first. Throws the database's error when it is anything else, or after
 * MAX_ATTEMPTS lost races.
 */
export async function commitAppends(
  db: Kysely<Database>,
  dialect: Dialect,
  id: string,
  batch: readonly AppendItem[],
): Promise<Outcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => writeBatch(trx, dialect, id, batch));
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || (!isUniqueViolation(error) && !isBusy(error))) throw error;
      // another writer appended to this chain meanwhile: back off a little, re-read the head
      await sleep(Math.random() * Math.min(20, attempt * 2));
    }
  }
}
