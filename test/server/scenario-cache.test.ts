/**
 * Compiled scenarios are cached between requests (src/server/scenario-cache.ts): a saved
 * scenario's analysis and the library's list must follow every update and a delete at once, an
 * inline source with problems still answers 422 every time, the cache keeps at most
 * INLINE_ENTRIES sources, and the list parses each saved text once per version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisReport } from "../../src/analysis/report.ts";
import { parseScenario } from "../../src/model/index.ts";
import { INLINE_ENTRIES, ScenarioCache } from "../../src/server/scenario-cache.ts";
import { ScenarioLibrary } from "../../src/server/scenarios.ts";
import { openStore } from "../../src/store/index.ts";
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

  it("lists a saved scenario as it is now, through a save, a new title and a delete", async () => {
    const listed = async () => {
      const { status, body } = await server.request("GET", "/api/scenarios");
      expect(status).toBe(200);
      return (body.scenarios as { id: string; title: string; moves: number }[]).filter(
        (s) => s.id === "listed",
      );
    };
    const text = VALID.replace("id: trade", "id: listed");
    expect((await server.request("POST", "/api/scenarios", { source: text })).status).toBe(201);
    expect(await listed()).toMatchObject([{ title: "A small trade", moves: 2, builtin: false, valid: true }]);
    expect(await listed()).toMatchObject([{ title: "A small trade" }]); // listed again, from the cache
    const renamed = text.replace("title: A small trade", "title: A renamed trade");
    expect((await server.request("PUT", "/api/scenarios/listed", { source: renamed })).status).toBe(200);
    expect(await listed()).toMatchObject([{ title: "A renamed trade", moves: 2 }]);
    const longer = `${renamed}  - id: c-step\n    actor: a\n    value: { a: -1, b: 1 }\n`;
    expect((await server.request("PUT", "/api/scenarios/listed", { source: longer })).status).toBe(200);
    expect(await listed()).toMatchObject([{ title: "A renamed trade", moves: 3 }]);
    expect((await server.request("GET", "/api/scenarios/listed")).body).toMatchObject({
      moves: 3,
      source: longer,
    });
    expect((await server.request("DELETE", "/api/scenarios/listed")).status).toBe(204);
    expect(await listed()).toEqual([]);
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

describe("ScenarioLibrary", () => {
  it("parses a saved text once per version, and follows a change made by another server", async () => {
    const store = await openStore({ sqlitePath: ":memory:" });
    try {
      let parses = 0;
      const counted = async (source: string, name: string) => {
        parses++;
        return parseScenario(source, name);
      };
      const library = new ScenarioLibrary(store.scenarios, counted);
      const titles = async (of: ScenarioLibrary) =>
        (await of.list()).filter((s) => !s.builtin).map((s) => `${s.id}: ${s.title}`);
      await library.create(VALID);
      expect(parses).toBe(1); // the parse that checked it
      expect(await titles(library)).toEqual(["trade: A small trade"]);
      await library.get("trade");
      await library.resolve({ scenarioId: "trade" });
      expect(parses).toBe(1); // the list, the document and the compiled scenario reuse it

      // a second server on the same database: its first list parses the text, later ones do not
      const other = new ScenarioLibrary(store.scenarios, counted);
      expect(await titles(other)).toEqual(["trade: A small trade"]);
      expect(parses).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 2)); // a later update time
      await other.update("trade", VALID.replace("title: A small trade", "title: Renamed elsewhere"));
      expect(await titles(other)).toEqual(["trade: Renamed elsewhere"]);
      expect(parses).toBe(3);
      expect(await titles(library)).toEqual(["trade: Renamed elsewhere"]); // a new version: parsed once
      expect(await titles(library)).toEqual(["trade: Renamed elsewhere"]);
      expect(parses).toBe(4);
      await other.delete("trade");
      expect(await titles(library)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
