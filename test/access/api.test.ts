import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signReadChallenge } from "../../src/ledger/statements.ts";
import {
  adoptAndSign,
  adoptRequest,
  type Cast,
  http,
  makeCast,
  type Served,
  serveInMemory,
  signedEvent,
  type Who,
} from "../ledger/helpers.ts";

const ADMIN = "test-admin-token-0123456789";
const admin = { authorization: `Bearer ${ADMIN}` };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Adopts `id` with the admin token (or none, on an open server) and has both parties sign it. */
async function adopt(base: string, cast: Cast, id: string, headers: Record<string, string> = admin) {
  // the charter signatures go without a token: each is authorised by the signature itself
  const created = await adoptAndSign(base, cast, { id }, headers);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
}

/** The challenge-and-session exchange a participant's client makes. */
async function readTokenFor(base: string, cast: Cast, id: string, who: Who, as: string = who) {
  const challenge = await http(`${base}/api/agreements/${id}/challenge`, "POST", {});
  expect(challenge.status).toBe(200);
  const text = String(challenge.json.challenge);
  const signature = await signReadChallenge(id, text, cast.keys[who].privateKey);
  return http(`${base}/api/agreements/${id}/session`, "POST", {
    participant: as,
    challenge: text,
    signature,
  });
}

describe("a server with an admin token", () => {
  let served: Served;
  let cast: Cast;
  let base: string;
  beforeAll(async () => {
    served = await serveInMemory({ adminToken: ADMIN });
    base = served.url;
    cast = await makeCast();
    await adopt(base, cast, "freeze-deal");
    await adopt(base, cast, "other-deal");
  });
  afterAll(() => served?.close());

  it("answers 401 with a clear JSON error to every protected route without a token", async () => {
    const protectedRoutes: Array<[string, string, unknown?]> = [
      ["GET", "/api/scenarios"],
      ["POST", "/api/scenarios", { source: "id: x" }],
      ["POST", "/api/analyze", { scenarioId: "korea-2018" }],
      ["POST", "/api/plan", { scenarioId: "korea-2018" }],
      ["POST", "/api/simulate", { scenarioId: "korea-2018", runs: 10 }],
      ["GET", "/api/sweeps"],
      ["GET", "/api/agreements"],
      ["POST", "/api/agreements", adoptRequest(cast, { id: "sneaky" })],
      ["GET", "/api/agreements/freeze-deal"],
      ["GET", "/api/agreements/freeze-deal/status"],
      ["GET", "/api/agreements/freeze-deal/events"],
      ["GET", "/api/agreements/freeze-deal/export"],
      ["GET", "/api/agreements/freeze-deal/events/stream"],
    ];
    for (const [method, path, body] of protectedRoutes) {
      const response = await fetch(base + path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const answer = (await response.json()) as { error: string; message: string };
      expect(answer.error, path).toBe("unauthorized");
      expect(answer.message, path).toMatch(/token/);
    }
    // nothing was adopted
    expect((await http(`${base}/api/agreements/sneaky`, "GET", undefined, admin)).status).toBe(404);
  });

  it("refuses a wrong admin token and a malformed Authorization header", async () => {
    const wrong = await http(`${base}/api/scenarios`, "GET", undefined, bearer("not-the-token"));
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe("invalid-token");
    const basic = await http(`${base}/api/scenarios`, "GET", undefined, { authorization: "Basic abc" });
    expect(basic.status).toBe(401);
    expect(String(basic.json.message)).toMatch(/Bearer TOKEN/);
  });

  it("leaves the web app, capabilities, the OpenAPI document and participants' signed writes open", async () => {
    expect((await http(`${base}/api/capabilities`)).status).toBe(200);
    expect((await http(`${base}/api/openapi.json`)).status).toBe(200);
    const event = await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" });
    const appended = await http(`${base}/api/agreements/freeze-deal/events`, "POST", event);
    expect(appended.status, JSON.stringify(appended.json)).toBe(201);
  });

  it("lets the admin token read and write everything", async () => {
    expect((await http(`${base}/api/scenarios`, "GET", undefined, admin)).status).toBe(200);
    const list = await http(`${base}/api/agreements`, "GET", undefined, admin);
    expect((list.json.agreements as { id: string }[]).map((a) => a.id).sort()).toEqual([
      "freeze-deal",
      "other-deal",
    ]);
    for (const path of ["", "/status", "/events", "/export"]) {
      expect((await http(`${base}/api/agreements/freeze-deal${path}`, "GET", undefined, admin)).status).toBe(
        200,
      );
    }
  });

  it("gives a participant who signs a challenge a read token for that agreement only", async () => {
    const session = await readTokenFor(base, cast, "freeze-deal", "south-gov");
    expect(session.status, JSON.stringify(session.json)).toBe(200);
    expect(session.json).toMatchObject({ agreement: "freeze-deal", participant: "south-gov" });
    expect(Date.parse(String(session.json.expiresAt))).toBeGreaterThan(Date.now());
    const token = bearer(String(session.json.token));
    for (const path of ["", "/status", "/events", "/export"]) {
      const read = await http(`${base}/api/agreements/freeze-deal${path}`, "GET", undefined, token);
      expect(read.status, path).toBe(200);
    }
    const other = await http(`${base}/api/agreements/other-deal/status`, "GET", undefined, token);
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ error: "forbidden" });
    expect(String(other.json.message)).toMatch(/freeze-deal/);
    // nor the operator's routes
    expect((await http(`${base}/api/scenarios`, "GET", undefined, token)).status).toBe(403);
    expect((await http(`${base}/api/agreements`, "GET", undefined, token)).status).toBe(403);
  });

  it("lets observers read too: observers are participants", async () => {
    const session = await readTokenFor(base, cast, "freeze-deal", "press");
    expect(session.status).toBe(200);
    const read = await http(
      `${base}/api/agreements/freeze-deal/status`,
      "GET",
      undefined,
      bearer(String(session.json.token)),
    );
    expect(read.status).toBe(200);
  });

  it("streams the ledger to a read token passed as ?access_token= (EventSource cannot set headers)", async () => {
    const session = await readTokenFor(base, cast, "freeze-deal", "inspector");
    const token = encodeURIComponent(String(session.json.token));
    const controller = new AbortController();
    const response = await fetch(`${base}/api/agreements/freeze-deal/events/stream?access_token=${token}`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes("event: ledger")) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toMatch(/event: status/);
    const elsewhere = await fetch(`${base}/api/agreements/other-deal/events/stream?access_token=${token}`);
    expect(elsewhere.status).toBe(403);
  });

  it("refuses a signature by another key, a stranger, a challenge for another agreement and a replay", async () => {
    // north-gov's key claiming to be south-gov
    const impostor = await readTokenFor(base, cast, "freeze-deal", "north-gov", "south-gov");
    expect(impostor.status).toBe(401);
    expect(impostor.json.error).toBe("bad-signature");
    const stranger = await readTokenFor(base, cast, "freeze-deal", "north-gov", "nobody");
    expect(stranger.status).toBe(403);
    expect(stranger.json.error).toBe("not-a-participant");

    const challenge = await http(`${base}/api/agreements/other-deal/challenge`, "POST", {});
    const text = String(challenge.json.challenge);
    const signature = await signReadChallenge("freeze-deal", text, cast.keys["north-gov"].privateKey);
    const crossed = await http(`${base}/api/agreements/freeze-deal/session`, "POST", {
      participant: "north-gov",
      challenge: text,
      signature,
    });
    expect(crossed.status).toBe(401);
    expect(crossed.json.error).toBe("invalid-challenge");

    const fresh = await http(`${base}/api/agreements/freeze-deal/challenge`, "POST", {});
    const answer = {
      participant: "north-gov",
      challenge: String(fresh.json.challenge),
      signature: await signReadChallenge(
        "freeze-deal",
        String(fresh.json.challenge),
        cast.keys["north-gov"].privateKey,
      ),
    };
    expect((await http(`${base}/api/agreements/freeze-deal/session`, "POST", answer)).status).toBe(200);
    const replay = await http(`${base}/api/agreements/freeze-deal/session`, "POST", answer);
    expect(replay.status).toBe(401);
    expect(replay.json.error).toBe("challenge-used");

    const forged = await http(
      `${base}/api/agreements/freeze-deal/status`,
      "GET",
      undefined,
      bearer("eyJhIjoiZnJlZXplLWRlYWwifQ.forged"),
    );
    expect(forged.status).toBe(401);
    expect(forged.json.error).toBe("invalid-token");
    expect((await http(`${base}/api/agreements/no-such/challenge`, "POST", {})).status).toBe(404);
  });
});

describe("short-lived tokens and challenges", () => {
  let served: Served;
  let cast: Cast;
  beforeAll(async () => {
    // a minute each, and the clock moved past it below: with a TTL of a few hundred ms, a slow
    // machine could see the fresh token expire before its first use
    served = await serveInMemory({ adminToken: ADMIN, readTokenTtlMs: 60_000, challengeTtlMs: 60_000 });
    cast = await makeCast();
    await adopt(served.url, cast, "freeze-deal");
  });
  afterAll(() => served?.close());

  it("refuses an expired read token and an expired challenge with 401", async () => {
    const base = served.url;
    const session = await readTokenFor(base, cast, "freeze-deal", "north-gov");
    const token = bearer(String(session.json.token));
    expect((await http(`${base}/api/agreements/freeze-deal/status`, "GET", undefined, token)).status).toBe(
      200,
    );
    const challenge = await http(`${base}/api/agreements/freeze-deal/challenge`, "POST", {});
    // the server runs in this process: move its clock (Date only; timers stay real) past both TTLs
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      const expired = await http(`${base}/api/agreements/freeze-deal/status`, "GET", undefined, token);
      expect(expired.status).toBe(401);
      expect(expired.json.error).toBe("token-expired");
      expect(String(expired.json.message)).toMatch(/sign a new challenge/);
      const text = String(challenge.json.challenge);
      const late = await http(`${base}/api/agreements/freeze-deal/session`, "POST", {
        participant: "north-gov",
        challenge: text,
        signature: await signReadChallenge("freeze-deal", text, cast.keys["north-gov"].privateKey),
      });
      expect(late.status).toBe(401);
      expect(late.json.error).toBe("challenge-expired");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("--public-read and --open", () => {
  it("--public-read opens agreements' GETs, and nothing else", async () => {
    const served = await serveInMemory({ adminToken: ADMIN, publicRead: true });
    try {
      const cast = await makeCast();
      await adopt(served.url, cast, "freeze-deal");
      for (const path of [
        "/api/agreements",
        "/api/agreements/freeze-deal",
        "/api/agreements/freeze-deal/status",
      ]) {
        expect((await http(served.url + path)).status, path).toBe(200);
      }
      expect((await http(`${served.url}/api/scenarios`)).status).toBe(401);
      const adoption = await http(
        `${served.url}/api/agreements`,
        "POST",
        adoptRequest(cast, { id: "again" }),
      );
      expect(adoption.status).toBe(401);
    } finally {
      await served.close();
    }
  });

  it("--open needs no token for anything", async () => {
    const served = await serveInMemory({ open: true });
    try {
      const cast = await makeCast();
      await adopt(served.url, cast, "freeze-deal", {});
      for (const path of ["/api/scenarios", "/api/agreements", "/api/agreements/freeze-deal/export"]) {
        expect((await http(served.url + path)).status, path).toBe(200);
      }
      const saved = await http(`${served.url}/api/scenarios`, "POST", {
        source:
          "id: mine\nparties: [{ id: a, tolerance: 1 }]\nmoves: [{ id: m, actor: a, value: { a: 1 } }]\n",
      });
      expect(saved.status).toBe(201);
    } finally {
      await served.close();
    }
  });
});
