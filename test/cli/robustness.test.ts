/**
 * `lockstep analyze`: the safety factor, what breaks first and the tornado of breaking points
 * (MODEL.md v2 §7), in text and in the JSON shapes of issue 10. The JSON case runs the real
 * process; the others, the binary's entry in this process (`lockstepInProcess`).
 */
import { describe, expect, it } from "vitest";
import { lockstepAsync, lockstepInProcess } from "../helpers/cli.ts";

const F = "test/cli/fixtures/robustness";

describe("analyze: safety factor and breaking points", () => {
  it("--json carries safety and breakingPoints with exactly the documented fields", async () => {
    const run = await lockstepAsync(["analyze", `${F}/give-pay.yaml`, "--plan", "together", "--json"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.minSlack).toBe(1);
    expect(report.safety).toEqual({
      theta: 0.5,
      unbounded: false,
      capped: false,
      thetaSign: 2,
      breaksFirst: {
        kind: "margin",
        party: "a",
        phase: 1,
        text: "first to break: a would gain by walking away in phase 1",
      },
    });
    expect(report.breakingPoints[0]).toEqual({
      field: "value",
      move: "give",
      party: "a",
      nominal: -2,
      width: 1,
      down: 1,
      downRow: { kind: "margin", party: "a", phase: 1 },
      up: null,
      upRow: null,
    });
    // one entry per value cell (4), then each party's tolerance, then each party's reservation
    expect(
      report.breakingPoints.map((p: { field: string; party: string }) => `${p.field}/${p.party}`),
    ).toEqual([
      "value/a",
      "value/b",
      "value/a",
      "value/b",
      "tolerance/a",
      "tolerance/b",
      "reservation/a",
      "reservation/b",
    ]);
    expect(report.rows).toHaveLength(6);
    expect(report.rows.every((r: { over: boolean }) => r.over === false)).toBe(true);
  });

  it("text: the θ* sentence, what breaks first, and the tornado with units and multiples of w", async () => {
    const run = await lockstepInProcess(["analyze", `${F}/give-pay.yaml`, "--plan", "together"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "Safety factor θ* = 0.5: this plan survives estimation errors up to 0.5× the stated uncertainty, less than the ranges themselves",
    );
    expect(run.stdout).toContain("What breaks first: a would gain by walking away in phase 1.");
    const tornado = run.stdout.split("\n").filter((l) => /^(give|pay|tolerance|reservation) /.test(l));
    // values with a range first, sorted by their nearest break in half-widths; then point values; then the parties'
    expect(tornado[0]).toMatch(/^give → a !\s+-2\.00\s+1\.00\s+1\.00 \(1×\)\s+margin a phase 1\s+none\s+-$/);
    expect(tornado[1]).toMatch(/^pay → a !\s+3\.00\s+1\.00\s+1\.00 \(1×\)\s+margin a phase 1/);
    expect(tornado.at(-1)).toMatch(/^reservation of b\s+0\.00\s+-\s+none\s+-\s+2\.00\s+reservation b$/);
    expect(run.stdout).toContain("! = breaks inside its own range.");
  });

  it("says 'no uncertain values' when nothing has a range, and null/unbounded in JSON", async () => {
    const text = await lockstepInProcess(["analyze", `${F}/exact.yaml`]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("Safety factor: unbounded. No uncertain values enter this plan's figures");
    const json = JSON.parse((await lockstepInProcess(["analyze", `${F}/exact.yaml`, "--json"])).stdout);
    expect(json.safety).toEqual({
      theta: null,
      unbounded: true,
      capped: false,
      thetaSign: null,
      breaksFirst: null,
    });
  });

  it("an infeasible plan has safety null, no breaking points, and its violated rows flagged", async () => {
    const json = await lockstepInProcess(["analyze", "korea-2018", "--plan", "upfront:dprk", "--json"]);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.safety).toBeNull();
    expect(report.breakingPoints).toEqual([]);
    expect(report.rows.some((r: { over: boolean }) => r.over)).toBe(true);
  });
});
