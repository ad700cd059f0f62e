/**
 * Amendments (issue 13): a party proposes charter version N+1 (a new plan) chained to version N's
 * hash; it governs once every party has signed its hash, from that point in the chain on. Over
 * HTTP on SQLite and PostgreSQL, the rules read from the chain alone, and the operator's rewrite
 * of an amended charter caught by `verifyLedger`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { charterVersions } from "../../src/ledger/amendments.ts";
import type { Charter } from "../../src/ledger/charter.ts";
import { generateKeyPair } from "../../src/ledger/crypto.ts";
import type { EventBody } from "../../src/ledger/events.ts";
import { signEvent } from "../../src/ledger/sign.ts";
import { type LedgerExport, verifyLedger } from "../../src/ledger/verify.ts";
import type { Store } from "../../src/store/index.ts";
import {
  adoptAndSign,
  backends,
  type Cast,
  http,
  makeCast,
  rechain,
  signedEvent,
  startServer,
  swapParticipantKey,
} from "./helpers.ts";

/** The adopted plan delays relief and the handover by a phase. */
const DELAYED = {
  name: "delayed-relief",
  phases: { freeze: 1, relief: 3, handover: { "4": 0.5, "5": 0.5 } },
};

const propose = (cast: Cast, who: "north-gov" | "south-gov", previous: string, extra = {}) =>
  signedEvent(cast, who, { type: "amendment.proposed", version: 2, previous, plan: DELAYED, ...extra });

for (const backend of backends) {
  describe.skipIf(backend.skip)(`amendments over HTTP (${backend.name})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let stop: () => Promise<unknown>;
    let base: string;
    let cast: Cast;
    let charterHashOf: string;
    const events = (body: unknown) => http(`${base}/api/agreements/freeze-deal/events`, "POST", body);

    beforeAll(async () => {
      const opened = await backend.open();
      store = opened.store;
      cleanup = opened.cleanup;
      const server = await startServer(store);
      base = server.url;
      stop = () => server.app.close();
      cast = await makeCast();
      const adopted = await adoptAndSign(base, cast, {
        start: new Date(Date.now() - 40 * 86_400_000).toISOString(),
      });
      expect(adopted.status).toBe(201);
      charterHashOf = String(adopted.json.charterHash);
      expect(
        (await events(await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }))).status,
      ).toBe(201);
    }, 60_000);
    afterAll(async () => {
      await stop?.();
      await cleanup?.();
    });

    it("is proposed by a party, pending until every party signs its hash, then governs", async () => {
      // only parties propose; the plan is checked like a plan in a file
      const byVerifier = await events(
        await signedEvent(cast, "inspector", {
          type: "amendment.proposed",
          version: 2,
          previous: charterHashOf,
          plan: DELAYED,
        }),
      );
      expect(byVerifier).toMatchObject({ status: 403, json: { error: "wrong-role" } });
      const badPlan = await events(
        await propose(cast, "south-gov", charterHashOf, {
          plan: { name: "x", phases: { freeze: 1, relief: 2, handover: { "3": 0.6, "4": 0.5 } } },
        }),
      );
      expect(badPlan.status).toBe(400);
      expect(badPlan.json).toMatchObject({ error: "invalid-plan" });
      expect(String(badPlan.json.message)).toMatch(/handover/);
      const stale = await events(await propose(cast, "south-gov", "a".repeat(64)));
      expect(stale).toMatchObject({ status: 409, json: { error: "stale-amendment" } });
      const early = await events(
        await signedEvent(cast, "north-gov", { type: "amendment.signed", amendment: "b".repeat(64) }),
      );
      expect(early).toMatchObject({ status: 409, json: { error: "no-pending-amendment" } });

      const proposed = await events(
        await propose(cast, "south-gov", charterHashOf, { text: "relief takes longer" }),
      );
      expect(proposed.status).toBe(201);
      const amendmentHash = String((proposed.json.event as { hash: string }).hash);

      // pending: version 1 still governs, the status says what is awaited
      const pending = (await http(`${base}/api/agreements/freeze-deal/status`)).json;
      expect(pending).toMatchObject({
        plan: "staged",
        charterVersion: { version: 1, hash: charterHashOf },
        amendment: {
          version: 2,
          hash: amendmentHash,
          proposedBy: "south-gov",
          awaiting: ["north-gov", "south-gov"],
        },
      });
      expect(JSON.stringify(pending.alerts)).toMatch(/amendment to version 2 .*waiting for the signatures/);

      const wrong = await events(
        await signedEvent(cast, "north-gov", { type: "amendment.signed", amendment: "c".repeat(64) }),
      );
      expect(wrong).toMatchObject({ status: 409, json: { error: "wrong-amendment" } });
      const byObserver = await events(
        await signedEvent(cast, "press", { type: "amendment.signed", amendment: amendmentHash }),
      );
      expect(byObserver.status).toBe(403);

      const north = await signedEvent(cast, "north-gov", {
        type: "amendment.signed",
        amendment: amendmentHash,
      });
      expect((await events(north)).status).toBe(201);
      // a resend of the same signed event is a duplicate, not a refusal
      expect((await events(north)).json).toMatchObject({ duplicate: true });
      const again = await events(
        await signedEvent(cast, "north-gov", { type: "amendment.signed", amendment: amendmentHash }),
      );
      expect(again).toMatchObject({ status: 409, json: { error: "already-signed" } });
      expect((await http(`${base}/api/agreements/freeze-deal/status`)).json).toMatchObject({
        plan: "staged",
        amendment: { signedBy: ["north-gov"], awaiting: ["south-gov"] },
      });

      const south = await events(
        await signedEvent(cast, "south-gov", { type: "amendment.signed", amendment: amendmentHash }),
      );
      expect(south.status).toBe(201);
      const activatedSeq = (south.json.event as { seq: number }).seq;

      const active = (await http(`${base}/api/agreements/freeze-deal/status`)).json;
      expect(active).toMatchObject({
        plan: "delayed-relief",
        plannedPhases: 5,
        charterVersion: { version: 2, hash: amendmentHash, plan: "delayed-relief", activatedSeq },
      });
      expect(active.amendment).toBeUndefined();
      // relief is planned for phase 3 now, not 2
      const relief = (active.moves as Array<{ id: string; plannedPhase: number }>).find(
        (m) => m.id === "relief",
      );
      expect(relief?.plannedPhase).toBe(3);
      // the history stays: the freeze done before the amendment is still done
      expect((active.moves as Array<{ id: string; done: number }>).find((m) => m.id === "freeze")?.done).toBe(
        1,
      );
      // a status as of before the activation is judged against version 1
      const before = (
        await http(
          `${base}/api/agreements/freeze-deal/status?at=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`,
        )
      ).json;
      expect(before).toMatchObject({ plan: "staged", charterVersion: { version: 1 } });

      const versions = (await http(`${base}/api/agreements/freeze-deal/versions`)).json;
      expect(versions).toMatchObject({
        current: 2,
        versions: [
          { version: 1, hash: charterHashOf, plan: { name: "staged" } },
          {
            version: 2,
            hash: amendmentHash,
            previous: charterHashOf,
            proposedBy: "south-gov",
            signedBy: ["north-gov", "south-gov"],
            activatedSeq,
            text: "relief takes longer",
          },
        ],
      });

      // the export verifies, with its versions recomputed from the chain
      const exported = (await http(`${base}/api/agreements/freeze-deal/export`))
        .json as unknown as LedgerExport;
      expect(exported.version).toBe(3);
      const verified = await verifyLedger(exported);
      expect(verified.ok).toBe(true);
      if (verified.ok) expect(verified.versions.current).toMatchObject({ version: 2, hash: amendmentHash });

      // version 3 must chain to version 2
      const staleAgain = await events(await propose(cast, "north-gov", charterHashOf));
      expect(staleAgain).toMatchObject({ status: 409, json: { error: "stale-amendment" } });
      const v3 = await events(
        await signedEvent(cast, "north-gov", {
          type: "amendment.proposed",
          version: 3,
          previous: amendmentHash,
          plan: { name: "staged-again", phases: { freeze: 1, relief: 2, handover: { "3": 0.5, "4": 0.5 } } },
        }),
      );
      expect(v3.status).toBe(201);
      expect((await http(`${base}/api/agreements/freeze-deal/status`)).json).toMatchObject({
        plan: "delayed-relief",
        charterVersion: { version: 2 },
        amendment: { version: 3, plan: "staged-again" },
      });
    }, 60_000);

    it("re-plans against the plan in force", async () => {
      const replan = await http(`${base}/api/agreements/freeze-deal/replan?timeLimitSeconds=20`);
      expect(replan.status).toBe(200);
      expect(replan.json.plan).toBe("delayed-relief");
    }, 90_000);
  });
}

/** A server's export of an agreement with one activated amendment. */
async function amendedExport(cast: Cast): Promise<LedgerExport> {
  const opened = await backends[0].open();
  const { app, url } = await startServer(opened.store);
  try {
    const adopted = await adoptAndSign(url, cast, {
      start: new Date(Date.now() - 40 * 86_400_000).toISOString(),
    });
    const post = (body: unknown) => http(`${url}/api/agreements/freeze-deal/events`, "POST", body);
    expect(
      (await post(await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }))).status,
    ).toBe(201);
    const proposed = await post(await propose(cast, "north-gov", String(adopted.json.charterHash)));
    const hash = (proposed.json.event as { hash: string }).hash;
    for (const who of ["north-gov", "south-gov"] as const)
      expect(
        (await post(await signedEvent(cast, who, { type: "amendment.signed", amendment: hash }))).status,
      ).toBe(201);
    expect(
      (await post(await signedEvent(cast, "south-gov", { type: "note", text: "relief in phase 3" }))).status,
    ).toBe(201);
    return (await http(`${url}/api/agreements/freeze-deal/export`)).json as unknown as LedgerExport;
  } finally {
    await app.close();
    await opened.cleanup();
  }
}

describe("an operator rewriting an amended charter", () => {
  let cast: Cast;
  let exported: LedgerExport;
  beforeAll(async () => {
    cast = await makeCast();
    exported = await amendedExport(cast);
    expect(await verifyLedger(exported)).toMatchObject({ ok: true, events: 5 });
  }, 60_000);

  it("swaps the amended plan: the proposer's signature no longer matches", async () => {
    const doc = structuredClone(exported);
    const proposal = doc.events.find((e) => (e.body as EventBody).type === "amendment.proposed")!;
    (proposal.body as { plan: unknown }).plan = {
      name: "upfront:north",
      phases: { freeze: 1, handover: 1, relief: 2 },
    };
    await rechain(doc);
    const result = await verifyLedger(doc);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(/event 2 .*signature does not match north-gov's key/);
  });

  it("swaps the proposer's key and re-signs its amended plan: the other party's charter signature catches it", async () => {
    const doc = structuredClone(exported);
    const operator = await generateKeyPair();
    await swapParticipantKey(doc, "north-gov", operator);
    // the operator's own plan, as north's proposal, signed with the key that replaced north's
    await rechain(doc, async (event, changed) => {
      const body = changed as EventBody & { previous?: string; plan?: unknown };
      if (body.type === "amendment.proposed") {
        body.previous = doc.charterHash;
        body.plan = { name: "upfront:north", phases: { freeze: 1, handover: 1, relief: 2 } };
      }
      if (body.by === "north-gov") event.signature = (await signEvent(body, operator.privateKey)).signature;
    });
    doc.checkpoints = [];
    const result = await verifyLedger(doc);
    expect(result.ok ? "" : result.message).toMatch(
      /south-gov's charter signature does not match this charter/,
    );
  });

  it("replaces every party's key and re-signs everything: the hashes a party signed are missing", async () => {
    const doc = structuredClone(exported);
    const signedBySouth = [doc.charterHash, doc.events[1].hash];
    const operator = await generateKeyPair();
    const parties = doc.charter.participants.filter((p) => p.role === "party").map((p) => p.id);
    await swapParticipantKey(doc, parties, operator);
    await rechain(doc, async (event, changed) => {
      const body = changed as EventBody & { previous?: string; amendment?: string; plan?: unknown };
      if (body.type === "amendment.proposed") {
        body.previous = doc.charterHash;
        body.plan = { name: "upfront:north", phases: { freeze: 1, handover: 1, relief: 2 } };
      }
      if (body.type === "amendment.signed") body.amendment = doc.events[1].hash;
      if (body.by !== "inspector") event.signature = (await signEvent(body, operator.privateKey)).signature;
    });
    doc.checkpoints = [];
    // a wholesale forgery is consistent in itself: the operator holds every party key it lists
    const alone = await verifyLedger(doc);
    expect(alone.ok).toBe(true);
    if (alone.ok) expect(alone.versions.current.plan.name).toBe("upfront:north");
    // but not with what south kept: the hashes of the charter and the amendment it signed
    for (const hash of signedBySouth) {
      const result = await verifyLedger(doc, undefined, [], [hash]);
      expect(result.ok ? "" : result.message).toMatch(
        /you signed charter version .* which this export does not contain/,
      );
    }
    expect((await verifyLedger(exported, undefined, [], signedBySouth)).ok).toBe(true);
  });

  it("drops a party's signature of the amendment and re-hashes: a later checkpoint catches it", async () => {
    const doc = structuredClone(exported);
    const last = doc.events.at(-1)!;
    const { signCheckpoint } = await import("../../src/ledger/statements.ts");
    const checkpoint = await signCheckpoint(
      {
        agreement: "freeze-deal",
        seq: last.seq,
        hash: last.hash,
        at: new Date().toISOString(),
        by: "south-gov",
      },
      cast.keys["south-gov"].privateKey,
    );
    doc.events = doc.events.filter(
      (e) => !((e.body as EventBody).type === "amendment.signed" && (e.body as EventBody).by === "south-gov"),
    );
    doc.events.forEach((e, i) => {
      e.seq = i + 1;
    });
    await rechain(doc);
    doc.checkpoints = [];
    // without a kept checkpoint the shorter chain reads as "amendment still pending"
    const bare = await verifyLedger(doc);
    expect(bare.ok).toBe(true);
    if (bare.ok) expect(bare.versions).toMatchObject({ current: { version: 1 }, pending: { version: 2 } });
    const caught = await verifyLedger(doc, undefined, [checkpoint]);
    expect(caught.ok).toBe(false);
    expect(caught.ok ? "" : caught.message).toMatch(/south-gov countersigned event 5/);
  });
});

describe("the versions read from a chain", () => {
  const charter = {
    id: "deal",
    plan: { name: "staged", phases: {} },
    participants: [
      { id: "a", role: "party", party: "p" },
      { id: "b", role: "party", party: "q" },
      { id: "v", role: "verifier", moves: "all" },
    ],
  } as unknown as Charter;
  let seq = 0;
  const event = (fields: Record<string, unknown>, hash = `h${seq + 1}`) => {
    seq += 1;
    return {
      seq,
      hash,
      receivedAt: new Date(Date.UTC(2027, 0, seq)).toISOString(),
      body: { v: 1, agreement: "deal", id: `e${seq}`, at: "2027-01-01T00:00:00Z", ...fields } as EventBody,
    };
  };
  const plan = (name: string) => ({ name, phases: {} });

  it("activates on the last party's signature, ignores stale proposals and stray signatures, lets a later proposal replace a pending one", () => {
    seq = 0;
    const chain = [
      event({ by: "a", type: "amendment.proposed", version: 2, previous: "root", plan: plan("first") }), // h1
      event({ by: "b", type: "amendment.signed", amendment: "h1" }),
      event({ by: "b", type: "amendment.proposed", version: 2, previous: "root", plan: plan("second") }), // h3 replaces h1
      event({ by: "a", type: "amendment.signed", amendment: "h1" }), // no effect: h1 was replaced
      event({ by: "a", type: "amendment.signed", amendment: "h3" }),
      event({ by: "b", type: "amendment.signed", amendment: "h3" }), // active from seq 6
      event({ by: "a", type: "amendment.proposed", version: 2, previous: "root", plan: plan("late") }), // stale
      event({ by: "a", type: "amendment.proposed", version: 3, previous: "h3", plan: plan("third") }),
    ];
    const read = charterVersions(charter, "root", chain);
    expect(read.current).toMatchObject({ version: 2, hash: "h3", plan: { name: "second" }, activatedSeq: 6 });
    expect(read.versions.map((v) => v.plan.name)).toEqual(["staged", "second"]);
    expect(read.pending).toMatchObject({ version: 3, hash: "h8", previous: "h3", awaiting: ["a", "b"] });
    expect(read.ignored.map((i) => i.seq)).toEqual([1, 4, 7]);
    // up to a time: before the activation, version 1 governs and version 2 is pending
    const earlier = charterVersions(charter, "root", chain, chain[4].receivedAt);
    expect(earlier.current.version).toBe(1);
    expect(earlier.pending).toMatchObject({ hash: "h3", signedBy: ["a"], awaiting: ["b"] });
  });
});
