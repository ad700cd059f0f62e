/**
 * Sweep results: one row per sweep (its whole document, so any worker can read it) and one row
 * per finished point. (sweep_id, point) is the primary key and every insert skips a point that is
 * already there, so a point computed twice (a worker killed after storing, its job retried) is
 * still stored exactly once, and a restarted sweep never redoes a stored point.
 *
 * These tables have their own migration list and bookkeeping table, so sweeps evolve without
 * touching the scenario and ledger migrations.
 */
import { type Kysely, type Migration, Migrator } from "kysely";
import { connect, type Dialect } from "./connect.ts";
import type { StoreOptions } from "./index.ts";

export interface SweepTable {
  id: string;
  title: string;
  /** The sweep document (sweep, scenario, point count) as JSON. */
  document: string;
  points: number;
  created_at: string;
}

export interface SweepPointTable {
  sweep_id: string;
  point: number;
  /** The point's result (values, seed, figures, error) as JSON. */
  result: string;
  /** Which process stored it (host:pid), to show how the work spread. */
  worker: string;
  /** Time spent computing the point, in milliseconds. */
  elapsed_ms: number;
  stored_at: string;
}

interface SweepDatabase {
  sweeps: SweepTable;
  sweep_points: SweepPointTable;
}

const migrations: Record<string, Migration> = {
  "0001_sweeps": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("sweeps")
        .addColumn("id", "varchar(64)", (c) => c.primaryKey())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("document", "text", (c) => c.notNull())
        .addColumn("points", "integer", (c) => c.notNull())
        .addColumn("created_at", "varchar(40)", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sweep_points")
        .addColumn("sweep_id", "varchar(64)", (c) => c.notNull().references("sweeps.id"))
        .addColumn("point", "integer", (c) => c.notNull())
        .addColumn("result", "text", (c) => c.notNull())
        .addColumn("worker", "varchar(200)", (c) => c.notNull())
        .addColumn("elapsed_ms", "double precision", (c) => c.notNull())
        .addColumn("stored_at", "varchar(40)", (c) => c.notNull())
        .addPrimaryKeyConstraint("sweep_points_pk", ["sweep_id", "point"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("sweep_points").execute();
      await db.schema.dropTable("sweeps").execute();
    },
  },
};

export interface StoredPoint {
  point: number;
  result: string;
  worker: string;
  elapsedMs: number;
}

export interface SweepSummary {
  id: string;
  title: string;
  points: number;
  done: number;
  createdAt: string;
}

export interface SweepStore {
  dialect: Dialect;
  /** Records a sweep unless it is already there (same id = same document). */
  saveSweep(id: string, title: string, document: string, points: number): Promise<void>;
  sweepDocument(id: string): Promise<string | undefined>;
  list(): Promise<SweepSummary[]>;
  /** Indices of the points already stored. */
  donePoints(id: string): Promise<Set<number>>;
  /** Which of these points are already stored (one indexed query; for a retried chunk). */
  storedAmong(id: string, points: readonly number[]): Promise<Set<number>>;
  countDone(id: string): Promise<number>;
  /** Stores points in one transaction; a point already stored is left as it is. Returns how many were new. */
  storePoints(id: string, points: readonly StoredPoint[]): Promise<number>;
  /** Stored points in index order (optionally only those after `afterPoint`). */
  points(id: string, afterPoint?: number): Promise<StoredPoint[]>;
  close(): Promise<void>;
}

export async function openSweepStore(options: StoreOptions): Promise<SweepStore> {
  const { db: base, dialect } = await connect(options);
  const db = base as unknown as Kysely<SweepDatabase>;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "sweep_migration",
    migrationLockTableName: "sweep_migration_lock",
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error(`sweep store migration failed: ${(error as Error).message ?? String(error)}`);
  }
  return {
    dialect,
    async saveSweep(id, title, document, points) {
      await db
        .insertInto("sweeps")
        .values({ id, title, document, points, created_at: new Date().toISOString() })
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    },
    async sweepDocument(id) {
      const row = await db.selectFrom("sweeps").select("document").where("id", "=", id).executeTakeFirst();
      return row?.document;
    },
    async list() {
      const rows = await db
        .selectFrom("sweeps")
        .leftJoin("sweep_points", "sweep_points.sweep_id", "sweeps.id")
        .select(["sweeps.id", "sweeps.title", "sweeps.points", "sweeps.created_at"])
        .select((eb) => eb.fn.count<number | string>("sweep_points.point").as("done"))
        .groupBy(["sweeps.id", "sweeps.title", "sweeps.points", "sweeps.created_at"])
        .orderBy("sweeps.created_at", "desc")
        .execute();
      return rows.map((r) => ({
        id: r.id,
        title: r.title,
        points: Number(r.points),
        done: Number(r.done),
        createdAt: r.created_at,
      }));
    },
    async donePoints(id) {
      const rows = await db.selectFrom("sweep_points").select("point").where("sweep_id", "=", id).execute();
      return new Set(rows.map((r) => Number(r.point)));
    },
    async storedAmong(id, points) {
      if (points.length === 0) return new Set();
      const rows = await db
        .selectFrom("sweep_points")
        .select("point")
        .where("sweep_id", "=", id)
        .where("point", "in", [...points])
        .execute();
      return new Set(rows.map((r) => Number(r.point)));
    },
    async countDone(id) {
      const row = await db
        .selectFrom("sweep_points")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("sweep_id", "=", id)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async storePoints(id, points) {
      if (points.length === 0) return 0;
      const storedAt = new Date().toISOString();
      const rows = points.map((p) => ({
        sweep_id: id,
        point: p.point,
        result: p.result,
        worker: p.worker,
        elapsed_ms: p.elapsedMs,
        stored_at: storedAt,
      }));
      const result = await db.transaction().execute(async (tx) => {
        let added = 0n;
        // a few hundred rows per statement keeps under both dialects' parameter limits
        for (let k = 0; k < rows.length; k += 200) {
          const r = await tx
            .insertInto("sweep_points")
            .values(rows.slice(k, k + 200))
            .onConflict((oc) => oc.columns(["sweep_id", "point"]).doNothing())
            .executeTakeFirst();
          added += r.numInsertedOrUpdatedRows ?? 0n;
        }
        return added;
      });
      return Number(result);
    },
    async points(id, afterPoint = -1) {
      const rows = await db
        .selectFrom("sweep_points")
        .select(["point", "result", "worker", "elapsed_ms"])
        .where("sweep_id", "=", id)
        .where("point", ">", afterPoint)
        .orderBy("point")
        .execute();
      return rows.map((r) => ({
        point: Number(r.point),
        result: r.result,
        worker: r.worker,
        elapsedMs: Number(r.elapsed_ms),
      }));
    },
    close: () => db.destroy(),
  };
}
