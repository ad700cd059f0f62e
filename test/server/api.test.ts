import { connect } from "node:net";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { compileScenario } from "../../src/analysis/compile.ts";
import { resolvePlan } from "../../src/analysis/doctrines.ts";
import { analysisDocument } from "../../src/analysis/perspectives.ts";
import { AnalysisReport } from "../../src/analysis/report.ts";
import { robustnessReport } from "../../src/analysis/robustness.ts";
import { parseSource, readScenarioSource } from "../../src/io/scenario-files.ts";
import { parseScenario } from "../../src/model/parse.ts";
import { Scenario } from "../../src/model/schema.ts";
import { BODY_LIMIT } from "../../src/server/app.ts";
import { INVALID, type Served, serve, VALID } from "./http.ts";

let server: Served;
beforeAll(async () => {
  server = await serve();
});
afterAll(async () => {
  await server?.close();
});

const ids = async () =>
  ((await server.request("GET", "/api/scenarios")).body.scenarios as { id: string }[]).map((s) => s.id);

const expectError = (body: Record<string, unknown>, code: string) => {
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe("string");
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
};

describe("scenarios", () => {
  it("lists the built-ins with a short description", async () => {
    const { status, body } = await server.request("GET", "/api/scenarios");
    expect(status).toBe(200);
    const korea = (body.scenarios as Record<string, unknown>[]).find((s) => s.id === "korea-2018");
    const parsed = parseSource(readScenarioSource("korea-2018"));
    if (!parsed.ok) throw new Error("korea-2018 does not parse");
    expect(korea).toMatchObject({
      builtin: true,
      title: parsed.scenario.title,
      parties: parsed.scenario.parties.length,
      moves: parsed.scenario.moves.length,
    });
    expect(String(korea?.description).length).toBeGreaterThan(0);
    expect(String(korea?.description).length).toBeLessThanOrEqual(160);
  });

  it("gets a built-in with its source, and answers 404 for an unknown id", async () => {
    const got = await server.request("GET", "/api/scenarios/korea-2018");
    expect(got.status).toBe(200);
    expect(got.body.source).toBe(readScenarioSource("korea-2018").text);
    const missing = await server.request("GET", "/api/scenarios/no-such-thing");
    expect(missing.status).toBe(404);
    expectError(missing.body, "not-found");
  });

  it("creates, reads, updates and deletes a saved scenario", async () => {
    const created = await server.request("POST", "/api/scenarios", { source: VALID });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: "trade", builtin: false, parties: 2, moves: 2 });
    expect(created.body.description).toBe("Two parties swap steps.");
    expect(await ids()).toContain("trade");

    const updatedText = VALID.replace("tolerance: 1", "tolerance: 2");
    const updated = await server.request("PUT", "/api/scenarios/trade", { source: updatedText });
    expect(updated.status).toBe(200);
    expect((await server.request("GET", "/api/scenarios/trade")).body.source).toBe(updatedText);

    const deleted = await server.request("DELETE", "/api/scenarios/trade");
    expect(deleted.status).toBe(204);
    expect(await ids()).not.toContain("trade");
    expect((await server.request("DELETE", "/api/scenarios/trade")).status).toBe(404);
  });

  it("rejects an invalid scenario with every problem at its line, and saves nothing", async () => {
    const before = await ids();
    const { status, body } = await server.request("POST", "/api/scenarios", {
      source: INVALID,
      id: "broken",
    });
    expect(status).toBe(422);
    expectError(body, "invalid-scenario");
    const expected = parseScenario(INVALID, "broken.yaml");
    expect(expected.ok).toBe(false);
    expect(body.issues).toEqual(JSON.parse(JSON.stringify(expected.issues)));
    const line = INVALID.split("\n").findIndex((l) => l.includes("actor: bb")) + 1;
    expect((body.issues as { line: number }[])[0].line).toBe(line);
    expect(await ids()).toEqual(before);
  });

  it("keeps the old text when an update is invalid", async () => {
    await server.request("POST", "/api/scenarios", { source: VALID, id: "keep" });
    const { status, body } = await server.request("PUT", "/api/scenarios/keep", { source: INVALID });
    expect(status).toBe(422);
    expect((body.issues as unknown[]).length).toBeGreaterThan(0);
    expect((await server.request("GET", "/api/scenarios/keep")).body.source).toBe(VALID);
    await server.request("DELETE", "/api/scenarios/keep");
  });

  it("treats built-ins as read-only and ids as unique", async () => {
    const put = await server.request("PUT", "/api/scenarios/korea-2018", { source: VALID });
    expect(put.status).toBe(403);
    expectError(put.body, "read-only");
    expect((await server.request("DELETE", "/api/scenarios/korea-2018")).status).toBe(403);
    const shadow = await server.request("POST", "/api/scenarios", { source: VALID, id: "korea-2018" });
    expect(shadow.status).toBe(409);
    await server.request("POST", "/api/scenarios", { source: VALID, id: "twice" });
    const again = await server.request("POST", "/api/scenarios", { source: VALID, id: "twice" });
    expect(again.status).toBe(409);
    expectError(again.body, "conflict");
    await server.request("DELETE", "/api/scenarios/twice");
    expect((await server.request("PUT", "/api/scenarios/nope", { source: VALID })).status).toBe(404);
  });

  it("answers 413 with a JSON body for an oversized request, and saves nothing", async () => {
    const before = await ids();
    const padding = `# ${"x".repeat(BODY_LIMIT)}\n`;
    const { status, body } = await server.request("POST", "/api/scenarios", {
      source: padding + VALID,
      id: "huge",
    });
    expect(status).toBe(413);
    expectError(body, "payload-too-large");
    expect(await ids()).toEqual(before);
  });

  it("answers 400 for malformed JSON, a missing body and unknown fields", async () => {
    const malformed = await server.request("POST", "/api/scenarios", "{ not json");
    expect(malformed.status).toBe(400);
    expectError(malformed.body, "bad-request");
    const missing = await server.request("POST", "/api/scenarios", {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/source/);
    const extra = await server.request("POST", "/api/scenarios", { source: VALID, colour: "red" });
    expect(extra.status).toBe(400);
    const badId = await server.request("POST", "/api/scenarios", { source: VALID, id: "Not A Slug" });
    expect(badId.status).toBe(400);
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const { status, body } = await server.request("GET", "/api/nothing-here");
    expect(status).toBe(404);
    expectError(body, "not-found");
  });
});

describe("analyze", () => {
  const korea = () => {
    const parsed = parseSource(readScenarioSource("korea-2018"));
    if (!parsed.ok) throw new Error("korea-2018 does not parse");
    return compileScenario(parsed.scenario);
  };

  it("returns the core's analysis of a named plan", async () => {
    const { status, body } = await server.request("POST", "/api/analyze", {
      scenarioId: "korea-2018",
      plan: "upfront:dprk",
    });
    expect(status).toBe(200);
    const compiled = korea();
    const lookup = resolvePlan(compiled, "upfront:dprk");
    if (!lookup.ok) throw new Error(lookup.message);
    const expected = analysisDocument(compiled, analyzePlan(compiled, lookup.plan));
    expect(body.analysis).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(AnalysisReport.safeParse(body.analysis).success).toBe(true);
    const analysis = body.analysis as AnalysisReport;
    expect(analysis.feasible).toBe(false);
    expect(analysis.violations.some((v) => v.kind === "exposure" && v.party === "dprk")).toBe(true);
  });

  it("analyses inline source and a plan object", async () => {
    const { status, body } = await server.request("POST", "/api/analyze", {
      source: VALID,
      plan: { "a-step": 1, "b-step": 2 },
    });
    expect(status).toBe(200);
    expect((body.plan as { name: string }).name).toBe("custom");
    expect((body.analysis as AnalysisReport).phases).toBe(2);
  });

  it("carries the safety factor and breaking points of a feasible plan (MODEL.md §7)", async () => {
    const { status, body } = await server.request("POST", "/api/analyze", {
      scenarioId: "korea-2018",
      plan: "phased",
    });
    expect(status).toBe(200);
    const analysis = AnalysisReport.parse(body.analysis);
    const compiled = korea();
    const lookup = resolvePlan(compiled, "phased");
    if (!lookup.ok) throw new Error(lookup.message);
    const expected = robustnessReport(compiled, analyzePlan(compiled, lookup.plan));
    expect(analysis.safety).toEqual(expected.safety);
    expect(analysis.safety?.theta).toBeGreaterThan(0);
    expect(analysis.breakingPoints).toEqual(expected.breakingPoints);
    expect(analysis.rows.length).toBeGreaterThan(0);
  });

  it("answers bad input with clear 4xx errors", async () => {
    const unknownPlan = await server.request("POST", "/api/analyze", {
      scenarioId: "korea-2018",
      plan: "upfront:usa",
    });
    expect(unknownPlan.status).toBe(400);
    expect(unknownPlan.body.message).toMatch(/did you mean 'us'/);
    const invalid = await server.request("POST", "/api/analyze", { source: INVALID });
    expect(invalid.status).toBe(422);
    expect((invalid.body.issues as unknown[]).length).toBeGreaterThan(0);
    const unknownId = await server.request("POST", "/api/analyze", { scenarioId: "nope" });
    expect(unknownId.status).toBe(404);
    const neither = await server.request("POST", "/api/analyze", {});
    expect(neither.status).toBe(400);
    const unknownMove = await server.request("POST", "/api/analyze", {
      source: VALID,
      plan: { "z-step": 1 },
    });
    expect(unknownMove.status).toBe(400);
  });
});

describe("openapi", () => {
  const document = async () => {
    const { status, body } = await server.request("GET", "/api/openapi.json");
    expect(status).toBe(200);
    return body as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { summary?: string; responses: Record<string, { description?: string }> }>
      >;
      components: { schemas: Record<string, unknown> };
    };
  };

  it("is a valid OpenAPI 3.1 document by an independent validator", async () => {
    const body = await document();
    expect(body.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(structuredClone(body));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("publishes the scenario schema exactly as the zod schema gives it", async () => {
    const { components } = await document();
    const { $schema: _drop, ...expected } = z.toJSONSchema(Scenario, { io: "input", unrepresentable: "any" });
    expect(components.schemas.ScenarioInput).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it("documents every route, each with a summary and a description of every answer", async () => {
    const { paths, components } = await document();
    const operations = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ route: `${method} ${path}`, operation })),
    );
    const routes = operations.map((o) => o.route);
    for (const route of [
      "get /api/scenarios",
      "post /api/scenarios",
      "get /api/scenarios/{id}",
      "put /api/scenarios/{id}",
      "delete /api/scenarios/{id}",
      "post /api/analyze",
      "post /api/plan",
      "post /api/compare",
      "post /api/simulate",
      "get /api/simulate/{id}",
      "delete /api/simulate/{id}",
      "get /api/simulate/{id}/events",
      "get /api/capabilities",
      "get /api/agreements",
      "post /api/agreements",
      "get /api/agreements/{id}",
      "get /api/agreements/{id}/events",
      "post /api/agreements/{id}/events",
      "get /api/agreements/{id}/events/stream",
      "get /api/agreements/{id}/export",
      "get /api/agreements/{id}/status",
      "post /api/agreements/{id}/signatures",
      "post /api/agreements/{id}/checkpoints",
      "get /api/sweeps",
      "get /api/sweeps/{id}",
    ])
      expect(routes).toContain(route);
    for (const { route, operation } of operations) {
      expect(operation.summary, route).toBeTruthy();
      for (const [status, answer] of Object.entries(operation.responses))
        expect(answer.description, `${route} ${status}`).toBeTruthy();
    }
    // Every $ref points at a schema the document defines; the reports are shared components.
    const refs = [...JSON.stringify(paths).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    for (const name of ["AnalysisReport", "PlanReport", "SimulationReport", "ApiError", "PostedEventInput"])
      expect(refs).toContain(name);
    for (const ref of refs) expect(components.schemas).toHaveProperty(ref);
    // The ledger's event body is described by its own zod schema.
    expect(JSON.stringify(components.schemas.PostedEventInput)).toContain("verified");
  });
});

describe("web app", () => {
  it("says how to build the web app when it is missing, and serves it when built", async () => {
    const { buildServer } = await import("../../src/server/app.ts");
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const root = mkdtempSync(join(tmpdir(), "lockstep-web-"));
    const missing = await buildServer({ webRoot: join(root, "nothing"), access: { open: true } });
    const answer = await missing.inject({ method: "GET", url: "/" });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toMatch(/npm run build:web/);
    await missing.close();
    writeFileSync(join(root, "index.html"), "<!doctype html><title>built</title>");
    const built = await buildServer({ webRoot: root, access: { open: true } });
    for (const url of ["/", "/some/client/route"]) {
      const page = await built.inject({ method: "GET", url });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("<title>built</title>");
    }
    await built.close();
    rmSync(root, { recursive: true, force: true });
  });
});

describe("closing", () => {
  it("does not wait for a connection that never sent a request, and lets a request in flight finish", async () => {
    const closing = await serve();
    const { hostname, port } = new URL(closing.base);
    // a client's spare connection: opened, never used (undici opens one beside an event stream,
    // browsers open them ahead of need); Node's close() used to wait for the client to drop it
    const spare = connect(Number(port), hostname);
    await new Promise((resolve) => spare.once("connect", resolve));
    const dropped = new Promise((resolve) => spare.once("close", resolve));
    const received = new Promise((resolve) => closing.app.server.once("request", resolve));
    const inFlight = closing.request("POST", "/api/analyze", { scenarioId: "korea-2018", plan: "phased" });
    await received;
    // the old close waited for the spare connection for ever (this client never drops it), and
    // undici's shortest wait, its keep-alive timeout, is 4 s
    const closed = closing.close().then(() => "closed");
    const late = new Promise((resolve) => setTimeout(resolve, 3000, "still open after 3 s"));
    const outcome = await Promise.race([closed, late]);
    spare.destroy();
    expect(outcome).toBe("closed");
    await dropped;
    expect((await inFlight).status).toBe(200);
  });
});
