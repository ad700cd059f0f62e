/**
 * Versioned schema migrations, applied in name order by Kysely's migrator on both dialects. Never
 * edit a released migration: add the next one.
 */
import type { Kysely, Migration } from "kysely";

export const migrations: Record<string, Migration> = {
  "0001_scenarios": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("scenarios")
        .addColumn("id", "varchar(100)", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("yaml", "text", (c) => c.notNull())
        .addColumn("created_at", "varchar(40)", (c) => c.notNull())
        .addColumn("updated_at", "varchar(40)", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("scenarios").execute();
    },
  },
  "0002_agreements": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("agreements")
        .addColumn("id", "varchar(100)", (c) => c.primaryKey())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("charter", "text", (c) => c.notNull())
        .addColumn("charter_hash", "varchar(64)", (c) => c.notNull())
        .addColumn("created_at", "varchar(40)", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("ledger_events")
        .addColumn("agreement_id", "varchar(100)", (c) => c.notNull().references("agreements.id"))
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("event_id", "varchar(100)", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("signature", "text", (c) => c.notNull())
        .addColumn("prev_hash", "varchar(64)", (c) => c.notNull())
        .addColumn("hash", "varchar(64)", (c) => c.notNull())
        .addColumn("received_at", "varchar(40)", (c) => c.notNull())
        .addPrimaryKeyConstraint("ledger_events_pk", ["agreement_id", "seq"])
        .addUniqueConstraint("ledger_events_event_id", ["agreement_id", "event_id"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("ledger_events").execute();
      await db.schema.dropTable("agreements").execute();
    },
  },
  /** Co-signed charters and signed checkpoints (issue 13). */
  "0003_agreement_statements": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("charter_signatures")
        .addColumn("agreement_id", "varchar(100)", (c) => c.notNull().references("agreements.id"))
        .addColumn("participant_id", "varchar(100)", (c) => c.notNull())
        .addColumn("signature", "text", (c) => c.notNull())
        .addColumn("signed_at", "varchar(40)", (c) => c.notNull())
        .addPrimaryKeyConstraint("charter_signatures_pk", ["agreement_id", "participant_id"])
        .execute();
      await db.schema
        .createTable("checkpoints")
        .addColumn("agreement_id", "varchar(100)", (c) => c.notNull().references("agreements.id"))
        .addColumn("participant_id", "varchar(100)", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("signature", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("checkpoints_pk", ["agreement_id", "participant_id", "seq"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("checkpoints").execute();
      await db.schema.dropTable("charter_signatures").execute();
    },
  },
  /** Parties' signed archive statements (src/ledger/archive.ts): one per participant. */
  "0004_archive_statements": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("archive_statements")
        .addColumn("agreement_id", "varchar(100)", (c) => c.notNull().references("agreements.id"))
        .addColumn("participant_id", "varchar(100)", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("signature", "text", (c) => c.notNull())
        .addColumn("signed_at", "varchar(40)", (c) => c.notNull())
        .addPrimaryKeyConstraint("archive_statements_pk", ["agreement_id", "participant_id"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("archive_statements").execute();
    },
  },
};
