/**
 * The operator's attacks on its own ledger (issue 13): swapping a party's key in the charter and
 * re-signing and re-hashing everything, cutting events off the end, and damaging rows and then
 * restarting. Each is caught: by the other party's charter signature, by a participant's
 * checkpoint, or by the server's own re-verification, which then refuses to append (503).
 */
import SqliteDatabase from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/ledger/canonical.ts";
import { generateKeyPair } from "../../src/ledger/crypto.ts";
import { signEvent } from "../../src/ledger/sign.ts";
import { signCheckpoint } from "../../src/ledger/statements.ts";
import { type LedgerExport, verifyLedger } from "../../src/ledger/verify.ts";
import { openStore } from "../../src/store/index.ts";
import {
  adoptAndSign,
  type Cast,
  freshDatabase,
  http,
  makeCast,
  rechain,
  signedEvent,
  startServer,
  swapParticipantKey,
} from "./helpers.ts";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A server on a fresh SQLite file with an active agreement and three events. */
async function ledgerWithEvents(cast: Cast) {
  const db = await freshDatabase("sqlite", "rewrite");
  cleanups.push(db.drop);
  const store = await openStore(db.options);
  const { app, url } = await startServer(store);
  expect(
    (await adoptAndSign(url, cast, { start: new Date(Date.now() - 40 * 86_400_000).toISOString() })).status,
  ).toBe(201);
  const events = [
    await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }),
    await signedEvent(cast, "inspector", { type: "move.verified", move: "freeze" }),
    await signedEvent(cast, "south-gov", { type: "note", text: "relief is coming" }),
  ];
  for (const e of events)
    expect((await http(`${url}/api/agreements/freeze-deal/events`, "POST", e)).status).toBe(201);
  const exported = (await http(`${url}/api/agreements/freeze-deal/export`)).json as unknown as LedgerExport;
  return {
    path: db.path!,
    url,
    exported,
    async stop() {
      await app.close();
      await store.close();
    },
  };
}

describe("an operator rewriting history", () => {
  it("swaps north's key, re-signs north's events and recomputes every hash: verify fails", async () => {
    const cast = await makeCast();
    const rig = await ledgerWithEvents(cast);
    await rig.stop();
    const doc = structuredClone(rig.exported);
    expect(await verifyLedger(doc)).toMatchObject({ ok: true, events: 3 });

    // the operator's own key replaces north's in the charter, and signs north's charter signature
    const operator = await generateKeyPair();
    await swapParticipantKey(doc, "north-gov", operator);
    // and north's events, every hash recomputed
    await rechain(doc, async (event, body) => {
      if (body.by === "north-gov") event.signature = (await signEvent(body, operator.privateKey)).signature;
    });
    doc.checkpoints = [];

    const result = await verifyLedger(doc);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(
      /south-gov's charter signature does not match this charter: the charter .* was changed after it was signed/,
    );
    // without south's signature the charter is not signed by every party
    doc.charterSignatures = doc.charterSignatures.filter((s) => s.by === "north-gov");
    const dropped = await verifyLedger(doc);
    expect(dropped.ok ? "" : dropped.message).toMatch(/not signed by south-gov \(party south\)/);
  });

  it("cuts the newest events off: a checkpoint south signed names a head the export lacks", async () => {
    const cast = await makeCast();
    const rig = await ledgerWithEvents(cast);
    const head = rig.exported.events[2];
    const checkpoint = await signCheckpoint(
      { agreement: "freeze-deal", seq: 3, hash: head.hash, at: new Date().toISOString(), by: "south-gov" },
      cast.keys["south-gov"].privateKey,
    );
    // the server takes a checkpoint of a head it has, and refuses one of a head it does not have
    expect((await http(`${rig.url}/api/agreements/freeze-deal/checkpoints`, "POST", checkpoint)).status).toBe(
      201,
    );
    const fork = await signCheckpoint(
      {
        agreement: "freeze-deal",
        seq: 3,
        hash: "f".repeat(64),
        at: new Date().toISOString(),
        by: "south-gov",
      },
      cast.keys["south-gov"].privateKey,
    );
    const refused = await http(`${rig.url}/api/agreements/freeze-deal/checkpoints`, "POST", fork);
    expect(refused.status).toBe(409);
    const exported = (await http(`${rig.url}/api/agreements/freeze-deal/export`))
      .json as unknown as LedgerExport;
    await rig.stop();
    expect(await verifyLedger(exported)).toMatchObject({ ok: true, checkpoints: 1 });

    const cut = { ...exported, events: exported.events.slice(0, 2), head: exported.events[1].hash };
    const result = await verifyLedger(cut);
    expect(result.ok ? "" : result.message).toMatch(
      /south-gov countersigned event 3 .*export ends at event 2/,
    );
    // the operator drops the checkpoint too; south's own copy still catches the cut
    const bare = { ...cut, checkpoints: [] };
    expect(await verifyLedger(bare)).toMatchObject({ ok: true });
    expect(await verifyLedger(bare, undefined, [checkpoint])).toMatchObject({ ok: false });
  });

  it("damages the stored chain: after a restart the server alerts and refuses to append (503)", async () => {
    const cast = await makeCast();
    const rig = await ledgerWithEvents(cast);
    await rig.stop();
    const sqlite = new SqliteDatabase(rig.path);
    sqlite.prepare("update ledger_events set seq = 40 where agreement_id = 'freeze-deal' and seq = 3").run();
    sqlite.close();

    const store = await openStore({ sqlitePath: rig.path });
    const { app, url } = await startServer(store);
    cleanups.push(async () => {
      await app.close();
      await store.close();
    });
    const event = await signedEvent(cast, "south-gov", { type: "note", text: "on top of damage" });
    const refused = await http(`${url}/api/agreements/freeze-deal/events`, "POST", event);
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ error: "ledger-damaged" });
    expect(String(refused.json.message)).toMatch(/event 3 .*numbered 40/);
    const status = await http(`${url}/api/agreements/freeze-deal/status`);
    expect(status.status).toBe(200);
    const alerts = status.json.alerts as Array<{ level: string; message: string }>;
    expect(alerts[0]).toMatchObject({ level: "critical" });
    expect(alerts[0].message).toMatch(/stored ledger is damaged/);
    const exported = (await http(`${url}/api/agreements/freeze-deal/export`)).json as unknown as LedgerExport;
    expect(exported.events.map((e) => e.seq)).toEqual([1, 2, 40]);
    expect(canonicalJson(exported.events.map((e) => e.eventId))).not.toContain(event.body.id);
  });
});
