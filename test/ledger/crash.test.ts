/**
 * Crash safety: the server is a child process; kill -9 lands in the middle of a burst of signed
 * writes from several clients. After a restart on the same database every acknowledged event is
 * in the chain, the export passes `lockstep ledger verify`, and resending the requests that got
 * no answer (same event ids) completes the burst without duplicates. On SQLite and PostgreSQL.
 */
import { rmSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { lockstepInProcess } from "../helpers/cli.ts";
import { startServe } from "../helpers/serve-process.ts";
import { adoptAndSign, backendNames, freshDatabase, http, makeCast, signedEvent } from "./helpers.ts";

/**
 * `lockstep serve` on the store, as a user runs it (it used to be a TypeScript fixture started
 * through tsx: about a CPU-second more per start). Open, and without the per-address rate limit:
 * the burst is 120 writes from one address.
 */
async function startChild(options: { sqlitePath?: string; databaseUrl?: string }) {
  const store = options.databaseUrl ? ["--database-url", options.databaseUrl] : ["--db", options.sqlitePath!];
  const served = startServe(["--open", "--rate-limit", "0", ...store]);
  return { served, url: await served.url };
}

for (const backend of backendNames) {
  describe.skipIf(backend.skip)(`crash safety on ${backend.name}`, () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it("keeps every acknowledged event through kill -9 and a restart", async () => {
      const { options, drop } = await freshDatabase(backend.name, "crash");
      cleanups.push(drop);
      const cast = await makeCast();
      const first = await startChild(options);
      cleanups.push(() => first.served.kill());
      // --open: the URL it prints has no admin token, and reads and writes need none
      expect(first.served.token()).toBe("");
      expect((await http(`${first.url}/api/scenarios`)).status).toBe(200);
      expect((await adoptAndSign(first.url, cast)).status).toBe(201);

      // 8 clients, each sending its events one after another as fast as the server answers; the
      // kill after a third of them is acknowledged, with eight writes in flight (15 each: 30 each
      // before, the same kill with two thirds of the burst still to come either way)
      const CLIENTS = 8;
      const PER_CLIENT = 15;
      const prepared = await Promise.all(
        Array.from({ length: CLIENTS }, (_, c) =>
          Promise.all(
            Array.from({ length: PER_CLIENT }, (_, i) =>
              signedEvent(cast, c % 2 ? "north-gov" : "south-gov", {
                type: "note",
                text: `client ${c} #${i}`,
              }),
            ),
          ),
        ),
      );
      const acknowledged = new Set<string>();
      const unanswered: Array<(typeof prepared)[number][number]> = [];
      let killed = false;
      const killAfter = Math.floor((CLIENTS * PER_CLIENT) / 3);
      const clients = prepared.map(async (events) => {
        for (const [i, event] of events.entries()) {
          if (killed) {
            unanswered.push(...events.slice(i));
            return;
          }
          try {
            const response = await http(`${first.url}/api/agreements/freeze-deal/events`, "POST", event);
            if (response.status === 201 || response.status === 200) acknowledged.add(event.body.id);
            else throw new Error(`unexpected ${response.status}: ${JSON.stringify(response.json)}`);
          } catch (error) {
            if (!killed) throw error;
            unanswered.push(...events.slice(i));
            return;
          }
          if (!killed && acknowledged.size >= killAfter) {
            killed = true;
            await first.served.kill();
          }
        }
      });
      await Promise.all(clients);
      expect(killed).toBe(true);
      expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter);

      const second = await startChild(options);
      cleanups.push(() => second.served.kill());
      const exported = await http(`${second.url}/api/agreements/freeze-deal/export`);
      const events = exported.json.events as Array<{ eventId: string; seq: number }>;
      const stored = new Set(events.map((e) => e.eventId));
      for (const id of acknowledged) expect(stored.has(id), `acknowledged ${id} lost`).toBe(true);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

      const file = `/tmp/lockstep-crash-export-${process.pid}-${backend.name}.json`;
      writeFileSync(file, JSON.stringify(exported.json));
      cleanups.push(() => rmSync(file, { force: true }));
      // through the binary's entry in this process (ledger/cli runs `ledger verify` as a process)
      const verified = await lockstepInProcess(["ledger", "verify", file]);
      expect(verified.stderr).toBe("");
      expect(verified.status).toBe(0);
      expect(verified.stdout).toMatch(
        new RegExp(`ok — charter signed by north-gov, south-gov; ${events.length} events`),
      );

      // clients resend what got no answer, with the same ids: each lands exactly once
      const resent = await Promise.all(
        unanswered.map((event) => http(`${second.url}/api/agreements/freeze-deal/events`, "POST", event)),
      );
      for (const response of resent) expect([200, 201]).toContain(response.status);
      const final = await http(`${second.url}/api/agreements/freeze-deal/export`);
      expect((final.json.events as unknown[]).length).toBe(CLIENTS * PER_CLIENT);
      expect(await verifyLedger(final.json)).toMatchObject({ ok: true, events: CLIENTS * PER_CLIENT });
      await second.served.kill();
    });
  });
}
