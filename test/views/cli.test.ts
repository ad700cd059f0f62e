/**
 * Perspectives through the real process and over HTTP: analyze text and JSON, /api/analyze. Each
 * command's first case and the searches run the real process (`lockstepAsync`); the other cases,
 * through the binary's entry in this process (`lockstepInProcess`).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnalysisReport } from "../../src/analysis/report.ts";
import { lockstepAsync, lockstepInProcess } from "../helpers/cli.ts";
import { type Served, serve } from "../server/http.ts";
import { CREDIBLE, FEAR, SURPRISE } from "./examples.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-views-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const surprise = file("surprise.yaml", SURPRISE);
const fear = file("fear.yaml", FEAR);

describe("lockstep analyze with views", () => {
  it("--json adds perspectives of exactly the agreed shape", async () => {
    const r = await lockstepAsync(["analyze", surprise, "--plan", "staged", "--json"]);
    expect(r.status).toBe(1); // infeasible in truth
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc.perspectives)).toEqual(["credible", "surprises", "fears"]);
    expect(doc.perspectives.credible).toEqual({ a: true });
    expect(doc.perspectives.fears).toEqual([]);
    expect(doc.perspectives.surprises).toHaveLength(1);
    expect(Object.keys(doc.perspectives.surprises[0])).toEqual(["view", "party", "phase", "kind", "text"]);
    expect(doc.perspectives.surprises[0]).toMatchObject({ view: "a", party: "b", phase: 2, kind: "margin" });
    expect(doc.perspectives.surprises[0].text).toContain("a believes b's cost of 'deliver' is 0.5; it is 2");
    expect(AnalysisReport.safeParse(doc).success).toBe(true);
  });

  it("text shows each view beside the truth, and the fear in words", async () => {
    const r = await lockstepInProcess(["analyze", fear, "--plan", "staged"]);
    expect(r.status).toBe(0); // feasible in truth
    expect(r.stdout).toContain("Perspectives: each party's view beside the truth\n  credible to: b NO\n");
    expect(r.stdout).toMatch(/row \(slack g, holds when >= 0\)\s+truth\s+b's view\n/);
    expect(r.stdout).toMatch(/exposure a, phase 3\s+0\.00\s+-1\.00!\n/);
    expect(r.stdout).toContain(
      "Fears (the viewer would refuse a plan that works):\n  1. [b's view] b fears a would be exposed 3 after phase 3",
    );
    expect(r.stdout).toContain("Behind the gap: b believes a's tolerance is 2; it is 3.");
  });

  it("a scenario without views has no perspectives key", async () => {
    const r = await lockstepInProcess([
      "analyze",
      file("plain.yaml", SURPRISE.replace(/views:[\s\S]*$/, "")),
      "--json",
    ]);
    expect(JSON.parse(r.stdout)).not.toHaveProperty("perspectives");
  });
});

describe("lockstep plan --credible", () => {
  it("finds the best plan credible to every party", async () => {
    const r = await lockstepAsync(["plan", file("credible.yaml", CREDIBLE), "--credible", "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.credible).toBe(true);
    expect(doc.phases).toBe(2);
    expect(doc.analysis.perspectives ?? { credible: { a: true, b: true } }).toMatchObject({
      credible: { a: true, b: true },
    });
  });

  it("when none is credible, says which belief stands in the way (exit 1)", async () => {
    const r = await lockstepAsync(["plan", fear, "--credible"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("no plan within 3 phases is both feasible and credible to every party");
    expect(r.stdout).toContain(
      "b stands in the way: if it believed a's tolerance were 3 rather than 2 (the truth is 3), the plan would be credible to it.",
    );
    expect(r.stdout).toContain("The best plan feasible in truth:");
    const json = JSON.parse((await lockstepInProcess(["plan", fear, "--credible", "--json"])).stdout);
    expect(json.beliefs).toEqual([
      expect.objectContaining({
        view: "b",
        party: "a",
        figure: "tolerance",
        believed: 2,
        truth: 3,
        needed: 3,
      }),
    ]);
  });
});

describe("lockstep compare with views", () => {
  it("adds a 'credible to' column (text) and credibleTo (JSON)", async () => {
    const json = await lockstepAsync(["compare", surprise, "--only", "staged,simultaneous", "--json"]);
    const doc = JSON.parse(json.stdout);
    expect(doc.rows.map((r: { name: string; credibleTo: string[] }) => [r.name, r.credibleTo])).toEqual([
      ["staged", ["a"]],
      ["simultaneous", []],
    ]);
    const text = await lockstepInProcess(["compare", surprise, "--only", "staged,simultaneous"]);
    expect(text.stdout).toMatch(/final b\s+credible to\n/);
    expect(text.stdout).toMatch(/staged\s+NO\s+3\s.*\s+a\n/);
    expect(text.stdout).toMatch(/simultaneous\s+NO\s+1\s.*\s+none\n/);
  });
});

describe("/api/analyze with views", () => {
  let server: Served;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("carries perspectives in the analysis, valid against the response schema", async () => {
    const { status, body } = await server.request("POST", "/api/analyze", { source: FEAR, plan: "staged" });
    expect(status).toBe(200);
    const analysis = AnalysisReport.parse(body.analysis);
    expect(analysis.perspectives?.credible).toEqual({ b: false });
    expect(analysis.perspectives?.fears.map((f) => [f.view, f.party, f.kind, f.phase])).toEqual([
      ["b", "a", "exposure", 3],
    ]);
  });
});
