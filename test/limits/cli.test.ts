/**
 * Hard limits as a CLI user meets them: exit 2 with FILE:LINE:COL, never an internal error. The
 * first case runs the real process; the others, the binary's entry in this process.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockstepAsync, lockstepInProcess } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lockstep validate", () => {
  it("more than 100 aliases: exit 2 with the line and column of the alias", async () => {
    const lines = ["parties: [{ id: a }]", "moves:", "  - { id: m0, actor: a, title: &t hello }"];
    for (let i = 1; i < 150; i++) lines.push(`  - { id: m${i}, actor: a, title: *t }`);
    const file = join(dir, "aliases.yaml");
    writeFileSync(file, lines.join("\n"));
    const run = await lockstepAsync(["validate", file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/aliases\.yaml:104:\d+: .*more than 100 YAML aliases/);
  });

  it("checks several files in one run: exit 0 when all are valid, 2 when any is not", async () => {
    const good = await lockstepInProcess(["validate", "korea-2018", "escrow-sale"]);
    expect(good.status).toBe(0);
    expect(good.stdout.match(/: ok — /g)).toHaveLength(2);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "parties: [{ id: a }]\nmoves: []\n");
    const mixed = await lockstepInProcess(["validate", "korea-2018", bad]);
    expect(mixed.status).toBe(2);
    expect(mixed.stdout).toMatch(/korea-2018.yaml: ok/);
    expect(mixed.stderr).toMatch(/bad\.yaml:2:\d+/);
    expect(mixed.stderr).toMatch(/1 of 2 files have problems/);
  });
});
