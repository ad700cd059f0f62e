/**
 * Agreements and their event chains. Within a process, appends to one agreement are queued and
 * group-committed: each batch is one transaction (append-transaction.ts: read the head, chain the
 * new events after it, insert; a resent event id returns the stored event). On a SQLite file the
 * transactions run in the append thread (append-thread.ts), elsewhere on the event loop.
 */
import type { Kysely, Transaction } from "kysely";
import type { ChainedEvent, Charter, CheckpointBody, EventBody } from "../ledger/index.ts";
import { canonicalJson, charterHash } from "../ledger/index.ts";
import {
  type AppendItem,
  commitAppends,
  lastEvent,
  type Outcome,
  storedBody,
  toEvent,
} from "./append-transaction.ts";
import type { Dialect } from "./connect.ts";
import { isUniqueViolation, StoreError } from "./errors.ts";
import type { Database } from "./schema.ts";

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
  /**
   * Appends are expected soon (an event stream was opened, a charter signed): get what commits them
   * ready now, so the first batch does not wait for it (the SQLite append thread's start). Returns at
   * once; does nothing where appends commit on the event loop.
   */
  prepareAppends(): void;
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

/** Most events one transaction writes; the rest wait for the next. */
const MAX_BATCH = 256;
/** How long a group commit waits for more appends while they keep coming (drain's gather). */
const GATHER_MS = 10;
const GATHER_STEP_MS = 1;

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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Pending extends AppendItem {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** Writes a batch of appends to one agreement in one transaction; each item's outcome once committed. */
export type CommitAppends = (id: string, batch: AppendItem[]) => Promise<Outcome[]>;

/**
 * `commit` writes the batches: by default on this connection (the event loop); a SQLite file store
 * passes its append thread's (append-thread.ts).
 */
export function agreementRepository(
  db: Kysely<Database>,
  dialect: Dialect,
  gatherMs = GATHER_MS,
  gatherStepMs = GATHER_STEP_MS,
  commit: CommitAppends = (id, batch) => commitAppends(db, dialect, id, batch),
  prepare: () => void = () => {},
): AgreementRepository {
  /**
   * Group commit: appends to one agreement that arrive while a transaction is being written wait
   * and are written together in the next one. Each is acknowledged only after its transaction
   * commits, so an acknowledged event survives a crash, while one fsync serves many events.
   */
  const queues = new Map<string, Pending[]>();

  /** Writes one batch and settles its appends; a database error fails them all. */
  async function commitBatch(id: string, batch: Pending[]): Promise<void> {
    try {
      const outcomes = await commit(
        id,
        batch.map(({ bodyText, body, signature }) => ({ bodyText, body, signature })),
      );
      outcomes.forEach((outcome, i) => {
        if ("error" in outcome) batch[i].reject(outcome.error);
        else batch[i].resolve(outcome.result);
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
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
   * Before a batch is taken. Letting the loop take its pending I/O first (requests that arrived,
   * signature checks that finished) makes the batch hold all of them, instead of one transaction
   * and one fsync per event. And while appends keep joining, they get a little longer
   * (gatherStepMs at a time, at most gatherMs in all): a burst of clients on new connections
   * reaches the queue one event after another, because the server accepts one connection per turn
   * of its event loop (libuv ≥ 1.45). Where the commit runs on the loop (PostgreSQL's round trips
   * do not hold it; an in-memory SQLite's commit does, without an fsync) nothing joins the queue
   * while it runs. A lone append does not wait: the queue did not grow.
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

    prepareAppends: prepare,

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
