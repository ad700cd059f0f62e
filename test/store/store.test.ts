/**
 * The storage suite: the same cases against SQLite and PostgreSQL (the PostgreSQL half is skipped,
 * with the reason printed, when no server is reachable).
 */

import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCharter } from "../../src/ledger/charter.ts";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { exportLedger, openStore, type Store, StoreError } from "../../src/store/index.ts";
import {
  adoptRequest,
  backends,
  type Cast,
  createSigned,
  freshDatabase,
  makeCast,
  PG_URL,
  signedEvent,
} from "../ledger/helpers.ts";

for (const backend of backends) {
  describe.skipIf(backend.skip)(`store on ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let options: { sqlitePath?: string; databaseUrl?: string };
    let cast: Cast;

    beforeAll(async () => {
      ({ store, cleanup, options } = await backend.open());
      cast = await makeCast();
    });
    afterAll(async () => cleanup?.());

    async function adopt(id: string) {
      const built = buildCharter({ ...adoptRequest(cast, { id }), id } as never, new Date().toISOString());
      if (!built.ok) throw new Error(built.message);
      await createSigned(store, cast, built.charter);
      return (await store.agreements.get(id))!;
    }

    const exported = (id: string) => exportLedger(store.agreements, id, new Date().toISOString());

    it("keeps saved scenarios: create, list, get, update, delete", async () => {
      const created = await store.scenarios.create({ id: "my-deal", name: "My deal", yaml: "parties: []\n" });
      expect(created.createdAt).toBe(created.updatedAt);
      const anonymous = await store.scenarios.create({ name: "Unnamed", yaml: "x: 1\n" });
      expect(anonymous.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await store.scenarios.list()).map((s) => s.id).sort()).toEqual(
        [anonymous.id, "my-deal"].sort(),
      );
      expect((await store.scenarios.records()).map((s) => [s.id, s.yaml])).toEqual(
        [
          [anonymous.id, "x: 1\n"],
          ["my-deal", "parties: []\n"],
        ].sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      await new Promise((r) => setTimeout(r, 5));
      const updated = await store.scenarios.update("my-deal", "parties: [a]\n");
      expect(updated?.yaml).toBe("parties: [a]\n");
      expect(updated!.updatedAt > created.updatedAt).toBe(true);
      expect((await store.scenarios.get("my-deal"))?.name).toBe("My deal");
      expect(await store.scenarios.update("nope", "x")).toBeUndefined();
      expect(await store.scenarios.delete("my-deal")).toBe(true);
      expect(await store.scenarios.delete("my-deal")).toBe(false);
      expect(await store.scenarios.get("my-deal")).toBeUndefined();
    });

    it("refuses a taken or malformed scenario id with a StoreError", async () => {
      await store.scenarios.create({ id: "taken", name: "A", yaml: "a" });
      await expect(store.scenarios.create({ id: "taken", name: "B", yaml: "b" })).rejects.toMatchObject({
        code: "conflict",
      });
      await expect(
        store.scenarios.create({ id: "Not A Slug!", name: "B", yaml: "b" }),
      ).rejects.toBeInstanceOf(StoreError);
    });

    it("runs migrations once: reopening the same database keeps the data", async () => {
      if (options.sqlitePath === ":memory:") {
        // a memory database cannot be reopened; check against a file instead
        const path = `/tmp/lockstep-store-${process.pid}-${Date.now()}.db`;
        const first = await openStore({ sqlitePath: path });
        await first.scenarios.create({ id: "kept", name: "Kept", yaml: "k" });
        await first.close();
        const second = await openStore({ sqlitePath: path });
        expect((await second.scenarios.get("kept"))?.yaml).toBe("k");
        await second.close();
      } else {
        const again = await openStore(options);
        expect(await again.scenarios.get("taken")).toBeDefined();
        await again.close();
      }
    });

    it("appends events as one hash chain that verifies", async () => {
      const agreement = await adopt("chain-basic");
      const a = await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }, "chain-basic");
      const b = await signedEvent(
        cast,
        "inspector",
        { type: "move.verified", move: "freeze" },
        "chain-basic",
      );
      const first = await store.agreements.append("chain-basic", a.body, a.signature);
      const second = await store.agreements.append("chain-basic", b.body, b.signature);
      expect(first.event.seq).toBe(1);
      expect(first.event.prevHash).toBe(agreement.charterHash);
      expect(second.event.seq).toBe(2);
      expect(second.event.prevHash).toBe(first.event.hash);
      expect(await verifyLedger(await exported("chain-basic"))).toMatchObject({ ok: true, events: 2 });
    });

    it("treats a retried event id as the same event, and a reused id with other content as a conflict", async () => {
      await adopt("chain-retry");
      const e = await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }, "chain-retry");
      const first = await store.agreements.append("chain-retry", e.body, e.signature);
      const retry = await store.agreements.append("chain-retry", e.body, e.signature);
      expect(retry.duplicate).toBe(true);
      expect(retry.event.hash).toBe(first.event.hash);
      const other = await signedEvent(cast, "north-gov", { type: "note", text: "x" }, "chain-retry");
      await expect(
        store.agreements.append("chain-retry", { ...other.body, id: e.body.id }, other.signature),
      ).rejects.toMatchObject({ code: "conflict" });
      expect(await store.agreements.events("chain-retry")).toHaveLength(1);
    });

    it("keeps one linear chain under 50 concurrent appends, retries included", async () => {
      await adopt("chain-race");
      const events = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          signedEvent(cast, i % 2 ? "north-gov" : "south-gov", { type: "note", text: `n${i}` }, "chain-race"),
        ),
      );
      // every event sent twice at once: the second copy must not add anything
      const results = await Promise.all(
        [...events, ...events].map((e) => store.agreements.append("chain-race", e.body, e.signature)),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(50);
      const chain = await store.agreements.events("chain-race");
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(chain.map((e) => e.eventId)).size).toBe(50);
      expect(await verifyLedger(await exported("chain-race"))).toMatchObject({ ok: true, events: 50 });
    });

    it("refuses an append to an agreement that does not exist", async () => {
      const e = await signedEvent(cast, "north-gov", { type: "note", text: "x" }, "ghost");
      await expect(store.agreements.append("ghost", e.body, e.signature)).rejects.toMatchObject({
        code: "not_found",
      });
    });
  });
}

const postgres = backends.find((b) => b.name === "postgres")!;
describe.skipIf(postgres.skip)("store on postgres, when the server closes its connections", () => {
  it("keeps working after PostgreSQL terminates its idle connections (restart, admin command, DROP … FORCE)", async () => {
    const { store, options, cleanup } = await postgres.open();
    try {
      await Promise.all([store.scenarios.list(), store.agreements.list()]); // idle clients in the pool
      const database = new URL(options.databaseUrl!).pathname.slice(1);
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      const { rowCount } = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [database],
      );
      expect(rowCount).toBeGreaterThan(0);
      // the backends are gone, so the idle clients get 57P01 and their sockets close; unhandled,
      // that 'error' event would end the process
      await expect
        .poll(
          async () =>
            (
              await admin.query("select count(*)::int as n from pg_stat_activity where datname = $1", [
                database,
              ])
            ).rows[0].n,
          { timeout: 30_000 },
        )
        .toBe(0);
      await admin.end();
      // and the store goes on: the pool replaces the clients it dropped (once each has seen its error)
      await expect
        .poll(() => store.scenarios.list().catch((error: Error) => error.message), { timeout: 30_000 })
        .toEqual([]);
    } finally {
      await cleanup();
    }
  });
});

describe("store on a SQLite file: appends committed in the append thread", () => {
  it("acknowledges an append only once it is written, waits for another writer's lock, and reads it back at once", async () => {
    const { path, drop } = await freshDatabase("sqlite", "append-thread");
    const store = await openStore({ sqlitePath: path });
    const other = new SqliteDatabase(path!);
    try {
      const cast = await makeCast();
      const built = buildCharter(adoptRequest(cast, { id: "thread" }) as never, new Date().toISOString());
      if (!built.ok) throw new Error(built.message);
      await createSigned(store, cast, built.charter);
      const e = await signedEvent(cast, "north-gov", { type: "note", text: "while locked" }, "thread");
      // Another connection holds the file's write lock, so the append thread's commit waits for it
      // (busy_timeout) and nothing is acknowledged meanwhile; releasing the lock lets it through,
      // and the store's own connection (the event loop's) reads it at once.
      other.prepare("BEGIN IMMEDIATE").run();
      let settled = false;
      const appended = store.agreements.append("thread", e.body, e.signature).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      other.prepare("COMMIT").run();
      const { event } = await appended;
      expect(event.seq).toBe(1);
      expect((await store.agreements.events("thread")).map((x) => x.hash)).toEqual([event.hash]);
    } finally {
      other.close();
      await store.close();
      await drop();
    }
  });
});
