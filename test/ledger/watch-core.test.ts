/**
 * The watcher's decisions without I/O (src/ledger/watch.ts): how a chain compares with a
 * participant's record, and the one-event-at-a-time check of what a stream delivers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildCharter } from "../../src/ledger/charter.ts";
import { signCheckpoint } from "../../src/ledger/statements.ts";
import type { LedgerExport } from "../../src/ledger/verify.ts";
import { ChainFollower, chainHashes, compareWithRecord } from "../../src/ledger/watch.ts";
import { exportLedger, openStore } from "../../src/store/index.ts";
import { adoptRequest, type Cast, createSigned, makeCast, signedEvent } from "./helpers.ts";

let cast: Cast;
let doc: LedgerExport;

beforeAll(async () => {
  cast = await makeCast();
  const store = await openStore({ sqlitePath: ":memory:" });
  const built = buildCharter({ ...adoptRequest(cast), id: "freeze-deal" } as never, new Date().toISOString());
  if (!built.ok) throw new Error(built.message);
  await createSigned(store, cast, built.charter);
  const events = [
    await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }),
    await signedEvent(cast, "inspector", { type: "move.verified", move: "freeze" }),
    await signedEvent(cast, "south-gov", { type: "note", text: "relief next" }),
    // stored without the server's role check, as a damaged or dishonest store could hold it
    await signedEvent(cast, "press", { type: "note", text: "an observer writing" }),
  ];
  for (const e of events) await store.agreements.append("freeze-deal", e.body, e.signature);
  doc = (await exportLedger(store.agreements, "freeze-deal", new Date().toISOString()))!;
  await store.close();
});

/** The export cut to its first `n` events, as a watcher would have verified it earlier. */
function prefix(n: number): LedgerExport {
  const events = doc.events.slice(0, n);
  return { ...doc, events, head: events.at(-1)?.hash ?? doc.charterHash };
}

describe("compareWithRecord", () => {
  const record = (seq: number) => ({
    charterHash: doc.charterHash,
    head: { seq, hash: chainHashes(doc)[seq], verifiedAt: "2027-01-01T00:00:00Z" },
    checkpoints: [],
  });

  it("accepts a chain that extends the record, from the root on", () => {
    for (const seq of [0, 1, 2, 3])
      expect(compareWithRecord(record(seq), doc.charterHash, chainHashes(doc))).toBe(undefined);
  });

  it("names a chain cut behind the record, a fork at its head, a replaced charter and a cut checkpoint", async () => {
    expect(compareWithRecord(record(3), doc.charterHash, chainHashes(prefix(2)))).toMatchObject({
      kind: "rollback",
      message: expect.stringMatching(/ends at event 2, but the head you verified .* is event 3/),
    });
    const forked = chainHashes(doc).map((h, i) => (i === 3 ? "f".repeat(64) : h));
    expect(compareWithRecord(record(3), doc.charterHash, forked)).toMatchObject({
      kind: "rollback",
      message: expect.stringMatching(
        /event 3 has hash f{64}, but the head you verified .* has [0-9a-f]{64}: the ledger was forked/,
      ),
    });
    expect(compareWithRecord(record(1), "e".repeat(64), chainHashes(doc))).toMatchObject({
      kind: "rollback",
      message: expect.stringMatching(/the agreement was replaced/),
    });
    // a checkpoint kept in the record counts like the head
    const checkpoint = await signCheckpoint(
      {
        agreement: "freeze-deal",
        seq: 4,
        hash: chainHashes(doc)[4],
        at: "2027-01-02T00:00:00Z",
        by: "north-gov",
      },
      cast.keys["north-gov"].privateKey,
    );
    expect(
      compareWithRecord({ ...record(1), checkpoints: [checkpoint] }, doc.charterHash, chainHashes(prefix(3))),
    ).toMatchObject({ kind: "rollback", message: expect.stringMatching(/your checkpoint of .* is event 4/) });
  });
});

describe("ChainFollower", () => {
  it("checks each next event and moves its head; refuses a gap, a broken link, a forged body, a repeat, a wrong role", async () => {
    const follower = await ChainFollower.from(prefix(1));
    expect(follower.head).toEqual({ seq: 1, hash: doc.events[0].hash });
    expect(await follower.next(doc.events[2])).toMatch(
      /event 3 is numbered 3: events are missing or out of order/,
    );
    const relinked = { ...doc.events[1], prevHash: "0".repeat(64) };
    expect(await follower.next(relinked)).toMatch(/does not link to the event before it/);
    const forged = structuredClone(doc.events[1]);
    (forged.body as { move: string }).move = "relief";
    expect(await follower.next(forged)).toMatch(/signature does not match inspector's key/);
    const rehashed = { ...doc.events[1], hash: "a".repeat(64) };
    expect(await follower.next(rehashed)).toMatch(/hash does not match its content/);
    expect(follower.head.seq).toBe(1); // nothing that failed moved it
    expect(await follower.next(doc.events[1])).toBe(undefined);
    expect(await follower.next(doc.events[2])).toBe(undefined);
    expect(follower.head).toEqual({ seq: 3, hash: doc.events[2].hash });
    const repeat = {
      ...doc.events[3],
      body: { ...(doc.events[0].body as object) },
      eventId: doc.events[0].eventId,
    };
    expect(await follower.next(repeat)).toMatch(/repeats an earlier event id/);
    expect(await follower.next(doc.events[3])).toMatch(/not allowed by the charter: press is an observer/);
  });
});
