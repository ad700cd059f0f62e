/** GET /api/agreements/:id/replan over HTTP on 127.0.0.1 (MODEL.md §10). */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { http, startServer } from "../ledger/helpers.ts";
import { adoptLate, type LateAgreement } from "./setup.ts";

const DAY = 86_400_000;

describe("GET /api/agreements/:id/replan", () => {
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  let deal: LateAgreement;

  beforeAll(async () => {
    store = await openStore({ sqlitePath: ":memory:" });
    ({ app, url: base } = await startServer(store));
    deal = await adoptLate(base);
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it("says the rest of the plan breaks on b1's prerequisite, and continues with b1 in phase 4", async () => {
    const { status, json } = await http(`${base}/api/agreements/${deal.id}/replan`);
    expect(status).toBe(200);
    expect(json.phase).toBe(2);
    expect(json.history).toEqual({ done: { a1: 1, b1: 0 }, verified: { a1: 0, b1: 0 } });
    const rest = json.rest as { holds: boolean; breaks: Array<{ kind: string; message: string }> };
    expect(rest.holds).toBe(false);
    expect(rest.breaks.map((b) => b.kind)).toEqual(["requires"]);
    expect(rest.breaks[0].message).toMatch(/'b1'.*phase 3.*'a1'/);
    expect(json.continuation).toMatchObject({
      feasible: true,
      status: "optimal",
      from: 2,
      phases: 4,
      steps: [{ phase: 4, move: "b1", share: 1 }],
      minSlack: 1,
    });
    expect((json.summary as string[])[0]).toMatch(/no longer holds/);
    // the continuation as a whole plan to propose as an amendment: a1 where it was done (phase 2)
    expect(json.proposal).toEqual({ phases: { a1: 2, b1: 4 }, left: [] });
  });

  it("as of phase 1 (before a1 was reported) a1 is overdue: the rest also breaks", async () => {
    const at = new Date(deal.start + 15 * DAY).toISOString();
    const { status, json } = await http(
      `${base}/api/agreements/${deal.id}/replan?at=${encodeURIComponent(at)}`,
    );
    expect(status).toBe(200);
    expect(json.phase).toBe(1);
    expect((json.rest as { steps: unknown[] }).steps).toEqual([
      { phase: 2, move: "a1", share: 1 },
      { phase: 3, move: "b1", share: 1 },
    ]);
    expect((json.continuation as { steps: unknown[] }).steps).toEqual([
      { phase: 2, move: "a1", share: 1 },
      { phase: 4, move: "b1", share: 1 },
    ]);
  });

  it("answers other objectives, and refuses bad queries and unknown agreements with 4xx", async () => {
    const welfare = await http(`${base}/api/agreements/${deal.id}/replan?objective=welfare`);
    expect(welfare.status).toBe(200);
    expect(welfare.json.continuation).toMatchObject({ objective: "welfare", feasible: true });
    const safety = await http(`${base}/api/agreements/${deal.id}/replan?objective=safety`);
    expect(safety.status).toBe(400);
    const horizon = await http(`${base}/api/agreements/${deal.id}/replan?horizon=2`);
    expect(horizon.status).toBe(400);
    expect(String(horizon.json.message)).toMatch(/after the current phase 2/);
    const missing = await http(`${base}/api/agreements/no-such-deal/replan`);
    expect(missing.status).toBe(404);
  });

  it("is in the OpenAPI document", async () => {
    const { json } = await http(`${base}/api/openapi.json`);
    expect(Object.keys(json.paths as object)).toContain("/api/agreements/{id}/replan");
  });
});
