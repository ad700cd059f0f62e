/**
 * `lockstep ledger watch` as a participant runs it: the real process following a real server
 * (on 127.0.0.1, with access control on, reading with a signed challenge), keeping its record in
 * a state directory. The operator's moves are made straight in the server's SQLite file, as an
 * operator could: cutting the newest events off, forking the chain, altering a row.
 *
 * Following (the long-running process) and one `--once` alarm (a cut chain) run as the real
 * process; the other `--once` runs (a fork, an altered row, a proposed agreement, a wrong key, a
 * damaged state file, an unknown agreement) go through the binary's entry in this process
 * (`runCli`), the same command, messages and exit statuses without a Node start each.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { BIN, lockstepInProcess, ROOT } from "../helpers/cli.ts";
import {
  adoptAndSign,
  adoptRequest,
  type Cast,
  charterSignature,
  freshDatabase,
  http,
  lockstepAsync,
  makeCast,
  signedEvent,
  startServer,
  type Who,
  writeKeyFiles,
} from "./helpers.ts";

const ADMIN = "watch-test-admin-token";
const admin = { authorization: `Bearer ${ADMIN}` };
const POLL = { timeout: 60_000, interval: 200 };

/** A long-running `lockstep` process whose output is collected as it arrives. */
function startLockstep(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: "0", LOCKSTEP_TOKEN: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("lockstep ledger watch", () => {
  let cast: Cast;
  let store: Store;
  let app: FastifyInstance;
  let server: string;
  let dbPath: string;
  let dir: string;
  let drop: () => Promise<void>;
  const running: Array<ReturnType<typeof startLockstep>> = [];

  beforeAll(async () => {
    cast = await makeCast();
    const db = await freshDatabase("sqlite", "watch");
    drop = db.drop;
    dbPath = db.path!;
    store = await openStore(db.options);
    ({ app, url: server } = await startServer(store, undefined, { adminToken: ADMIN }));
    dir = mkdtempSync(join(tmpdir(), "lockstep-watch-"));
    writeKeyFiles(cast, dir, ["north-gov", "south-gov"]);
  }, 60_000);
  afterAll(async () => {
    for (const child of running) await child.stop();
    await app?.close();
    await store?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Adopts `id` (active: both parties sign) with `count` events. */
  async function agreementWith(id: string, count: number): Promise<void> {
    const start = new Date(Date.now() - 40 * 86_400_000).toISOString();
    expect((await adoptAndSign(server, cast, { id, start }, admin)).status).toBe(201);
    await append(id, count);
  }

  async function append(id: string, count: number, who: Who = "south-gov"): Promise<void> {
    for (let i = 0; i < count; i++) {
      const event = await signedEvent(cast, who, { type: "note", text: `note ${i} at ${Date.now()}` }, id);
      expect((await http(`${server}/api/agreements/${id}/events`, "POST", event)).status).toBe(201);
    }
  }

  const stateDir = (name: string) => join(dir, name);
  const readState = (name: string, id: string) =>
    JSON.parse(readFileSync(join(stateDir(name), `${id}.json`), "utf8")) as {
      head: { seq: number; hash: string };
      charterHash: string;
      checkpoints: Array<{ body: { seq: number; hash: string; by: string } }>;
    };
  const head = async (id: string) => {
    const doc = await http(`${server}/api/agreements/${id}`, "GET", undefined, admin);
    return { seq: Number(doc.json.events), hash: String(doc.json.head) };
  };
  const watchArgs = (id: string, name: string, ...extra: string[]) => [
    "ledger",
    "watch",
    "--server",
    server,
    "--agreement",
    id,
    "--key",
    join(dir, "north-gov.key.json"),
    "--state",
    stateDir(name),
    ...extra,
  ];
  // the head check every 0.2 s: a cut chain (the stream says nothing of deleted rows) or an
  // agreement becoming active is seen within that, not within the default 30 s or a whole second
  const follow = (id: string, name: string) => {
    const child = startLockstep(watchArgs(id, name, "--interval", "0.2"));
    running.push(child);
    return child;
  };
  /** Runs SQL on the server's database file, as its operator could. */
  const operator = (sql: string, ...params: unknown[]) => {
    const db = new SqliteDatabase(dbPath);
    try {
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  };

  it("follows the server, verifies each new event, keeps the head and countersigns it", async () => {
    await agreementWith("followed", 2);
    const watcher = follow("followed", "a");
    await expect
      .poll(() => watcher.stdout(), POLL)
      .toMatch(/followed: ok — 2 events verified \(first record\)/);
    await append("followed", 2);
    const expected = await head("followed");
    expect(expected.seq).toBe(4);
    await expect
      .poll(
        () => existsSync(join(stateDir("a"), "followed.json")) && readState("a", "followed").head.seq,
        POLL,
      )
      .toBe(4);
    const state = readState("a", "followed");
    expect(state.head.hash).toBe(expected.hash);
    expect(state.checkpoints.at(-1)?.body).toMatchObject({ seq: 4, hash: expected.hash, by: "north-gov" });
    await expect.poll(() => watcher.stdout(), POLL).toMatch(/event 4 \(note\) verified/);
    // the countersignature reached the server too: the export carries it
    await expect
      .poll(async () => {
        const doc = await http(`${server}/api/agreements/followed/export`, "GET", undefined, admin);
        const checkpoints = doc.json.checkpoints as Array<{ body: { seq: number; by: string } }>;
        return checkpoints.some((c) => c.body.seq === 4 && c.body.by === "north-gov");
      }, POLL)
      .toBe(true);
    await watcher.stop();
    expect(watcher.stderr()).not.toMatch(/ALARM/);
  }, 120_000);

  it("resumes from its record after a restart, catching up on what it missed", async () => {
    await append("followed", 1); // while no watcher runs
    const watcher = follow("followed", "a");
    await expect
      .poll(() => watcher.stderr(), POLL)
      .toMatch(/resuming from your record .*followed\.json: event 4/);
    await expect.poll(() => watcher.stdout(), POLL).toMatch(/5 events verified \(1 new since your record\)/);
    await append("followed", 1);
    await expect.poll(() => readState("a", "followed").head.seq, POLL).toBe(6);
    expect(readState("a", "followed").head.hash).toBe((await head("followed")).hash);
    await watcher.stop();
  }, 120_000);

  it("raises the alarm when the server cuts its newest events (follow mode and --once)", async () => {
    const watcher = follow("followed", "a");
    await expect.poll(() => watcher.stdout(), POLL).toMatch(/6 events verified/);
    const before = readState("a", "followed");
    // a careful operator drops the last three events and every checkpoint that named them
    operator("delete from ledger_events where agreement_id = 'followed' and seq > 3");
    operator("delete from checkpoints where agreement_id = 'followed' and seq > 3");
    expect(await watcher.exited).toBe(4);
    expect(watcher.stderr()).toMatch(
      /ALARM \(rollback\) on agreement followed .*ends at event 3, but the head you verified .* is event 6/,
    );
    // the record is kept as it was, as evidence
    expect(readState("a", "followed")).toEqual(before);
    const once = await lockstepAsync(watchArgs("followed", "a", "--once"), { LOCKSTEP_TOKEN: "" });
    expect(once.status).toBe(4);
    expect(once.stderr).toMatch(/ALARM \(rollback\).*events were cut off or rolled back/);
  }, 120_000);

  it("raises the alarm on a fork: the same length, another history", async () => {
    await agreementWith("forked", 3);
    const first = await lockstepInProcess(watchArgs("forked", "b", "--once"), { LOCKSTEP_TOKEN: "" });
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/forked: ok — 3 events verified \(first record\); head [0-9a-f]{64}/);
    expect(first.status).toBe(0);
    const recorded = readState("b", "forked").head;
    // the operator rolls back one event and lets another take its place
    operator("delete from ledger_events where agreement_id = 'forked' and seq = 3");
    operator("delete from checkpoints where agreement_id = 'forked' and seq = 3");
    await append("forked", 1, "north-gov");
    expect((await head("forked")).seq).toBe(3);
    const again = await lockstepInProcess(watchArgs("forked", "b", "--once"), { LOCKSTEP_TOKEN: "" });
    expect(again.status).toBe(4);
    expect(again.stderr).toMatch(
      new RegExp(
        `ALARM \\(rollback\\).*event 3 has hash [0-9a-f]{64}, but the head you verified .* has ${recorded.hash}: the ledger was forked`,
      ),
    );
  }, 120_000);

  it("raises the alarm (exit 1) when a stored event no longer matches its signature", async () => {
    await agreementWith("altered", 2);
    expect(
      (await lockstepInProcess(watchArgs("altered", "c", "--once"), { LOCKSTEP_TOKEN: "" })).status,
    ).toBe(0);
    operator(
      "update ledger_events set body = replace(body, 'note 0', 'note X') where agreement_id = 'altered' and seq = 1",
    );
    const again = await lockstepInProcess(watchArgs("altered", "c", "--once"), { LOCKSTEP_TOKEN: "" });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/ALARM \(tampered\).*event 1 .*signature does not match south-gov's key/);
  }, 120_000);

  it("waits for a proposed agreement to become active (--once: exit 2), then records it", async () => {
    const start = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const created = await http(
      `${server}/api/agreements`,
      "POST",
      adoptRequest(cast, { id: "proposed", start }),
      admin,
    );
    expect(created.status).toBe(201);
    const once = await lockstepInProcess(watchArgs("proposed", "f", "--once"), { LOCKSTEP_TOKEN: "" });
    expect(once.status).toBe(2);
    expect(once.stderr).toMatch(
      /proposed is proposed, not yet active: waiting for the charter signatures of north-gov, south-gov/,
    );
    expect(existsSync(join(stateDir("f"), "proposed.json"))).toBe(false);
    const watcher = follow("proposed", "f");
    await expect.poll(() => watcher.stderr(), POLL).toMatch(/not yet active.*; waiting/);
    for (const who of ["north-gov", "south-gov"] as const) {
      const signed = await charterSignature(cast, who, "proposed", String(created.json.charterHash));
      expect((await http(`${server}/api/agreements/proposed/signatures`, "POST", signed)).status).toBe(200);
    }
    await expect
      .poll(() => watcher.stdout(), POLL)
      .toMatch(/proposed: ok — 0 events verified \(first record\)/);
    expect(readState("f", "proposed").head).toMatchObject({ seq: 0, hash: created.json.charterHash });
    await watcher.stop();
    expect(watcher.stderr()).not.toMatch(/ALARM/);
  }, 120_000);

  it("will not countersign with a key the charter does not list for that participant (exit 2)", async () => {
    const args = watchArgs("followed", "g", "--once", "--as", "south-gov", "--token", ADMIN);
    const wrong = await lockstepInProcess(args, { LOCKSTEP_TOKEN: "" }); // north's key file, as south
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/the charter lists another public key for south-gov .*not countersigning/);
    expect(existsSync(join(stateDir("g"), "followed.json"))).toBe(false);
  }, 120_000);

  it("refuses a damaged state file and an unknown agreement with a clear message (exit 2)", async () => {
    const bad = stateDir("d");
    rmSync(bad, { recursive: true, force: true });
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, "followed.json"), '{"format":"lockstep-watch","v":1}');
    const damaged = await lockstepInProcess(watchArgs("followed", "d", "--once"), { LOCKSTEP_TOKEN: "" });
    expect(damaged.status).toBe(2);
    expect(damaged.stderr).toMatch(/followed\.json: not a lockstep watch state: agreement:/);
    const unknown = await lockstepInProcess(
      [
        "ledger",
        "watch",
        "--server",
        server,
        "--agreement",
        "nope",
        "--token",
        ADMIN,
        "--state",
        stateDir("e"),
        "--once",
      ],
      { LOCKSTEP_TOKEN: "" },
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/404/);
  }, 120_000);
});
