/**
 * Archive statements: each party's signed request to archive (hide) an agreement. Whether an
 * agreement is archived follows from them and its charter (every party has asked; the rule is
 * archiveState in src/ledger/archive.ts), so nothing else is stored and a request gathered by
 * another process is seen by the next read.
 */
import type { Kysely } from "kysely";
import { type ArchiveBody, archiveState, type Charter, canonicalJson } from "../ledger/index.ts";
import { chainHead } from "./agreements.ts";
import type { Dialect } from "./connect.ts";
import { isBusy, StoreError } from "./errors.ts";
import type { Database } from "./schema.ts";

export interface StoredArchiveStatement {
  body: ArchiveBody;
  signature: string;
  signedAt: string;
}

export interface ArchiveRepository {
  /**
   * Records a party's (already checked) archive statement; a second one by the same party is
   * ignored. Returns the chain's head when the statement was recorded: it is written in a
   * transaction ordered with the appends (agreements.ts), so once the last party's statement is in,
   * that head is the chain's last.
   */
  add(id: string, statement: StoredArchiveStatement): Promise<{ seq: number; hash: string }>;
  statements(id: string): Promise<StoredArchiveStatement[]>;
  /** The ids of the agreements every party has asked to archive. */
  archivedIds(): Promise<Set<string>>;
}

const MAX_ATTEMPTS = 50;

export function archiveRepository(db: Kysely<Database>, dialect: Dialect): ArchiveRepository {
  return {
    async add(id, { body, signature, signedAt }) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(async (trx) => {
            // PostgreSQL: the append's lock on the agreement row, so the two are serialised. SQLite:
            // the write comes first, so this transaction holds the one write lock before it reads.
            if (dialect === "postgres") {
              await trx.selectFrom("agreements").select("id").where("id", "=", id).forUpdate().execute();
            }
            await trx
              .insertInto("archive_statements")
              .values({
                agreement_id: id,
                participant_id: body.by,
                body: canonicalJson(body),
                signature,
                signed_at: signedAt,
              })
              .onConflict((oc) => oc.doNothing())
              .execute();
            const head = await chainHead(trx, id);
            if (!head) throw new StoreError("not_found", `no agreement '${id}'`);
            return head;
          });
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS || !isBusy(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, attempt * 2)));
        }
      }
    },

    async statements(id) {
      const rows = await db
        .selectFrom("archive_statements")
        .selectAll()
        .where("agreement_id", "=", id)
        .orderBy("signed_at")
        .orderBy("participant_id")
        .execute();
      return rows.map((r) => ({
        body: JSON.parse(r.body) as ArchiveBody,
        signature: r.signature,
        signedAt: r.signed_at,
      }));
    },

    async archivedIds() {
      // only agreements someone asked to archive need their charter read
      const rows = await db
        .selectFrom("archive_statements")
        .innerJoin("agreements", "agreements.id", "archive_statements.agreement_id")
        .select(["archive_statements.agreement_id as id", "participant_id", "agreements.charter"])
        .execute();
      const byAgreement = new Map<string, { charter: string; signers: string[] }>();
      for (const row of rows) {
        const entry = byAgreement.get(row.id) ?? { charter: row.charter, signers: [] };
        entry.signers.push(row.participant_id);
        byAgreement.set(row.id, entry);
      }
      const archived = new Set<string>();
      for (const [id, { charter, signers }] of byAgreement) {
        if (archiveState(JSON.parse(charter) as Charter, signers).state === "archived") archived.add(id);
      }
      return archived;
    },
  };
}
