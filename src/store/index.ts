/**
 * The store: SQLite by default (a file path, or ":memory:"), PostgreSQL when a database URL is
 * given. Opening it brings the schema up to date with the versioned migrations.
 *
 *   const store = await openStore({ sqlitePath: "lockstep.db" });
 *   const store = await openStore({ databaseUrl: process.env.DATABASE_URL });
 */
import { Migrator } from "kysely";
import { type AgreementRepository, agreementRepository } from "./agreements.ts";
import { AppendThread } from "./append-thread.ts";
import { type ArchiveRepository, archiveRepository } from "./archive.ts";
import { connect, type Dialect } from "./connect.ts";
import { migrations } from "./migrations.ts";
import { type ScenarioRepository, scenarioRepository } from "./scenarios.ts";
import { isMemoryPath } from "./sqlite.ts";

export type { AgreementRecord, AgreementRepository, AppendResult, StoredEvent } from "./agreements.ts";
export type { ArchiveRepository, StoredArchiveStatement } from "./archive.ts";
export { StoreError } from "./errors.ts";
export { exportLedger } from "./export.ts";
export type { ScenarioRecord, ScenarioRepository, ScenarioSummary } from "./scenarios.ts";
export { openSweepStore, type StoredPoint, type SweepStore, type SweepSummary } from "./sweeps.ts";

export interface StoreOptions {
  /** SQLite file; ":memory:" for a throw-away store. Ignored when databaseUrl is set. */
  sqlitePath?: string;
  /** postgres://… — use PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /**
   * Most milliseconds a group commit waits for more appends while they keep arriving (default
   * 10, src/store/agreements.ts); 0 takes each batch after one turn of the event loop, as before
   * (bench/streams.ts measures both).
   */
  gatherMs?: number;
  /**
   * How long a group commit waits at a time for the next append to join (default 1 ms, the same
   * file): it stops gathering after a step in which none did. bench/streams.ts `--gather`.
   */
  gatherStepMs?: number;
  /**
   * SQLite file: commit appends in the store's append thread (default true, append-thread.ts), so
   * no turn of the event loop waits for a commit's fsync; false commits them on the loop, as
   * before 30 Nov 2026 (bench/streams.ts measures both). An in-memory SQLite and PostgreSQL
   * always commit on the loop.
   */
  appendThread?: boolean;
}

export interface Store {
  dialect: Dialect;
  scenarios: ScenarioRepository;
  agreements: AgreementRepository;
  /** Parties' requests to archive (hide) an agreement. */
  archives: ArchiveRepository;
  close(): Promise<void>;
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const { db, dialect } = await connect(options);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`store migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  const sqlitePath = options.sqlitePath ?? "lockstep.db";
  const thread =
    dialect === "sqlite" && options.appendThread !== false && !isMemoryPath(sqlitePath)
      ? new AppendThread(sqlitePath)
      : undefined;
  return {
    dialect,
    scenarios: scenarioRepository(db),
    agreements: agreementRepository(
      db,
      dialect,
      options.gatherMs,
      options.gatherStepMs,
      thread && ((id, batch) => thread.commit(id, batch)),
      thread && (() => thread.prepare()),
    ),
    archives: archiveRepository(db, dialect),
    async close() {
      await thread?.close();
      await db.destroy();
    },
  };
}

/** Options from the environment: DATABASE_URL selects PostgreSQL, else LOCKSTEP_DB or ./lockstep.db. */
export function storeOptionsFromEnv(env: Record<string, string | undefined>): StoreOptions {
  if (env.DATABASE_URL) return { databaseUrl: env.DATABASE_URL };
  return { sqlitePath: env.LOCKSTEP_DB ?? "lockstep.db" };
}
