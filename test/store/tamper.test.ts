/**
 * Tampering with any stored byte of an event — its payload, its order, its signature, its receipt
 * time, or a dropped row — is caught by `verifyLedger` and the first bad event is named. The
 * rows are edited with raw SQL behind the store's back, on SQLite and on PostgreSQL.
 */
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCharter } from "../../src/ledger/charter.ts";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { exportLedger, openStore, type Store } from "../../src/store/index.ts";
import {
  adoptRequest,
  type Cast,
  createPgDatabase,
  createSigned,
  freshDatabase,
  makeCast,
  pgSkipReason,
  signedEvent,
} from "../ledger/helpers.ts";

interface Rig {
  store: Store;
  /** Runs raw SQL with positional parameters ($1, $2 … on both). */
  exec(sql: string, params?: unknown[]): Promise<void>;
  cleanup(): Promise<void>;
}

const rigs: Array<{ name: string; skip?: string; open(): Promise<Rig> }> = [
  {
    name: "sqlite",
    async open() {
      const { path, options, drop } = await freshDatabase("sqlite", "tamper");
      const store = await openStore(options);
      const raw = new SqliteDatabase(path!);
      return {
        store,
        async exec(sql, params = []) {
          // inline the parameters as quoted literals (test data only), since $1 may repeat
          const quote = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;
          raw.exec(sql.replace(/\$(\d+)/g, (_, i: string) => quote(params[Number(i) - 1])));
        },
        async cleanup() {
          raw.close();
          await store.close();
          await drop();
        },
      };
    },
  },
  {
    name: "postgres",
    skip: pgSkipReason,
    async open() {
      const db = await createPgDatabase();
      const store = await openStore({ databaseUrl: db.url });
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      return {
        store,
        async exec(sql, params = []) {
          await client.query(sql, params);
        },
        async cleanup() {
          await client.end();
          await store.close();
          await db.drop();
        },
      };
    },
  },
];

for (const rigSpec of rigs) {
  describe.skipIf(rigSpec.skip)(`tampering on ${rigSpec.name}`, () => {
    let rig: Rig;
    let cast: Cast;
    let n = 0;

    beforeAll(async () => {
      rig = await rigSpec.open();
      cast = await makeCast();
    });
    afterAll(async () => rig?.cleanup());

    /** A fresh agreement with four events: done, verified, note, relief done. */
    async function ledgerWithFourEvents(): Promise<{ id: string; ids: string[] }> {
      n += 1;
      const id = `tamper-${n}`;
      const built = buildCharter({ ...adoptRequest(cast, { id }), id } as never, new Date().toISOString());
      if (!built.ok) throw new Error(built.message);
      await createSigned(rig.store, cast, built.charter);
      const events = [
        await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }, id),
        await signedEvent(cast, "inspector", { type: "move.verified", move: "freeze", report: "seen" }, id),
        await signedEvent(cast, "south-gov", { type: "note", text: "on track" }, id),
        await signedEvent(cast, "south-gov", { type: "move.done", move: "relief" }, id),
      ];
      for (const e of events) await rig.store.agreements.append(id, e.body, e.signature);
      const exported = await exportLedger(rig.store.agreements, id, new Date().toISOString());
      expect(await verifyLedger(exported)).toMatchObject({ ok: true, events: 4 });
      return { id, ids: events.map((e) => e.body.id) };
    }

    async function verdict(id: string) {
      return verifyLedger(await exportLedger(rig.store.agreements, id, new Date().toISOString()));
    }

    it("detects an edited payload and names the event", async () => {
      const { id, ids } = await ledgerWithFourEvents();
      await rig.exec(
        'update ledger_events set body = replace(body, \'"report":"seen"\', \'"report":"unseen"\') where agreement_id = $1 and seq = 2',
        [id],
      );
      const result = await verdict(id);
      expect(result).toMatchObject({ ok: false, seq: 2, eventId: ids[1] });
      expect(result.ok ? "" : result.message).toMatch(/signature does not match/);
    });

    it("detects a payload edited into another valid-looking move", async () => {
      const { id, ids } = await ledgerWithFourEvents();
      await rig.exec(
        'update ledger_events set body = replace(body, \'"move":"relief"\', \'"move":"freeze"\') where agreement_id = $1 and seq = 4',
        [id],
      );
      expect(await verdict(id)).toMatchObject({ ok: false, seq: 4, eventId: ids[3] });
    });

    it("detects a swapped signature", async () => {
      const { id, ids } = await ledgerWithFourEvents();
      await rig.exec(
        "update ledger_events set signature = (select signature from ledger_events where agreement_id = $1 and seq = 4) where agreement_id = $1 and seq = 3",
        [id],
      );
      expect(await verdict(id)).toMatchObject({ ok: false, seq: 3, eventId: ids[2] });
    });

    it("detects two events swapped in order", async () => {
      const { id } = await ledgerWithFourEvents();
      await rig.exec("update ledger_events set seq = 100 where agreement_id = $1 and seq = 2", [id]);
      await rig.exec("update ledger_events set seq = 2 where agreement_id = $1 and seq = 3", [id]);
      await rig.exec("update ledger_events set seq = 3 where agreement_id = $1 and seq = 100", [id]);
      const result = await verdict(id);
      expect(result).toMatchObject({ ok: false, seq: 2 });
      expect(result.ok ? "" : result.message).toMatch(/does not link/);
    });

    it("detects a deleted event", async () => {
      const { id, ids } = await ledgerWithFourEvents();
      await rig.exec("delete from ledger_events where agreement_id = $1 and seq = 2", [id]);
      const result = await verdict(id);
      expect(result).toMatchObject({ ok: false, seq: 2, eventId: ids[2] });
      expect(result.ok ? "" : result.message).toMatch(/missing or out of order/);
    });

    it("detects a changed receipt time and damaged bytes", async () => {
      const { id, ids } = await ledgerWithFourEvents();
      await rig.exec(
        "update ledger_events set received_at = '2020-01-01T00:00:00.000Z' where agreement_id = $1 and seq = 3",
        [id],
      );
      expect(await verdict(id)).toMatchObject({ ok: false, seq: 3, eventId: ids[2] });
      const second = await ledgerWithFourEvents();
      await rig.exec("update ledger_events set body = substr(body, 2) where agreement_id = $1 and seq = 1", [
        second.id,
      ]);
      const result = await verdict(second.id);
      expect(result).toMatchObject({ ok: false, seq: 1, eventId: second.ids[0] });
      expect(result.ok ? "" : result.message).toMatch(/not a JSON object/);
    });

    it("detects a changed charter (a participant's key swapped)", async () => {
      const { id } = await ledgerWithFourEvents();
      const other = cast.keys.press.publicKey.x!;
      await rig.exec("update agreements set charter = replace(charter, $2, $3) where id = $1", [
        id,
        cast.keys["north-gov"].publicKey.x,
        other,
      ]);
      const result = await verdict(id);
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : result.message).toMatch(/charter/);
    });
  });
}
