/**
 * The agreements API over real HTTP on 127.0.0.1: adoption, signed events with role checks, bad
 * input refused with a 4xx that changes nothing, export, status and server-sent events.
 */

import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/ledger/canonical.ts";
import { generateKeyPair } from "../../src/ledger/crypto.ts";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { AgreementStatusDocument } from "../../src/server/agreement-schemas.ts";
import { EVENT_BODY_LIMIT } from "../../src/server/plugins/agreements.ts";
import type { Store } from "../../src/store/index.ts";
import { openStore } from "../../src/store/index.ts";
import {
  adoptRequest,
  type Cast,
  charterSignature,
  http,
  makeCast,
  SCENARIO_TEXT,
  signedEvent,
  startServer,
} from "./helpers.ts";

const DAY = 86_400_000;

describe("agreements API", () => {
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let cast: Cast;
  // the calendar started 75 days ago with 30-day phases, so "now" is phase 3
  const start = new Date(Date.now() - 75 * DAY).toISOString();

  beforeAll(async () => {
    store = await openStore({ sqlitePath: ":memory:" });
    ({ app, url: base } = await startServer(store));
    cast = await makeCast();
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const api = (path = "") => `${base}/api/agreements${path}`;
  const submit = (event: unknown, id = "freeze-deal") => http(api(`/${id}/events`), "POST", event);
  const head = async () => (await http(api("/freeze-deal"))).json;

  it("adopts a scenario and plan as an agreement", async () => {
    const created = await http(api(), "POST", adoptRequest(cast, { start }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: "freeze-deal", title: "Freeze for relief" });
    const charter = created.json.charter as { plan: { name: string }; participants: unknown[] };
    expect(charter.plan.name).toBe("staged");
    expect(charter.participants).toHaveLength(5);
    const listed = await http(api());
    expect((listed.json.agreements as Array<{ id: string }>).map((a) => a.id)).toContain("freeze-deal");
    expect(await head()).toMatchObject({ events: 0, head: created.json.charterHash });
  });

  it("is proposed until every party signs the charter hash; events before that are refused", async () => {
    const hash = String((await head()).charterHash);
    expect(await head()).toMatchObject({ state: "proposed", awaiting: ["north-gov", "south-gov"] });
    const early = await submit(await signedEvent(cast, "north-gov", { type: "note", text: "too soon" }));
    expect(early.status).toBe(409);
    expect(early.json.error).toBe("not-active");
    const sign = (who: "north-gov" | "south-gov" | "press", charter = hash) =>
      charterSignature(cast, who, "freeze-deal", charter);
    // a signature of another charter hash, or by the wrong key, is refused
    const otherHash = "0".repeat(64);
    expect(
      (await http(api("/freeze-deal/signatures"), "POST", await sign("north-gov", otherHash))).status,
    ).toBe(409);
    const forged = {
      ...(await sign("south-gov")),
      body: { ...(await sign("south-gov")).body, by: "north-gov" },
    };
    expect((await http(api("/freeze-deal/signatures"), "POST", forged)).status).toBe(403);
    // an observer may sign too, but only the parties' signatures make the agreement active
    expect((await http(api("/freeze-deal/signatures"), "POST", await sign("press"))).json).toMatchObject({
      state: "proposed",
    });
    const north = await http(api("/freeze-deal/signatures"), "POST", await sign("north-gov"));
    expect(north.json).toMatchObject({ state: "proposed", awaiting: ["south-gov"] });
    const south = await http(api("/freeze-deal/signatures"), "POST", await sign("south-gov"));
    expect(south.json).toMatchObject({ state: "active", awaiting: [] });
    expect(await head()).toMatchObject({ state: "active" });
  });

  it("refuses an adoption that does not fit its scenario", async () => {
    const cases: Array<[Record<string, unknown>, RegExp, number]> = [
      [{ id: "freeze-deal" }, /exists/, 409],
      [{ id: "other", plan: "nonsense" }, /unknown plan/, 400],
      [{ id: "other", participants: cast.participants.slice(1) }, /missing: north/, 400],
      [
        {
          id: "other",
          participants: [...cast.participants.slice(0, 4), { ...cast.participants[4], publicKey: "abc" }],
        },
        /publicKey/,
        400,
      ],
      [{ id: "other", scenario: "parties: [" }, /scenario has problems/, 400],
      [{ id: "other", scenario: undefined, scenarioId: "no-such-scenario" }, /no saved or built-in/, 404],
    ];
    for (const [change, message, status] of cases) {
      const response = await http(api(), "POST", { ...adoptRequest(cast, { start }), ...change });
      expect(response.status, JSON.stringify(change).slice(0, 80)).toBe(status);
      expect(response.json.message).toMatch(message);
      expect(typeof response.json.error).toBe("string");
    }
    expect((await http(api("/other"))).status).toBe(404);
  });

  it("adopts a saved or built-in scenario by id, and only those", async () => {
    await store.scenarios.create({ id: "saved-swap", name: "Saved", yaml: SCENARIO_TEXT });
    const saved = await http(api(), "POST", {
      ...adoptRequest(cast, { id: "from-saved", start }),
      scenario: undefined,
      scenarioId: "saved-swap",
    });
    expect(saved.status).toBe(201);
    const keys = await Promise.all(["us", "dprk", "rok"].map(() => generateKeyPair()));
    const builtin = await http(api(), "POST", {
      id: "korea",
      scenarioId: "korea-2018",
      plan: "simultaneous",
      participants: ["us", "dprk", "rok"].map((party, i) => ({
        id: `${party}-gov`,
        role: "party",
        party,
        publicKey: keys[i].publicKey,
      })),
    });
    expect(builtin.status).toBe(201);
    expect((builtin.json.charter as { scenario: { name: string } }).scenario.name).toBe("korea-2018.yaml");
    for (const scenarioId of ["../package", "src", "/etc/passwd"]) {
      const refused = await http(api(), "POST", {
        ...adoptRequest(cast, { id: "nope" }),
        scenario: undefined,
        scenarioId,
      });
      expect(refused.status, scenarioId).toBe(404);
    }
  });

  it("records signed events from the right participants, and a retry once", async () => {
    const done = await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" });
    const first = await submit(done);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ duplicate: false, event: { seq: 1, eventId: done.body.id } });
    const retry = await submit(done);
    expect(retry.status).toBe(200);
    expect(retry.json).toMatchObject({ duplicate: true, event: { seq: 1 } });
    const verified = await submit(
      await signedEvent(cast, "freeze-monitor", {
        type: "move.verified",
        move: "freeze",
        report: "seals intact",
      }),
    );
    expect(verified.status).toBe(201);
    const note = await submit(await signedEvent(cast, "inspector", { type: "note", text: "visit planned" }));
    expect(note.status).toBe(201);
    expect(await head()).toMatchObject({ events: 3 });
  });

  it("refuses bad input with a clear 4xx and changes nothing", async () => {
    const before = await head();
    const good = await signedEvent(cast, "north-gov", { type: "move.done", move: "handover", fraction: 0.5 });
    const wronglySigned = await signedEvent(cast, "south-gov", { type: "move.done", move: "handover" });
    const tampered = { ...good, body: { ...good.body, fraction: 1 } };
    const otherAgreement = await signedEvent(cast, "north-gov", { type: "note", text: "hi" }, "another-deal");
    const reusedId = await signedEvent(cast, "north-gov", { type: "note", text: "different" });
    const firstEvent = (await http(api("/freeze-deal/events"))).json.events as Array<{ eventId: string }>;
    const cases: Array<[string, unknown, number, string]> = [
      ["unsigned", { body: good.body }, 400, "unsigned"],
      [
        "wrongly signed",
        { body: { ...wronglySigned.body, by: "north-gov" }, signature: wronglySigned.signature },
        403,
        "bad-signature",
      ],
      ["altered after signing", tampered, 403, "bad-signature"],
      ["signature not base64", { ...good, signature: "%%%" }, 403, "bad-signature"],
      ["replayed into another agreement", otherAgreement, 400, "wrong-agreement"],
      [
        "event id reused with other content",
        { ...reusedId, body: { ...reusedId.body, id: firstEvent[0].eventId } },
        403,
        "bad-signature",
      ],
      [
        "wrong role: south reports north's move",
        await signedEvent(cast, "south-gov", { type: "move.done", move: "handover" }),
        403,
        "wrong-role",
      ],
      [
        "wrong role: observer writes",
        await signedEvent(cast, "press", { type: "note", text: "scoop" }),
        403,
        "wrong-role",
      ],
      [
        "wrong role: verifier not named for the move",
        await signedEvent(cast, "freeze-monitor", { type: "move.verified", move: "relief" }),
        403,
        "wrong-role",
      ],
      [
        "wrong role: party verifies",
        await signedEvent(cast, "south-gov", { type: "move.verified", move: "freeze" }),
        403,
        "wrong-role",
      ],
      [
        "unknown move",
        await signedEvent(cast, "north-gov", { type: "move.done", move: "missiles" }),
        400,
        "unknown-move",
      ],
      [
        "fraction of an indivisible move",
        await signedEvent(cast, "south-gov", { type: "move.done", move: "relief", fraction: 0.5 }),
        400,
        "not-divisible",
      ],
      [
        "unknown participant",
        await signedEvent(cast, "north-gov", { type: "note", text: "x", by: "stranger" }),
        403,
        "unknown-participant",
      ],
      ["malformed JSON", "{ not json", 400, "bad-request"],
      ["not an object", [1, 2], 400, "bad-request"],
      [
        "unknown event type",
        await signedEvent(cast, "north-gov", { type: "move.teleported", move: "freeze" }),
        400,
        "malformed-event",
      ],
      [
        "fraction out of range",
        await signedEvent(cast, "north-gov", { type: "move.done", move: "handover", fraction: 2 }),
        400,
        "malformed-event",
      ],
      [
        "oversized",
        { ...good, body: { ...good.body, text: "x".repeat(EVENT_BODY_LIMIT) } },
        413,
        "payload-too-large",
      ],
    ];
    for (const [name, payload, status, error] of cases) {
      const response = await submit(payload);
      expect(response.status, name).toBe(status);
      expect(response.json.error, name).toBe(error);
      expect(String(response.json.message).length, name).toBeGreaterThan(5);
    }
    // the same id re-signed with different content is a conflict, not a second event
    const resigned = await signedEvent(cast, "north-gov", {
      type: "note",
      text: "different",
      id: firstEvent[0].eventId,
    });
    const conflict = await submit(resigned);
    expect(conflict.status).toBe(409);
    expect(await head()).toEqual(before);
  });

  it("exports a ledger that verifies offline", async () => {
    const exported = await http(api("/freeze-deal/export"));
    expect(exported.status).toBe(200);
    expect(await verifyLedger(exported.json)).toMatchObject({
      ok: true,
      events: 3,
      head: (await head()).head,
    });
    // a bit flipped in the export is named
    const events = exported.json.events as Array<{ body: { text?: string } }>;
    events[2].body.text = "visit cancelled";
    expect(await verifyLedger(exported.json)).toMatchObject({ ok: false, seq: 3 });
  });

  it("projects live status from the events", async () => {
    const status = await http(api("/freeze-deal/status"));
    expect(status.status).toBe(200);
    // the response is exactly the documented schema (the one /api/openapi.json publishes)
    const s = AgreementStatusDocument.strict().parse(status.json);
    expect(s.phase).toBe(3);
    const move = (id: string) => s.moves.find((m) => m.id === id)!;
    expect(move("freeze").state).toBe("verified");
    // relief was planned for phase 2; it is phase 3
    expect(move("relief")).toMatchObject({ state: "not started", overdueBy: 1 });
    expect(s.overdue).toEqual(["relief"]);
    // the handover needs the freeze verified, which it is, and starts in phase 3
    expect(move("handover")).toMatchObject({ dueNow: true, unlocked: true });
    expect(s.unlocked).toContain("handover");
    expect(s.alerts.map((a) => a.message)).toContain("Sanctions relief (South) is one phase overdue");
    // as of ten days ago (phase 3 already, no event yet): nothing done, nothing counted
    const at = new Date(Date.now() - 10 * DAY).toISOString();
    const past = AgreementStatusDocument.parse((await http(api(`/freeze-deal/status?at=${at}`))).json);
    expect(past).toMatchObject({ asOf: at, phase: 3, events: 0, head: past.charterVersion.hash });
    expect(past.moves.find((m) => m.id === "freeze")).toMatchObject({ done: 0, state: "not started" });
    expect(past.overdue).toEqual(["freeze", "relief"]);

    // North hands over everything: its exposure is the handover's cost (midpoint of [-7,-5], not
    // reversible) since relief has not come: 6 of its tolerance 8
    const handover = await submit(
      await signedEvent(cast, "north-gov", { type: "move.done", move: "handover" }),
    );
    expect(handover.status).toBe(201);
    const after = (await http(api("/freeze-deal/status"))).json as typeof s;
    const north = after.parties.find((p) => p.id === "north")!;
    expect(north.exposure).toBeCloseTo(6, 9);
    expect(after.alerts.map((a) => a.message)).toContain(`North exposure 6 of ${north.tolerance}`);
  });

  it("streams new events and status by server-sent events", async () => {
    const controller = new AbortController();
    const response = await fetch(api("/freeze-deal/events/stream?after=2"), { signal: controller.signal });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    // the backlog after seq 2 arrives first
    await readUntil(/id: 4\n/);
    expect(text).toMatch(/event: ledger\nid: 3\n/);
    const note = await signedEvent(cast, "south-gov", { type: "note", text: "relief next week" });
    expect((await submit(note)).status).toBe(201);
    await readUntil(/id: 5\n[^\n]*\n\n[\s\S]*event: status/);
    const ledgerLine = text.split("\n\n").find((chunk) => chunk.includes("id: 5\n"))!;
    const data = JSON.parse(ledgerLine.split("data: ")[1]) as { body: unknown; seq: number };
    expect(data.seq).toBe(5);
    expect(canonicalJson(data.body)).toBe(canonicalJson(note.body));
    controller.abort();
  });
});
