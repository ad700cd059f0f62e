/**
 * 50 clients submit signed events to one agreement at once, over HTTP, split across two servers
 * sharing one database (so two writers really race for the chain's head), each also resending its
 * event: one linear chain results, with no gap, duplicate or fork. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { adoptAndSign, backendNames, type Cast, http, makeCast, signedEvent, twoWriters } from "./helpers.ts";

for (const backend of backendNames) {
  describe.skipIf(backend.skip)(`50 concurrent clients on ${backend.name}`, () => {
    let servers: string[] = [];
    let close: (() => Promise<void>) | undefined;
    let cast: Cast;

    beforeAll(async () => {
      ({ servers, close } = await twoWriters(backend.name, "race"));
      cast = await makeCast();
    });
    afterAll(async () => {
      await close?.();
    });

    it("leaves one linear chain, and resent events count once", async () => {
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
