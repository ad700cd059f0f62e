/**
 * Limits a server keeps over HTTP (issue 13): rate limits per token and per address, a cap on
 * running simulation jobs, slow request bodies timed out (408), and YAML alias bombs refused with
 * their line and column (422). Real servers on 127.0.0.1.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/server/app.ts";

const ADMIN = "limits-admin-token-0123456789";

describe("rate limits", () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  let base: string;
  beforeAll(async () => {
    app = await buildServer({ access: { adminToken: ADMIN }, rateLimit: { max: 5, windowMs: 60_000 } });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => app?.close());

  const get = (path: string, token?: string) =>
    fetch(base + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("answers 429 with retry-after past the limit for an address, and counts a valid token apart", async () => {
    for (let i = 0; i < 5; i++) expect((await get("/api/capabilities")).status).toBe(200);
    const refused = await get("/api/capabilities");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: string; message: string };
    expect(body.error).toBe("too-many-requests");
    expect(body.message).toMatch(/more than 5 requests in 60 s/);
    // refused requests of any kind count: an unauthorised one is still 429, not 401
    expect((await get("/api/scenarios")).status).toBe(429);
    // made-up tokens count against the address
    expect((await get("/api/capabilities", "made-up-token")).status).toBe(429);
    // the admin token has its own allowance
    for (let i = 0; i < 5; i++) expect((await get("/api/scenarios", ADMIN)).status).toBe(200);
    expect((await get("/api/scenarios", ADMIN)).status).toBe(429);
  });
});

describe("running simulation jobs", () => {
  it("refuses a job past the cap with 429 and takes one again once a job ends", async () => {
    const app = await buildServer({ access: { open: true }, maxJobs: 1 });
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const start = () =>
      fetch(`${base}/api/simulate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenarioId: "korea-2018", runs: 1_000_000, workers: 1 }),
      });
    try {
      const first = await start();
      expect(first.status).toBe(202);
      const { id } = (await first.json()) as { id: string };
      const second = await start();
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ error: "too-many-jobs" });
      expect((await fetch(`${base}/api/simulate/${id}`, { method: "DELETE" })).status).toBe(200);
      const third = await start();
      expect(third.status).toBe(202);
      const { id: thirdId } = (await third.json()) as { id: string };
      await fetch(`${base}/api/simulate/${thirdId}`, { method: "DELETE" });
    } finally {
      await app.close();
    }
  });
});

describe("slow requests and alias bombs", () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  let base: string;
  beforeAll(async () => {
    app = await buildServer({ access: { open: true }, requestTimeoutMs: 1000 });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => app?.close());

  it("answers 408 to a body that does not arrive in time, and closes the connection", async () => {
    const { port } = new URL(base);
    const socket = connect(Number(port), "127.0.0.1");
    const answer = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk;
      });
      socket.on("close", () => resolve(text));
    });
    const started = Date.now();
    socket.write(
      "POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
    );
    // a byte now and then, never the whole body
    const drip = setInterval(() => socket.write(" "), 200);
    const text = await answer;
    clearInterval(drip);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    // the 1 s timeout, not the 30 s default and not never: room for a slower machine below 30 s
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("answers 422 with the line and column of the alias past the limit", async () => {
    const lines = [
      "parties: [{ id: a, tolerance: 1 }]",
      "moves:",
      "  - { id: m0, actor: a, value: { a: 1 }, title: &t hello }",
    ];
    for (let i = 1; i < 150; i++) lines.push(`  - { id: m${i}, actor: a, value: { a: 1 }, title: *t }`);
    const response = await fetch(`${base}/api/analyze`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ source: lines.join("\n") }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { issues: { line?: number; column?: number; message: string }[] };
    const alias = body.issues.find((issue) => /more than 100 YAML aliases/.test(issue.message));
    expect(alias).toMatchObject({ line: 104 });
    expect(alias?.column).toBeGreaterThan(0);
  });
});
