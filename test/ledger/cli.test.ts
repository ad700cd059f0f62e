/**
 * The tracker from the command line, as a user runs it: keys, adoption, signed events, status,
 * export and offline verification, against a real server on 127.0.0.1. Each command's first run
 * here is the real process (`spawned`); its other cases run in this process through the entry the
 * binary calls (`run`), which saves a Node start and the command's modules each.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { lockstepInProcess } from "../helpers/cli.ts";
import { adoptArgs, lockstepAsync, participantsYaml, startServer } from "./helpers.ts";

const DAY = 86_400_000;

describe("lockstep keys / agreement / event / status / ledger", () => {
  let store: Store;
  let app: FastifyInstance;
  let server: string;
  let dir: string;
  const key = (who: string) => join(dir, `${who}.json`);
  const spawned = (...args: string[]) => lockstepAsync(args);
  const run = (...args: string[]) => lockstepInProcess(args);

  beforeAll(async () => {
    store = await openStore({ sqlitePath: ":memory:" });
    ({ app, url: server } = await startServer(store));
    dir = mkdtempSync(join(tmpdir(), "lockstep-cli-"));
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes Ed25519 key pairs, and will not overwrite one", async () => {
    const printed = await spawned("keys", "new");
    expect(printed.status).toBe(0);
    const pair = JSON.parse(printed.stdout) as { publicKey: JsonWebKey; privateKey: JsonWebKey };
    expect(pair.publicKey).toMatchObject({ kty: "OKP", crv: "Ed25519" });
    expect(pair.privateKey.d).toBeTruthy();
    for (const who of ["north-gov", "south-gov", "inspector"]) {
      const made = await run("keys", "new", "--out", key(who), "--as", who);
      expect(made.status).toBe(0);
      expect(JSON.parse(made.stdout)).toEqual(JSON.parse(readFileSync(key(who), "utf8")).publicKey);
    }
    const again = await run("keys", "new", "--out", key("north-gov"));
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/refusing to overwrite/);
  });

  it("adopts an agreement from a scenario file and a participants file", async () => {
    const participants = join(dir, "participants.yaml");
    writeFileSync(participants, participantsYaml(key));
    const start = new Date(Date.now() - 75 * DAY).toISOString();
    const adopted = await spawned(...adoptArgs(server, participants, "cli-deal", start));
    expect(adopted.stderr).toBe("");
    expect(adopted.stdout).toMatch(/proposed agreement cli-deal; charter hash [0-9a-f]{64}/);
    expect(adopted.stdout).toMatch(/active when each party has signed the charter: north-gov, south-gov/);
    const listed = await run("agreement", "list", "--server", server);
    expect(listed.stdout).toMatch(/cli-deal {2}Freeze for relief/);
  });

  it("refuses events until every party has signed the charter; each signs after checking its key", async () => {
    const early = await spawned(
      "event",
      "done",
      "--move",
      "freeze",
      "--key",
      key("north-gov"),
      "--server",
      server,
      "--agreement",
      "cli-deal",
    );
    expect(early.status).toBe(2);
    expect(early.stderr).toMatch(/409 not-active.*north-gov, south-gov/);
    const sign = (who: string, ...extra: string[]) => [
      "agreement",
      "sign",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--key",
      key(who),
      ...extra,
    ];
    const impostor = await run(...sign("south-gov", "--as", "north-gov"));
    expect(impostor.status).toBe(2);
    expect(impostor.stderr).toMatch(/another public key for north-gov/);
    const north = await spawned(...sign("north-gov"));
    expect(north.stderr).toBe("");
    expect(north.stdout).toMatch(/north-gov signed charter [0-9a-f]{64} .*waiting for: south-gov/);
    const south = await run(...sign("south-gov"));
    expect(south.stdout).toMatch(/the agreement is active/);
  });

  it("signs and submits events; a resend with the same id is recorded once", async () => {
    const ev = (...args: string[]) => run("event", ...args, "--server", server, "--agreement", "cli-deal");
    const done = await ev(
      "done",
      "--move",
      "freeze",
      "--key",
      key("north-gov"),
      "--id",
      "north-1",
      "--checkpoints",
      join(dir, "north-checkpoints.json"),
    );
    expect(done.stdout).toMatch(/done recorded as event 1 \(id north-1\)/);
    // the CLI countersigned the head it was given, on the server and in the local file
    const kept = JSON.parse(readFileSync(join(dir, "north-checkpoints.json"), "utf8"));
    expect(kept).toHaveLength(1);
    expect(kept[0].body).toMatchObject({
      type: "checkpoint",
      agreement: "cli-deal",
      seq: 1,
      by: "north-gov",
    });
    const resent = await ev("done", "--move", "freeze", "--key", key("north-gov"), "--id", "north-1");
    // a resend signs again with a new timestamp: same id, different content is refused
    expect(resent.status).toBe(2);
    expect(resent.stderr).toMatch(/409 conflict/);
    const printed = await run(
      "event",
      "verified",
      "--move",
      "freeze",
      "--report",
      "seals intact",
      "--key",
      key("inspector"),
      "--agreement",
      "cli-deal",
      "--print",
    );
    const signed = JSON.parse(printed.stdout);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server}/api/agreements/cli-deal/events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(signed),
      });
      expect(response.status).toBe(i === 0 ? 201 : 200);
    }
    const wrong = await ev("done", "--move", "freeze", "--key", key("south-gov"));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(
      /refused \(403 wrong-role\): only north's participant may report or reverse freeze/,
    );
    const bad = await ev("done", "--move", "handover", "--fraction", "1.5", "--key", key("north-gov"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--fraction/);
  });

  it("shows the live status in words", async () => {
    const status = await spawned("status", "--server", server, "--agreement", "cli-deal");
    expect(status.stderr).toBe("");
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/phase 3 of 4 planned, 2 events/);
    expect(status.stdout).toMatch(/freeze +north +1 +1\.00 +1\.00 +1\.00 +verified/);
    expect(status.stdout).toMatch(/relief .*overdue 1 phase/);
    expect(status.stdout).toMatch(/Sanctions relief \(South\) is one phase overdue/);
    // as of ten days ago: phase 3 already, but neither event received yet
    const at = new Date(Date.now() - 10 * DAY).toISOString();
    const json = await run(
      "status",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--format",
      "json",
      "--at",
      at,
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      agreement: "cli-deal",
      asOf: at,
      phase: 3,
      events: 0,
      overdue: ["freeze", "relief"],
    });
    const missing = await run("status", "--server", server, "--agreement", "nope");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/404 not-found/);
    const down = await run("status", "--server", "http://127.0.0.1:9", "--agreement", "cli-deal");
    expect(down.status).toBe(2);
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it("exports the ledger and verifies it offline, naming the first tampered event", async () => {
    const file = join(dir, "ledger.json");
    const exported = await spawned(
      "ledger",
      "export",
      "--server",
      server,
      "--agreement",
      "cli-deal",
      "--out",
      file,
    );
    expect(exported.status).toBe(0);
    const ok = await spawned("ledger", "verify", file);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(
      /ok — charter signed by north-gov, south-gov; 2 events, .* 1 checkpoints found/,
    );
    const doc = JSON.parse(readFileSync(file, "utf8"));
    const head = doc.head as string;
    expect(await run("ledger", "verify", file, "--head", head)).toMatchObject({ status: 0 });

    doc.events[1].body.report = "seals broken";
    writeFileSync(file, JSON.stringify(doc));
    const tampered = await run("ledger", "verify", file);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/TAMPERED — event 2 \(.+\): signature does not match inspector's key/);

    const cut = { ...JSON.parse(readFileSync(file, "utf8")) };
    cut.events = cut.events.slice(0, 1);
    cut.head = cut.events[0].hash;
    writeFileSync(file, JSON.stringify(cut));
    expect(await run("ledger", "verify", file)).toMatchObject({ status: 0 });
    const caught = await run("ledger", "verify", file, "--head", head);
    expect(caught.status).toBe(1);
    expect(caught.stdout).toMatch(/events were cut or added/);

    // cut below north's checkpoint: the export's own checkpoint catches it
    const deeper = { ...cut, events: [], head: cut.charterHash };
    writeFileSync(file, JSON.stringify(deeper));
    const truncated = await run("ledger", "verify", file);
    expect(truncated.status).toBe(1);
    expect(truncated.stdout).toMatch(
      /north-gov countersigned event 1 .* events were cut off or the chain was forked/,
    );
    // the operator also drops the checkpoints: north's own copy still catches it
    writeFileSync(file, JSON.stringify({ ...deeper, checkpoints: [] }));
    expect(await run("ledger", "verify", file)).toMatchObject({ status: 0 });
    const local = await run("ledger", "verify", file, "--checkpoints", join(dir, "north-checkpoints.json"));
    expect(local.status).toBe(1);
    expect(local.stdout).toMatch(/north-gov countersigned event 1/);

    writeFileSync(file, "{}");
    expect(await run("ledger", "verify", file)).toMatchObject({ status: 2 });
  });
});
