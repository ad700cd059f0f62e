import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinNames, parseSource, readScenarioSource } from "../../src/io/scenario-files.ts";
import { lockstep, lockstepAsync } from "../helpers/cli.ts";

const names = builtinNames();
const temp = mkdtempSync(join(tmpdir(), "lockstep-new-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("lockstep scenarios", () => {
  it("lists every built-in with its one-line description", () => {
    const r = lockstep(["scenarios"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    for (const name of names) {
      const line = r.stdout.split("\n").find((l) => l.startsWith(`${name} `));
      expect(line, `no line for ${name}`).toBeDefined();
      const description = /^description: (.*)$/m.exec(readScenarioSource(name).text)?.[1];
      expect(line).toContain(description);
    }
  });

  it("--json prints one document with every built-in", () => {
    const r = lockstep(["scenarios", "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      scenarios: Array<{ name: string; description: string; invalid?: boolean }>;
    };
    expect(doc.scenarios.map((s) => s.name)).toEqual(names);
    for (const s of doc.scenarios) {
      expect(s.invalid).toBeUndefined();
      expect(s.description).toBeTruthy();
    }
  });
});

describe("lockstep new", () => {
  it("copies a built-in, comments kept, with the new id, into the current directory", () => {
    const r = lockstep(["new", "my-deal", "--from", "korea-2018"], { cwd: temp });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const written = readFileSync(join(temp, "my-deal.yaml"), "utf8");
    const original = readScenarioSource("korea-2018").text;
    expect(written).toBe(original.replace(/^id: korea-2018$/m, "id: my-deal"));
    expect(written).toContain("# Lockstep scenario: the Korean Peninsula");
    // the copy is a working scenario under its new name
    const analysis = lockstep(["analyze", "my-deal.yaml", "--json"], { cwd: temp });
    expect(analysis.status).toBe(0);
    expect(JSON.parse(analysis.stdout).feasible).toBe(true);
  });

  it("refuses to overwrite an existing file (exit 2) and leaves it alone", () => {
    const path = join(temp, "taken.yaml");
    writeFileSync(path, "mine\n");
    const r = lockstep(["new", "taken", "--from", "escrow-sale"], { cwd: temp });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("taken.yaml already exists");
    expect(readFileSync(path, "utf8")).toBe("mine\n");
  });

  it("accepts NAME.yaml as the name", () => {
    const r = lockstep(["new", "with-ext.yaml", "--from", "escrow-sale"], { cwd: temp });
    expect(r.status).toBe(0);
    expect(readFileSync(join(temp, "with-ext.yaml"), "utf8")).toMatch(/^id: with-ext$/m);
  });

  it("without --from writes a starter scenario that validates and analyses", () => {
    const r = lockstep(["new", "starter"], { cwd: temp });
    expect(r.status).toBe(0);
    expect(lockstep(["validate", "starter.yaml"], { cwd: temp }).status).toBe(0);
    expect(lockstep(["analyze", "starter.yaml"], { cwd: temp }).status).toBe(0);
  });

  it("rejects a name that is not an id, and an unknown source, with exit 2", () => {
    const bad = lockstep(["new", "My Deal"], { cwd: temp });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("not a valid scenario id");
    const unknown = lockstep(["new", "x", "--from", "korea-2081"], { cwd: temp });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("no built-in scenario of that name");
  });
});

describe.each(names)("built-in %s from the command line", (name) => {
  it.concurrent("validates (exit 0)", async () => {
    const r = await lockstepAsync(["validate", name]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  const parsed = parseSource(readScenarioSource(name));
  const plans = parsed.ok ? Object.keys(parsed.scenario.plans) : [];
  it.concurrent.each(["(default)", "simultaneous", ...plans])(
    "analyzes plan %s (exit 0 or 1, never 2)",
    async (plan) => {
      const args =
        plan === "(default)" ? ["analyze", name, "--json"] : ["analyze", name, "--plan", plan, "--json"];
      const r = await lockstepAsync(args);
      expect(r.stderr).toBe("");
      expect([0, 1]).toContain(r.status);
      const doc = JSON.parse(r.stdout) as { feasible: boolean };
      expect(r.status).toBe(doc.feasible ? 0 : 1);
    },
  );

  it.concurrent("plans (exit 0 when a plan exists, 1 when it is proven there is none)", async () => {
    const r = await lockstepAsync(["plan", name, "--json", "--time-limit", "60"]);
    expect(r.stderr).toBe("");
    const doc = JSON.parse(r.stdout) as { feasible: boolean; status: string };
    expect(["optimal", "feasible", "infeasible"]).toContain(doc.status);
    expect(r.status).toBe(doc.feasible ? 0 : 1);
  });

  it.concurrent("simulates its default plan (exit 0)", async () => {
    const r = await lockstepAsync(["simulate", name, "--runs", "200", "--workers", "1", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { runs: number };
    expect(doc.runs).toBe(200);
  });
});
