/**
 * MODEL.md v2 §1: a value range that crosses zero is bad input (issue 17 §1), on every command that
 * reads a scenario, with the line and column of each crossing range. `validate` runs the real
 * process; the other cases, the binary's entry in this process (`lockstepInProcess`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockstepAsync, lockstepInProcess } from "../helpers/cli.ts";

const FILE = "test/cli/fixtures/ranges/strad.yaml";
// moves m0 (a: [-1, 1.5]), m1 (b: [-2, 3.0]) and m3 (b: [-1, 1.5]) cross zero; the column is the range's '['.
const CROSSING = [
  { at: `${FILE}:4:35: moves.0.value.a:`, range: "[-1, 1.5]", sides: "([-1, 0] or [0, 1.5])" },
  { at: `${FILE}:5:35: moves.1.value.b:`, range: "[-2, 3]", sides: "([-2, 0] or [0, 3])" },
  { at: `${FILE}:7:35: moves.3.value.b:`, range: "[-1, 1.5]", sides: "([-1, 0] or [0, 1.5])" },
];

describe("a range that crosses zero (the 'strad' scenario of issue 17)", () => {
  for (const args of [["validate"], ["analyze", "--plan", "robust"], ["plan"]]) {
    it(`${args[0]} exits 2 naming each crossing range, why, and what to do`, async () => {
      const result = await (args[0] === "validate" ? lockstepAsync : lockstepInProcess)([...args, FILE]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(CROSSING.length + 1);
      CROSSING.forEach((c, n) => {
        expect(lines[n].startsWith(`${c.at} range ${c.range} crosses zero:`)).toBe(true);
        expect(lines[n]).toContain("whether the move costs or benefits");
        expect(lines[n]).toContain(`Give the value a side ${c.sides}`);
        expect(lines[n]).toContain("split the move into two");
      });
      expect(lines.at(-1)).toBe(`${FILE}: 3 problems found`);
      expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    });
  }

  it("accepts a range with one end at 0", async () => {
    const text = readFileSync(FILE, "utf8")
      .replace("a: [-1, 1.5]", "a: [0, 1.5]")
      .replace("b: [-2, 3.0]", "b: [-2, 0]")
      .replace("b: [-1, 1.5]", "b: [-1, 0]");
    const file = join(mkdtempSync(join(tmpdir(), "lockstep-ranges-")), "sided.yaml");
    writeFileSync(file, text);
    const result = await lockstepInProcess(["validate", file]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
