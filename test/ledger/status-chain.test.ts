/**
 * The server keeps the chains it projects the status from in memory (src/server/plugins/
 * agreement-chain.ts). The status must still be the stored chain's: events appended by another
 * process on the same database show, and so do rows an operator deleted. SQLite and PostgreSQL.
 */
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import {
  adoptAndSign,
  backendNames,
  type Cast,
  freshDatabase,
  http,
  makeCast,
  signedEvent,
  startServer,
} from "./helpers.ts";

for (const backend of backendNames) {
  describe.skipIf(backend.skip)(`the status follows the stored chain (${backend.name})`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    let url: string;
    let other: Store;
    let cast: Cast;
    let operator: (sql: string) => Promise<void>;

    beforeAll(async () => {
      const { options, drop, path } = await freshDatabase(backend.name, "status-chain");
      cleanups.push(drop);
      const store = await openStore(options);
      const served = await startServer(store);
      url = served.url;
      cleanups.push(async () => {
        await served.app.close();
        await store.close();
      });
      // another process's store on the same database
      other = await openStore(options);
      cleanups.push(() => other.close());
      operator = async (sql) => {
        if (path) {
          const db = new SqliteDatabase(path);
          db.exec(sql);
          db.close();
          return;
        }
        const client = new pg.Client({ connectionString: options.databaseUrl });
        await client.connect();
        await client.query(sql);
        await client.end();
      };
      cast = await makeCast();
      expect((await adoptAndSign(url, cast)).status).toBe(201);
    });
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    const statusHead = async () => (await http(`${url}/api/agreements/freeze-deal/status`)).json.head;
    const storedHead = async () => (await other.agreements.head("freeze-deal"))!.hash;
    const append = async (text: string) => {
      const event = await signedEvent(cast, "north-gov", { type: "note", text });
      expect((await http(`${url}/api/agreements/freeze-deal/events`, "POST", event)).status).toBe(201);
    };

    it("shows events appended through it, by another process, and after rows were deleted", async () => {
      for (let i = 0; i < 3; i++) await append(`through the server ${i}`);
      expect(await statusHead()).toBe(await storedHead());

      // appended by another process: the server's kept chain is extended
      for (let i = 0; i < 2; i++) {
        const { body, signature } = await signedEvent(cast, "south-gov", {
          type: "note",
          text: `other ${i}`,
        });
        await other.agreements.append("freeze-deal", body, signature);
      }
      expect(await statusHead()).toBe(await storedHead());
      await append("through the server again");
      expect(await statusHead()).toBe(await storedHead());

      // the newest rows deleted by the operator: the status is the shorter chain's
      await operator("delete from ledger_events where agreement_id = 'freeze-deal' and seq > 4");
      const cut = await storedHead();
      expect((await other.agreements.head("freeze-deal"))!.seq).toBe(4);
      expect(await statusHead()).toBe(cut);

      // and a different event 4 in place of the deleted one: read again, not extended
      await operator("delete from ledger_events where agreement_id = 'freeze-deal' and seq > 3");
      const { body, signature } = await signedEvent(cast, "south-gov", { type: "note", text: "replacement" });
      await other.agreements.append("freeze-deal", body, signature);
      expect(await statusHead()).toBe(await storedHead());
      expect(await statusHead()).not.toBe(cut);
    });
  });
}
