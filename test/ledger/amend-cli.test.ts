/**
 * `lockstep amend` and `lockstep amend sign` as a user runs them, against a server with access
 * control (the operator adopts with the admin token; participants read with their keys): propose
 * a new plan from a plan file, sign it, see it in `status`, and verify the export offline with the
 * hashes each party kept. `amend` and `amend sign` each run once as the real process (`spawned`);
 * the other runs, and the set-up's keys, adoption and signatures (the real process in
 * test/ledger/cli.test.ts), go through the binary's entry in this process (`run`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { lockstepInProcess } from "../helpers/cli.ts";
import { adoptArgs, lockstepAsync, participantsYaml, SCENARIO_FILE, startServer } from "./helpers.ts";

const DAY = 86_400_000;
const ADMIN = "amend-cli-admin-token";

describe("lockstep amend / amend sign", () => {
  let store: Store;
  let app: FastifyInstance;
  let server: string;
  let dir: string;
  const file = (name: string) => join(dir, name);
  const key = (who: string) => file(`${who}.json`);
  const spawned = (...args: string[]) => lockstepAsync(args, { LOCKSTEP_TOKEN: "" });
  const run = (...args: string[]) => lockstepInProcess(args, { LOCKSTEP_TOKEN: "" });
  const on = ["--server", "", "--agreement", "amend-deal"];
  let amendmentHash = "";

  beforeAll(async () => {
    store = await openStore({ sqlitePath: ":memory:" });
    ({ app, url: server } = await startServer(store, undefined, { adminToken: ADMIN }));
    on[1] = server;
    dir = mkdtempSync(join(tmpdir(), "lockstep-amend-"));
    for (const who of ["north-gov", "south-gov", "inspector"])
      expect((await run("keys", "new", "--out", key(who), "--as", who)).status).toBe(0);
    writeFileSync(file("people.yaml"), participantsYaml(key));
    const adopted = await lockstepInProcess(
      adoptArgs(server, file("people.yaml"), "amend-deal", new Date(Date.now() - 40 * DAY).toISOString()),
      { LOCKSTEP_TOKEN: ADMIN },
    );
    expect(adopted.stderr).toBe("");
    for (const who of ["north-gov", "south-gov"])
      expect((await run("agreement", "sign", ...on, "--key", key(who))).status).toBe(0);
    const done = await run("event", "done", "--move", "freeze", ...on, "--key", key("north-gov"));
    expect(done.stderr).toBe("");
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a plan file that does not fit, naming file, line and column", async () => {
    writeFileSync(file("bad.yaml"), "freeze: 1\nrelief: 2\nhandover: { 3: 0.6, 4: 0.5 }\nbogus: 2\n");
    const bad = await run("amend", ...on, "--key", key("north-gov"), "--plan", file("bad.yaml"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:3:\d+: handover: .*sum/);
    expect(bad.stderr).toMatch(/bad\.yaml:4:1: bogus: unknown move 'bogus'/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
    const nothing = await run("amend", "sign", ...on, "--key", key("south-gov"));
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toMatch(/no pending amendment; version 1 \(plan staged/);
  }, 180_000);

  it("proposes a plan file as version 2, signed by the proposer; pending until the other party signs", async () => {
    writeFileSync(file("delayed.yaml"), 'freeze: 1\nrelief: 3\nhandover: { "4": 0.5, "5": 0.5 }\n');
    const proposed = await spawned(
      "amend",
      ...on,
      "--key",
      key("north-gov"),
      "--plan",
      file("delayed.yaml"),
      "--text",
      "relief needs a vote",
      "--checkpoints",
      file("north.checkpoints.json"),
    );
    expect(proposed.stderr).toBe("");
    expect(proposed.status).toBe(0);
    const match = /proposed version 2 \(plan delayed\) as event 2; its hash is ([0-9a-f]{64})/.exec(
      proposed.stdout,
    );
    expect(match).not.toBeNull();
    amendmentHash = match![1];
    expect(proposed.stdout).toMatch(/north-gov signed version 2 .*as event 3; waiting for: south-gov/);

    const status = await run("status", ...on, "--key", key("inspector"), "--no-replan");
    expect(status.stderr).toBe("");
    expect(status.stdout).toMatch(/\(plan 'staged'\)/);
    expect(status.stdout).toContain(
      `pending amendment: version 2 (plan 'delayed', hash ${amendmentHash}) proposed by north-gov; signed by north-gov; waiting for south-gov`,
    );

    const byVerifier = await run("amend", "sign", ...on, "--key", key("inspector"));
    expect(byVerifier.status).toBe(2);
    expect(byVerifier.stderr).toMatch(/inspector is a verifier: only parties propose and sign amendments/);
    const wrongHash = await run("amend", "sign", ...on, "--key", key("south-gov"), "--hash", "0".repeat(64));
    expect(wrongHash.status).toBe(2);
    expect(wrongHash.stderr).toMatch(/not signing/);
  }, 180_000);

  it("activates when south signs: status, export and verify show version 2", async () => {
    const south = await spawned(
      "amend",
      "sign",
      ...on,
      "--key",
      key("south-gov"),
      "--hash",
      amendmentHash,
      "--checkpoints",
      file("south.checkpoints.json"),
    );
    expect(south.stderr).toBe("");
    expect(south.stdout).toMatch(
      /south-gov signed version 2 .* as event 4; version 2 governs from event 4 on/,
    );

    const status = await run("status", ...on, "--key", key("south-gov"), "--no-replan");
    expect(status.stdout).toMatch(/\(plan 'delayed'\): phase 2 of 5 planned/);
    expect(status.stdout).toContain(
      `charter version 2 (plan 'delayed', hash ${amendmentHash}), in force since event 4`,
    );

    const out = file("ledger.json");
    const exported = await run("ledger", "export", ...on, "--key", key("south-gov"), "--out", out);
    expect(exported.status).toBe(0);
    const charterHash = (await store.agreements.get("amend-deal"))!.charterHash;
    const verified = await run(
      "ledger",
      "verify",
      out,
      "--checkpoints",
      file("south.checkpoints.json"),
      "--charter",
      charterHash,
      "--charter",
      amendmentHash,
    );
    expect(verified.stderr).toBe("");
    expect(verified.stdout).toMatch(/ok — .*charter version 2 in force \(plan delayed, since event 4\)/);
    const unknown = await run("ledger", "verify", out, "--charter", "e".repeat(64));
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toMatch(
      /TAMPERED — you signed charter version e+, which this export does not contain/,
    );
  }, 180_000);

  it("proposes a named plan of a scenario file as version 3, chained to version 2", async () => {
    const proposed = await run(
      "amend",
      ...on,
      "--key",
      key("south-gov"),
      "--scenario",
      SCENARIO_FILE,
      "--plan",
      "staged",
    );
    expect(proposed.stderr).toBe("");
    expect(proposed.stdout).toMatch(/south-gov proposed version 3 \(plan staged\)/);
    expect(proposed.stdout).toMatch(
      /version 2 \(plan delayed, hash [0-9a-f]{64}\) governs until every party has signed it/,
    );
  }, 180_000);
});
