/**
 * Opens a Kysely instance on SQLite (default) or PostgreSQL (when a database URL is given).
 * SQLite runs in WAL mode with synchronous = FULL so an acknowledged commit survives a kill -9.
 * The PostgreSQL driver is loaded only when a URL is given: importing `pg` costs about 0.1 CPU-s,
 * paid by every `lockstep serve`, `lockstep sweep` and `ledger` start on SQLite otherwise.
 */
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import type { Database } from "./schema.ts";
import { openSqlite } from "./sqlite.ts";

export type Dialect = "sqlite" | "postgres";

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
}

export async function connect(options: { sqlitePath?: string; databaseUrl?: string }): Promise<Connection> {
  if (options.databaseUrl) {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server closes (a restart, pg_terminate_backend, DROP DATABASE … WITH
    // (FORCE) right after close()) is an 'error' event on the pool; unhandled, it would end the
    // process. The pool has already dropped that client, and the next query opens a fresh one.
    pool.on("error", () => {});
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: "postgres" };
  }
  return {
    db: new Kysely<Database>({
      dialect: new SqliteDialect({ database: openSqlite(options.sqlitePath ?? "lockstep.db") }),
    }),
    dialect: "sqlite",
  };
}
