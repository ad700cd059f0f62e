/**
 * The SQLite append thread (started by append-thread.ts): it owns a write connection of its own
 * to the store's file and writes each batch of appends it is sent in one transaction
 * (append-transaction.ts), answering with the batch's outcomes once the commit, fsync included,
 * has returned. The commit used to run on the server's event loop and hold it for the fsync; here
 * the loop goes on accepting connections and reading requests meanwhile.
 *
 * Messages in: `{ n, id, items }` (a batch for agreement `id`), `{ close: true }`.
 * Messages out: `{ n, outcomes }` (a StoreError as `{ error: { code, message } }`) or
 * `{ n, failure: { message, code } }` when the database failed the whole batch.
 */

import { parentPort, workerData } from "node:worker_threads";
import { Kysely, SqliteDialect } from "kysely";
import type { AppendResult } from "./agreements.ts";
import { type AppendItem, commitAppends } from "./append-transaction.ts";
import type { StoreError } from "./errors.ts";
import type { Database } from "./schema.ts";
import { openSqlite } from "./sqlite.ts";

export type AppendRequest = { n: number; id: string; items: AppendItem[] } | { close: true };

export type AppendAnswer =
  | { n: number; outcomes: EncodedOutcome[] }
  | { n: number; failure: { message: string; code?: string } };

export type EncodedOutcome =
  | { result: AppendResult }
  | { error: { code: StoreError["code"]; message: string } };

const port = parentPort!;
const db = new Kysely<Database>({
  dialect: new SqliteDialect({ database: openSqlite((workerData as { path: string }).path) }),
});

port.on("message", (message: AppendRequest) => {
  if ("close" in message) {
    // closing the port ends the thread once the connection is closed
    void db.destroy().finally(() => port.close());
    return;
  }
  commitAppends(db, "sqlite", message.id, message.items).then(
    (outcomes) =>
      port.postMessage({
        n: message.n,
        outcomes: outcomes.map((o) =>
          "error" in o ? { error: { code: o.error.code, message: o.error.message } } : o,
        ),
      } satisfies AppendAnswer),
    (error: unknown) => {
      const e = error as { message?: string; code?: unknown };
      port.postMessage({
        n: message.n,
        failure: {
          message: e?.message ?? String(error),
          ...(typeof e?.code === "string" ? { code: e.code } : {}),
        },
      } satisfies AppendAnswer);
    },
  );
});
