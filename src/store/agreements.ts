/**
 * Agreements and their event chains. Appends are written in transactions that read the chain's
 * head and insert the next events; the (agreement, seq) primary key makes a second writer (another
 * process) that read the same head fail instead of forking the chain, and that writer retries on
 * the new head. Within a process, appends to one agreement are queued and group-committed. A
 * client event id already in the chain returns the stored event (same body and signature) or a
 * conflict.
 */
import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { ChainedEvent, Charter, CheckpointBody, EventBody, Link } from "../ledger/index.ts";
import { archiveState, canonicalJson, charterHash, eventHashText } from "../ledger/index.ts";
import type { Dialect } from "./connect.ts";
import { isBusy, isUniqueViolation, StoreError } from "./errors.ts";
import type { Database, EventTable } from "./schema.ts";

export interface AgreementRecord {
  id: string;
  title: string;
  charter: Charter;
  charterHash: string;
  createdAt: string;
}

export interface StoredEvent extends ChainedEvent {
  eventId: string;
}

export interface AppendResult {
  event: StoredEvent;
  /** True when this event id was already in the chain with the same body and signature. */
  duplicate: boolean;
}

export interface AgreementRepository {
  list(): Promise<Array<{ id: string; title: string; createdAt: string }>>;
  /** Throws StoreError("conflict") when the id is taken. */
  create(charter: Charter): Promise<AgreementRecord>;
  get(id: string): Promise<AgreementRecord | undefined>;
  /** The last event's seq and hash (0 and the charter hash for an empty chain); undefined if no agreement. */
  head(id: string): Promise<{ seq: number; hash: string } | undefined>;
  /** Events in chain order, optionally only those after `afterSeq`. */
  events(id: string, options?: { afterSeq?: number; limit?: number }): Promise<StoredEvent[]>;
  /**
   * Appends a signed event (the caller has checked signature and role). `body` must be the
   * canonical JSON that was signed. A new event for an archived agreement is refused with
   * StoreError("archived"), decided in the append's own transaction; a resent one is still found.
   */
  append(id: string, body: EventBody, signature: string): Promise<AppendResult>;
  /** Records a participant's (already checked) charter signature; a second one is ignored. */
  addCharterSignature(id: string, signature: StoredCharterSignature): Promise<void>;
  charterSignatures(id: string): Promise<StoredCharterSignature[]>;
  /** Records a participant's (already checked) checkpoint; the same one twice is ignored. */
  addCheckpoint(id: string, checkpoint: StoredCheckpoint): Promise<void>;
  checkpoints(id: string): Promise<StoredCheckpoint[]>;
}

export interface StoredCharterSignature {
  by: string;
  signature: string;
  signedAt: string;
}

export interface StoredCheckpoint {
  body: CheckpointBody;
  signature: string;
}

const MAX_ATTEMPTS = 200;

/**
 * The stored body is the canonical JSON that was signed. If the stored bytes are no longer that
 * (damaged or edited by hand), the raw text is passed on as the body so verification names it
 * rather than the export silently re-encoding it.
 */
function storedBody(text: string): EventBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (canonicalJson(parsed) === text) return parsed as EventBody;
  } catch {
    // fall through: not JSON at all
  }
  return text as unknown as EventBody;
}

function toEvent(row: EventTable): StoredEvent {
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
 * which on SQLite holds the one connection every other query waits for.
 */
function chainHash(link: Link): string {
  return createHash("sha256").update(eventHashText(link)).digest("hex");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Pending {
  bodyText: string;
  body: EventBody;
  signature: string;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { result: AppendResult } | { error: StoreError };

/** Most events one transaction writes; the rest wait for the next. */
const MAX_BATCH = 256;
/** How long a group commit waits for more appends while they keep coming (drain's gather). */
const GATHER_MS = 10;
const GATHER_STEP_MS = 1;

/** The newest event of an agreement's chain (its sequence number and hash), if it has any. */
function lastEvent(db: Kysely<Database> | Transaction<Database>, id: string) {
  return db
    .selectFrom("ledger_events")
    .select(["seq", "hash"])
    .where("agreement_id", "=", id)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The head of an agreement's chain: its last event, or seq 0 and the charter hash; undefined if no agreement. */
export async function chainHead(
  db: Kysely<Database> | Transaction<Database>,
  id: string,
): Promise<{ seq: number; hash: string } | undefined> {
  const agreement = await db
    .selectFrom("agreements")
    .select("charter_hash")
    .where("id", "=", id)
    .executeTakeFirst();
  if (!agreement) return undefined;
  return (await lastEvent(db, id)) ?? { seq: 0, hash: agreement.charter_hash };
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

export function agreementRepository(
  db: Kysely<Database>,
  dialect: Dialect,
  gatherMs = GATHER_MS,
  gatherStepMs = GATHER_STEP_MS,
): AgreementRepository {
  /**
   * Group commit: appends to one agreement that arrive while a transaction is being written wait
   * and are written together in the next one. Each is acknowledged only after its transaction
   * commits, so an acknowledged event survives a crash, while one fsync serves many events.
   */
  const queues = new Map<string, Pending[]>();

  async function writeBatch(trx: Transaction<Database>, id: string, batch: Pending[]): Promise<Outcome[]> {
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

  /** Writes one batch, re-reading the head and retrying when another writer got there first. */
  async function commitBatch(id: string, batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await db.transaction().execute((trx) => writeBatch(trx, id, batch));
        outcomes.forEach((outcome, i) => {
          if ("error" in outcome) batch[i].reject(outcome.error);
          else batch[i].resolve(outcome.result);
        });
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || (!isUniqueViolation(error) && !isBusy(error))) {
          for (const item of batch) item.reject(error);
          return;
        }
        // another process appended to this chain meanwhile: back off a little, re-read the head
        await sleep(Math.random() * Math.min(20, attempt * 2));
      }
    }
  }

  async function drain(id: string): Promise<void> {
    const queue = queues.get(id)!;
    while (queue.length > 0) {
      await gather(queue);
      await commitBatch(id, queue.splice(0, MAX_BATCH));
    }
    queues.delete(id);
  }

  /**
   * Before a batch is taken. A SQLite commit (its fsync) runs synchronously on the event loop:
   * nothing can join the queue while it runs. Letting the loop take its pending I/O first
   * (requests that arrived, signature checks that finished) makes the batch hold all of them,
   * instead of one transaction and one fsync per event. And while appends keep joining, they get
   * a little longer (GATHER_STEP_MS at a time, at most gatherMs in all): a burst of clients on
   * new connections reaches the queue one event after another, because the server accepts one
   * connection per turn of its event loop (libuv ≥ 1.45); without this each of them got a commit
   * of its own, which held the loop while the next connection waited. A lone append does not
   * wait: the queue did not grow.
   */
  async function gather(queue: Pending[]): Promise<void> {
    const deadline = performance.now() + gatherMs;
    let size = queue.length;
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > size && queue.length < MAX_BATCH && performance.now() < deadline) {
      size = queue.length;
      await sleep(gatherStepMs);
    }
  }

  return {
    async list() {
      const rows = await db
        .selectFrom("agreements")
        .select(["id", "title", "created_at"])
        .orderBy("created_at", "desc")
        .execute();
      return rows.map((r) => ({ id: r.id, title: r.title, createdAt: r.created_at }));
    },

    async create(charter) {
      const hash = await charterHash(charter);
      const row = {
        id: charter.id,
        title: charter.title,
        charter: canonicalJson(charter),
        charter_hash: hash,
        created_at: charter.adoptedAt,
      };
      try {
        await db.insertInto("agreements").values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreError("conflict", `an agreement with id "${charter.id}" exists`);
        throw error;
      }
      return { id: row.id, title: row.title, charter, charterHash: hash, createdAt: row.created_at };
    },

    async get(id) {
      const row = await db.selectFrom("agreements").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        title: row.title,
        charter: JSON.parse(row.charter) as Charter,
        charterHash: row.charter_hash,
        createdAt: row.created_at,
      };
    },

    head: (id) => chainHead(db, id),

    async events(id, options = {}) {
      let query = db
        .selectFrom("ledger_events")
        .selectAll()
        .where("agreement_id", "=", id)
        .where("seq", ">", options.afterSeq ?? 0)
        .orderBy("seq", "asc");
      if (options.limit !== undefined) query = query.limit(options.limit);
      return (await query.execute()).map(toEvent);
    },

    async addCharterSignature(id, { by, signature, signedAt }) {
      await db
        .insertInto("charter_signatures")
        .values({ agreement_id: id, participant_id: by, signature, signed_at: signedAt })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async charterSignatures(id) {
      const rows = await db
        .selectFrom("charter_signatures")
        .selectAll()
        .where("agreement_id", "=", id)
        .orderBy("signed_at")
        .orderBy("participant_id")
        .execute();
      return rows.map((r) => ({ by: r.participant_id, signature: r.signature, signedAt: r.signed_at }));
    },

    async addCheckpoint(id, { body, signature }) {
      await db
        .insertInto("checkpoints")
        .values({
          agreement_id: id,
          participant_id: body.by,
          seq: body.seq,
          body: canonicalJson(body),
          signature,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    async checkpoints(id) {
      const rows = await db
        .selectFrom("checkpoints")
        .selectAll()
        .where("agreement_id", "=", id)
        .orderBy("seq")
        .orderBy("participant_id")
        .execute();
      return rows.map((r) => ({
        body: storedBody(r.body) as unknown as CheckpointBody,
        signature: r.signature,
      }));
    },

    append(id, body, signature) {
      const bodyText = canonicalJson(body);
      return new Promise<AppendResult>((resolve, reject) => {
        const queue = queues.get(id);
        const item = { bodyText, body, signature, resolve, reject };
        if (queue) {
          queue.push(item);
          return;
        }
        queues.set(id, [item]);
        void drain(id);
      });
    },
  };
}
