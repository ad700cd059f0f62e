/**
 * Opens a SQLite file the way every connection of the store must: WAL mode, so readers never wait
 * for the writer and another connection (the append thread's, another process's) can write while
 * this one reads; synchronous = FULL, so a commit is on disk (fsync) before it returns and an
 * acknowledged event survives a kill -9; a busy timeout, so two writers take turns. No PostgreSQL
 * here: the append thread (append-worker.ts) loads this module and nothing of pg.
 */
import SqliteDatabase from "better-sqlite3";

export function openSqlite(path: string): SqliteDatabase.Database {
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

/** True for a path SQLite keeps in memory: private to its connection, so no other thread can write it. */
export function isMemoryPath(path: string): boolean {
  return path === "" || path === ":memory:" || path.startsWith("file::memory:");
}
