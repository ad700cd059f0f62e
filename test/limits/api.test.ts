/**
 * Hard limits over HTTP (issue 13): small requests that used to kill, stall or 500 the server are
 * answered with a 4xx at once, and an agreement with a tiny phase length still has a status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCharter } from "../../src/ledger/charter.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { adoptRequest, http, makeCast, startServer } from "../ledger/helpers.ts";
import { type Served, serve } from "../server/http.ts";

describe("plan objects sent to the API", () => {
  let server: Served;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(async () => {
    await server?.close();
  });

  const plans: Array<[string, unknown]> = [
    ["a huge phase", { "test-moratorium": 10_000_000 }],
    ["2^53 - 1", { "test-moratorium": 2 ** 53 - 1 }],
    ["a phase past the horizon", { "test-moratorium": 999 }],
    ["phase zero", { "test-moratorium": 0 }],
    ["a negative phase key", { "arsenal-dismantle": { "-1": 1 } }],
    ["phase key zero", { "arsenal-dismantle": { "0": 1 } }],
    ["a huge phase key", { "arsenal-dismantle": { "10000000": 1 } }],
    ["fractions summing to 1.1", { "arsenal-dismantle": { "1": 0.6, "2": 0.5 } }],
    ["an unknown move", { "no-such-move": 1 }],
  ];
  for (const [what, plan] of plans) {
    it(`answers 400 at once for ${what}`, async () => {
      const started = performance.now();
      const { status, body } = await server.request("POST", "/api/analyze", {
        scenarioId: "korea-2018",
        plan,
      });
      expect(status).toBe(400);
      expect(typeof body.message).toBe("string");
      // a guard against work proportional to the phase (minutes), not a speed figure: normal is
      // well under a second even on a loaded machine, so the bound leaves room for a slower one
      expect(performance.now() - started).toBeLessThan(10_000);
    });
  }

  it("still analyses a valid plan object", async () => {
    const { status } = await server.request("POST", "/api/analyze", {
      scenarioId: "korea-2018",
      plan: { "test-moratorium": 1, "arsenal-dismantle": { "1": 0.5, "2": 0.5 } },
    });
    expect(status).toBe(200);
  });
});

describe("phase length", () => {
  let store: Store;
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    store = await openStore({ sqlitePath: ":memory:" });
    const started = await startServer(store);
    base = started.url;
    close = () => started.app.close();
  });
  afterAll(async () => {
    await close?.();
    await store?.close();
  });

  it("refuses to adopt with phases shorter than an hour", async () => {
    const cast = await makeCast();
    const { status, json } = await http(
      `${base}/api/agreements`,
      "POST",
      adoptRequest(cast, { id: "short", phaseDays: 0.0001 }),
    );
    expect(status).toBe(400);
    expect(String(json.message)).toMatch(/one hour/);
  });

  it("an agreement already stored with phaseDays 0.0001 still has a status, quickly", async () => {
    // written straight to the store, as an older server would have accepted it
    const cast = await makeCast();
    const request = adoptRequest(cast, {
      id: "tiny-phases",
      scenario: adoptRequest(cast).scenario,
      start: "2020-01-01T00:00:00Z",
      phaseDays: 0.0001,
    });
    const built = buildCharter(request as Parameters<typeof buildCharter>[0], "2020-01-01T00:00:00Z");
    if (!built.ok) throw new Error(built.message);
    await store.agreements.create(built.charter);
    const started = performance.now();
    const { status, json } = await http(`${base}/api/agreements/tiny-phases/status`);
    expect(status).toBe(200);
    expect(json.phase as number).toBeGreaterThan(10_000_000);
    // a guard against stepping through ten million phases, with room for a slower machine
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
