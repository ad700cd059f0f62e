/**
 * Reaching the server (issue 13): the Host header is checked (a DNS-rebinding page gets 421), and
 * binding beyond loopback needs an explicit flag.
 */
import { request as httpRequest } from "node:http";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/server/app.ts";
import { lockstepAsync } from "../helpers/cli.ts";

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await buildServer({ allowedHosts: ["lockstep.example.org"], access: { open: true } });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await app?.close();
});

function get(host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/api/scenarios", headers: { host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the Host header", () => {
  it("answers loopback names and allowed names", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "lockstep.example.org"]) {
      expect((await get(host)).status, host).toBe(200);
    }
  });

  it("answers 421 to any other name (a DNS-rebinding page)", async () => {
    const answer = await get(`attacker.example:${port}`);
    expect(answer.status).toBe(421);
    expect(JSON.parse(answer.body)).toMatchObject({ error: "misdirected-request" });
    expect(JSON.parse(answer.body).message).toMatch(/attacker\.example/);
  });
});

describe("lockstep serve beyond loopback", () => {
  it("refuses a non-loopback interface without --expose", async () => {
    const run = await lockstepAsync(["serve", "--host", "0.0.0.0", "--port", "0"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/reachable from other machines: add --expose/);
  });
});
