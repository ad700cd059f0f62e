/**
 * The last party's archive statement racing appends, on SQLite and PostgreSQL, with two stores
 * (two servers) sharing one database so that the writers really race: an event is either in the
 * chain before the agreement is archived or refused with `archived`, never appended after it, and
 * no acknowledged event is lost. Several rounds, since one round may well not interleave: the
 * archive moves across the burst from round to round, and each test asserts that at least one
 * round did interleave (some appends in the chain, later ones refused with `archived`).
 *
 * And on the same two servers (this file took in test/ledger/concurrency.test.ts, whose setup was
 * the same): 50 clients submit signed events to one agreement at once, each also resending its
 * event to the other server: one linear chain results, with no gap, duplicate or fork.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCharter } from "../../src/ledger/charter.ts";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { type Store, StoreError } from "../../src/store/index.ts";
import {
  adoptAndSign,
  adoptRequest,
  archiveStatement,
  backendNames,
  type Cast,
  createSigned,
  http,
  makeCast,
  signedEvent,
  twoWriters,
  type Who,
} from "./helpers.ts";

/**
 * Rounds per test: the archive at -8, 14, 37, 59, 82 and 104 ms against appends at 0–92 ms, so
 * four rounds land among the appends (twelve did before; the assertion that one interleaved
 * says whether that is enough).
 */
const ROUNDS = 6;
const EVENTS = 24;
const SENDERS: Who[] = ["north-gov", "south-gov", "inspector"];

/**
 * Event i goes out at i × STEP ms; the last statement at a time that moves, round by round, from
 * before the first event to after the last, so that across the rounds it lands among the appends.
 */
const STEP = 4;
const after = <T>(ms: number, send: () => Promise<T>): Promise<T> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))).then(send);
const archiveAt = (round: number) => Math.round((round * (EVENTS + 4) * STEP) / (ROUNDS - 1)) - 2 * STEP;

/** EVENTS signed notes for the agreement, from the parties and the inspector in turn. */
function notes(cast: Cast, agreement: string) {
  return Promise.all(
    Array.from({ length: EVENTS }, (_, i) =>
      signedEvent(cast, SENDERS[i % SENDERS.length], { type: "note", text: `racer ${i}` }, agreement),
    ),
  );
}

for (const backend of backendNames) {
  describe.skipIf(backend.skip)(`two writers on one database (${backend.name})`, () => {
    let stores: Store[] = [];
    let servers: string[] = [];
    let close: (() => Promise<void>) | undefined;
    let cast: Cast;

    beforeAll(async () => {
      ({ stores, servers, close } = await twoWriters(backend.name, "archive-race"));
      cast = await makeCast();
    });
    afterAll(async () => {
      await close?.();
    });

    it("in the store: the archiving statement's head is the chain's last, and every acknowledged event is in it", async () => {
      let interleaved = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const id = `store-race-${round}`;
        const built = buildCharter({ ...adoptRequest(cast, { id }), id } as never, new Date().toISOString());
        if (!built.ok) throw new Error(built.message);
        await createSigned(stores[0], cast, built.charter);
        const { charterHash } = (await stores[0].agreements.get(id))!;
        const head0 = (await stores[0].agreements.head(id))!;
        const north = await archiveStatement(cast, "north-gov", id, charterHash, head0);
        await stores[0].archives.add(id, { ...north, signedAt: new Date().toISOString() });
        const south = await archiveStatement(cast, "south-gov", id, charterHash, head0);
        const events = await notes(cast, id);

        // the two stores alternate
        const appending = events.map((event, i) =>
          after(i * STEP, () => stores[i % 2].agreements.append(id, event.body, event.signature)),
        );
        const archiving = after(archiveAt(round), () =>
          stores[round % 2].archives.add(id, { ...south, signedAt: new Date().toISOString() }),
        );
        const outcomes = await Promise.allSettled(appending);
        const archivedAt = await archiving;

        const acknowledged = new Set<string>();
        outcomes.forEach((outcome, i) => {
          if (outcome.status === "fulfilled") {
            expect(outcome.value.duplicate).toBe(false);
            acknowledged.add(events[i].body.id);
          } else {
            expect(outcome.reason).toBeInstanceOf(StoreError);
            expect((outcome.reason as StoreError).code).toBe("archived");
          }
        });
        if (acknowledged.size > 0 && acknowledged.size < EVENTS) interleaved++;
        const chain = await stores[1].agreements.events(id);
        expect(new Set(chain.map((e) => e.eventId))).toEqual(acknowledged);
        expect(chain.map((e) => e.seq)).toEqual(chain.map((_, i) => i + 1));
        // nothing after the archive: the head the last statement was recorded at is the last one
        expect(await stores[0].agreements.head(id)).toEqual({ seq: archivedAt.seq, hash: archivedAt.hash });
        const late = await signedEvent(cast, "north-gov", { type: "note", text: "late" }, id);
        await expect(stores[1].agreements.append(id, late.body, late.signature)).rejects.toMatchObject({
          code: "archived",
        });
      }
      expect(interleaved, "rounds where the archive landed among the appends").toBeGreaterThan(0);
    });

    it("over HTTP: each event is 201 and in the chain, or 409 archived; the head stops at the archive", async () => {
      let interleaved = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const id = `http-race-${round}`;
        const created = await adoptAndSign(servers[0], cast, { id });
        expect(created.status).toBe(201);
        const charterHash = String(created.json.charterHash);
        const head0 = { seq: 0, hash: charterHash };
        const north = await archiveStatement(cast, "north-gov", id, charterHash, head0);
        expect((await http(`${servers[0]}/api/agreements/${id}/archive`, "POST", north)).status).toBe(200);
        const south = await archiveStatement(cast, "south-gov", id, charterHash, head0);
        const events = await notes(cast, id);
        // one event through each server first, so that each has checked the stored chain (once per
        // agreement) before the race, as a server that has been running would have
        const acknowledged = new Set<string>();
        for (const url of servers) {
          const warm = await signedEvent(cast, "inspector", { type: "note", text: "warm" }, id);
          expect((await http(`${url}/api/agreements/${id}/events`, "POST", warm)).status).toBe(201);
          acknowledged.add(warm.body.id);
        }

        const answering = events.map((event, i) =>
          after(i * STEP, () => http(`${servers[i % 2]}/api/agreements/${id}/events`, "POST", event)),
        );
        // the head as soon as the archive is answered: with appends ordered against archiving, final
        const archiving = after(archiveAt(round), async () => {
          const answer = await http(`${servers[round % 2]}/api/agreements/${id}/archive`, "POST", south);
          return { answer, head: (await http(`${servers[(round + 1) % 2]}/api/agreements/${id}`)).json };
        });
        const answers = await Promise.all(answering);
        const archived = await archiving;
        expect(archived.answer.status).toBe(200);
        expect(archived.answer.json).toMatchObject({ state: "archived" });

        answers.forEach((answer, i) => {
          if (answer.status === 201) acknowledged.add(events[i].body.id);
          else expect(answer).toMatchObject({ status: 409, json: { error: "archived" } });
        });
        const created201 = answers.filter((answer) => answer.status === 201).length;
        if (created201 > 0 && created201 < EVENTS) interleaved++;
        const exported = await http(`${servers[1]}/api/agreements/${id}/export`);
        const chain = exported.json.events as Array<{ seq: number; eventId: string; hash: string }>;
        expect(new Set(chain.map((e) => e.eventId))).toEqual(acknowledged);
        const final = (await http(`${servers[0]}/api/agreements/${id}`)).json;
        expect({ events: final.events, head: final.head }).toEqual({
          events: archived.head.events,
          head: archived.head.head,
        });
      }
      expect(interleaved, "rounds where the archive landed among the appends").toBeGreaterThan(0);
    });

    it("50 concurrent clients over HTTP: one linear chain, and resent events count once", async () => {
      expect((await adoptAndSign(servers[0], cast)).status).toBe(201);
      const events = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          signedEvent(cast, i % 3 === 0 ? "inspector" : i % 2 ? "north-gov" : "south-gov", {
            type: "note",
            text: `client ${i}`,
          }),
        ),
      );
      const send = (event: (typeof events)[number], server: string) =>
        http(`${server}/api/agreements/freeze-deal/events`, "POST", event);
      // each client sends to one server and, at the same moment, resends to the other
      const responses = await Promise.all(
        events.flatMap((event, i) => [send(event, servers[i % 2]), send(event, servers[(i + 1) % 2])]),
      );
      for (const r of responses) expect([200, 201]).toContain(r.status);
      expect(responses.filter((r) => r.status === 201)).toHaveLength(50);

      const exported = await http(`${servers[1]}/api/agreements/freeze-deal/export`);
      const chain = exported.json.events as Array<{
        seq: number;
        eventId: string;
        prevHash: string;
        hash: string;
      }>;
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(chain.map((e) => e.eventId))).toEqual(new Set(events.map((e) => e.body.id)));
      for (let i = 1; i < chain.length; i++) expect(chain[i].prevHash).toBe(chain[i - 1].hash);
      expect(await verifyLedger(exported.json)).toMatchObject({ ok: true, events: 50 });
    });
  });
}
