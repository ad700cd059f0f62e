/**
 * Compiled scenarios are cached between requests (src/server/scenario-cache.ts): a saved
 * scenario's analysis must follow every update and a delete at once, an inline source with
 * problems still answers 422 every time, and the cache keeps at most INLINE_ENTRIES sources.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisReport } from "../../src/analysis/report.ts";
import { INLINE_ENTRIES, ScenarioCache } from "../../src/server/scenario-cache.ts";
import { INVALID, type Served, serve, VALID } from "./http.ts";

describe("the scenario cache over HTTP", () => {
  let server: Served;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(async () => {
    await server.close();
  });

  /** Whether a is over its tolerance after a-step goes first (it costs a 2). */
  const exposureLimit = async (id: string) => {
    const { status, body } = await server.request("POST", "/api/analyze", {
      scenarioId: id,
      plan: { "a-step": 1, "b-step": 2 },
    });
    expect(status).toBe(200);
    const { violations } = body.analysis as AnalysisReport;
    return violations.some((v) => v.kind === "exposure" && v.party === "a");
  };

  it("analyses a saved scenario as it is now, through updates and a delete", async () => {
    const strict = VALID.replace("id: trade", "id: cached");
    expect((await server.request("POST", "/api/scenarios", { source: strict })).status).toBe(201);
    const first = await exposureLimit("cached");
    const loose = strict.replaceAll("tolerance: 1", "tolerance: 3");
    expect((await server.request("PUT", "/api/scenarios/cached", { source: loose })).status).toBe(200);
    const second = await exposureLimit("cached");
    expect([first, second]).toEqual([true, false]);
    expect((await server.request("PUT", "/api/scenarios/cached", { source: strict })).status).toBe(200);
    expect(await exposureLimit("cached")).toBe(true);
    expect((await server.request("DELETE", "/api/scenarios/cached")).status).toBe(204);
    const gone = await server.request("POST", "/api/analyze", { scenarioId: "cached", plan: "simultaneous" });
    expect(gone.status).toBe(404);
  });

  it("answers an inline source with problems 422 every time", async () => {
    for (let n = 0; n < 2; n++) {
      const { status } = await server.request("POST", "/api/analyze", {
        source: INVALID,
        plan: "simultaneous",
      });
      expect(status).toBe(422);
    }
  });
});

describe("ScenarioCache", () => {
  it("builds a built-in once, a saved one once per version, and forgets the oldest inline source", () => {
    const cache = new ScenarioCache<number>();
    let builds = 0;
    const make = () => ++builds;
    expect(cache.builtin("korea-2018", make)).toBe(cache.builtin("korea-2018", make));
    const row = { id: "x", updatedAt: "2026-11-30T08:00:00.000Z", source: "a" };
    const v1 = cache.saved(row, make);
    expect(cache.saved({ ...row }, make)).toBe(v1);
    expect(cache.saved({ ...row, source: "b" }, make)).not.toBe(v1); // same millisecond, new text
    expect(cache.saved({ ...row, updatedAt: "2026-11-30T08:00:01.000Z", source: "b" }, make)).not.toBe(v1);
    const first = cache.inline("source 0", make);
    for (let n = 1; n < INLINE_ENTRIES; n++) cache.inline(`source ${n}`, make);
    expect(cache.inline("source 0", make)).toBe(first); // used again: now the most recent
    cache.inline("one more", make); // drops "source 1", the least recently used
    const before = builds;
    cache.inline("source 0", make);
    expect(builds).toBe(before);
    cache.inline("source 1", make);
    expect(builds).toBe(before + 1);
  });
});
