/**
 * Archiving (hiding) an agreement by its parties: the signed statement and its checks, over HTTP
 * (with access control on), through the `lockstep archive` process, in the export and its
 * verification, and in the store on SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCharter } from "../../src/ledger/charter.ts";
import { type LedgerExport, verifyLedger } from "../../src/ledger/verify.ts";
import {
  adoptAndSign,
  adoptRequest,
  archiveStatement,
  backends,
  type Cast,
  createSigned,
  http,
  lockstepAsync,
  makeCast,
  type Served,
  serveInMemory,
  signedEvent,
  type Who,
  writeKeyFiles,
} from "./helpers.ts";

const ADMIN = "archive-test-admin-token";
const admin = { authorization: `Bearer ${ADMIN}` };

describe("archiving over HTTP", () => {
  let cast: Cast;
  let served: Served | undefined;
  let server: string;

  beforeAll(async () => {
    cast = await makeCast();
    served = await serveInMemory({ adminToken: ADMIN });
    server = served.url;
  });
  afterAll(async () => {
    await served?.close();
  });

  async function adopt(id: string): Promise<void> {
    const start = new Date(Date.now() - 40 * 86_400_000).toISOString();
    expect((await adoptAndSign(server, cast, { id, start }, admin)).status).toBe(201);
  }
  /** The agreement's charter hash and head, as a statement names them. */
  const doc = async (id: string) => {
    const answer = await http(`${server}/api/agreements/${id}`, "GET", undefined, admin);
    const { charterHash, events, head } = answer.json as {
      charterHash: string;
      events: number;
      head: string;
    };
    return { charterHash, head: { seq: events, hash: head } };
  };
  const post = (id: string, statement: unknown) =>
    http(`${server}/api/agreements/${id}/archive`, "POST", statement);
  /** `who` asks to archive `id` at its current head. */
  const ask = async (id: string, who: Who) => {
    const { charterHash, head } = await doc(id);
    return post(id, await archiveStatement(cast, who, id, charterHash, head));
  };
  /** `who` records an event; the answer's status. */
  const record = async (id: string, who: Who, fields: Record<string, unknown>) =>
    (await http(`${server}/api/agreements/${id}/events`, "POST", await signedEvent(cast, who, fields, id)))
      .status;
  const listed = async (query = "") => {
    const answer = await http(`${server}/api/agreements${query}`, "GET", undefined, admin);
    expect(answer.status).toBe(200);
    return answer.json.agreements as Array<{ id: string; archived: boolean }>;
  };

  it("archives once every party has asked: hidden from the list, no new events, still readable and verifiable", async () => {
    await adopt("to-hide");
    await adopt("to-keep");
    expect(await record("to-hide", "north-gov", { type: "move.done", move: "freeze" })).toBe(201);

    const first = await ask("to-hide", "north-gov");
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      state: "requested",
      signedBy: ["north-gov"],
      awaiting: ["south-gov"],
    });
    // one party alone hides nothing and stops nobody
    expect((await listed()).map((a) => a.id)).toContain("to-hide");
    expect(await record("to-hide", "inspector", { type: "move.verified", move: "freeze" })).toBe(201);

    const second = await ask("to-hide", "south-gov");
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({
      state: "archived",
      signedBy: ["north-gov", "south-gov"],
      awaiting: [],
    });

    expect((await listed()).map((a) => a.id)).toEqual(["to-keep"]);
    const all = await listed("?archived=1");
    expect(all.find((a) => a.id === "to-hide")).toMatchObject({ archived: true });
    expect(all.find((a) => a.id === "to-keep")).toMatchObject({ archived: false });

    const late = await signedEvent(cast, "north-gov", { type: "note", text: "too late" }, "to-hide");
    const refused = await http(`${server}/api/agreements/to-hide/events`, "POST", late);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error: "archived" });
    expect(String(refused.json.message)).toMatch(/archived .*can still be read and exported/);

    const state = await http(`${server}/api/agreements/to-hide/archive`, "GET", undefined, admin);
    expect(state.json).toMatchObject({ state: "archived" });
    expect((state.json.statements as unknown[]).length).toBe(2);
    const exported = (await http(`${server}/api/agreements/to-hide/export`, "GET", undefined, admin))
      .json as unknown as LedgerExport;
    expect(exported.archive).toHaveLength(2);
    expect(exported.events).toHaveLength(2);
    expect(await verifyLedger(exported)).toMatchObject({ ok: true, events: 2 });
    // the archive statements are signed: one altered in the export no longer verifies
    const altered = structuredClone(exported);
    (altered.archive![0].body as { at: string }).at = "2020-01-01T00:00:00.000Z";
    expect(await verifyLedger(altered)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/archive statement has a signature that does not match/),
    });
    // and one naming a head the chain lacks shows the chain was cut
    const cut = structuredClone(exported);
    cut.events = cut.events.slice(0, 1);
    cut.head = cut.events[0].hash;
    expect(await verifyLedger(cut)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/asked to archive at event 2 .*no such head/),
    });
  });

  it("refuses statements that are not a party's, not signed, for another charter or head", async () => {
    await adopt("refusals");
    const { charterHash, head } = await doc("refusals");
    const statement = (who: Who, charter = charterHash, at = head) =>
      archiveStatement(cast, who, "refusals", charter, at);
    const observer = await ask("refusals", "press");
    expect(observer.status).toBe(403);
    expect(observer.json).toMatchObject({ error: "wrong-role" });
    const verifier = await ask("refusals", "inspector");
    expect(verifier.json).toMatchObject({ error: "wrong-role" });
    const forged = await statement("north-gov");
    forged.body.by = "south-gov";
    expect((await post("refusals", forged)).json).toMatchObject({ error: "bad-signature" });
    const otherCharter = await statement("north-gov", "0".repeat(64));
    expect(await post("refusals", otherCharter)).toMatchObject({
      status: 409,
      json: { error: "wrong-charter" },
    });
    const otherHead = await statement("north-gov", charterHash, { ...head, seq: 5 });
    expect(await post("refusals", otherHead)).toMatchObject({ status: 409, json: { error: "unknown-head" } });
    const malformed = await post("refusals", { body: { type: "agreement.archive" }, signature: "x" });
    expect(malformed.status).toBe(400);
    const elsewhere = await post("to-keep", await statement("north-gov"));
    expect(elsewhere.json).toMatchObject({ error: "wrong-agreement" });
    expect(
      (await http(`${server}/api/agreements/refusals/archive`, "GET", undefined, admin)).json,
    ).toMatchObject({ state: "none", signedBy: [], awaiting: ["north-gov", "south-gov"], statements: [] });
    // the archive state is an agreement read: it needs a token like the rest
    expect((await http(`${server}/api/agreements/refusals/archive`)).status).toBe(401);
  });
});

describe("lockstep archive (the process)", () => {
  let cast: Cast;
  let served: Served | undefined;
  let server: string;
  let dir: string;
  const key = (who: Who) => join(dir, `${who}.key.json`);
  const run = (...args: string[]) => lockstepAsync(args, { LOCKSTEP_TOKEN: "" });

  beforeAll(async () => {
    cast = await makeCast();
    served = await serveInMemory({ adminToken: ADMIN });
    server = served.url;
    dir = mkdtempSync(join(tmpdir(), "lockstep-archive-"));
    writeKeyFiles(cast, dir, ["north-gov", "south-gov", "press"]);
    const created = await http(
      `${server}/api/agreements`,
      "POST",
      adoptRequest(cast, { id: "cli-hide" }),
      admin,
    );
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks as each party, then the list hides the agreement unless --archived", async () => {
    const archive = (who: Who) =>
      run("archive", "--server", server, "--agreement", "cli-hide", "--key", key(who));
    const observer = await archive("press");
    expect(observer.status).toBe(2);
    expect(observer.stderr).toMatch(/403 wrong-role.*only the parties' participants archive/);
    const north = await archive("north-gov");
    expect(north.stderr).toBe("");
    expect(north.stdout).toMatch(
      /north-gov asked to archive cli-hide at event 0 \(head [0-9a-f]{64}\); waiting for: south-gov/,
    );
    const south = await archive("south-gov");
    expect(south.status).toBe(0);
    expect(south.stdout).toMatch(/the agreement is archived: hidden from the list/);
    const list = await run("agreement", "list", "--server", server, "--token", ADMIN);
    expect(list.stdout).toBe("no agreements\n");
    const all = await run("agreement", "list", "--server", server, "--token", ADMIN, "--archived");
    expect(all.stdout).toMatch(/^cli-hide {2}Freeze for relief {2}\(adopted .*; archived\)\n$/);
    const help = await run("archive", "--help");
    expect(help.stdout).toMatch(/once every party has/);
  });
});

describe.each(backends)("archive statements in the store ($name)", (backend) => {
  it.skipIf(backend.skip !== undefined)(
    "are kept once per party and decide which agreements are archived",
    async () => {
      const { store, cleanup } = await backend.open();
      try {
        const cast = await makeCast();
        for (const id of ["kept", "hidden"]) {
          const built = buildCharter(
            { ...adoptRequest(cast, { id }), id } as never,
            new Date().toISOString(),
          );
          if (!built.ok) throw new Error(built.message);
          await createSigned(store, cast, built.charter);
        }
        const add = async (id: string, who: Who) => {
          const head = (await store.agreements.head(id))!;
          const record = (await store.agreements.get(id))!;
          const statement = await archiveStatement(cast, who, id, record.charterHash, head);
          await store.archives.add(id, { ...statement, signedAt: new Date().toISOString() });
        };
        await add("hidden", "north-gov");
        await add("kept", "north-gov");
        expect([...(await store.archives.archivedIds())]).toEqual([]);
        await add("hidden", "south-gov");
        await add("hidden", "south-gov"); // a second one by the same party is ignored
        expect([...(await store.archives.archivedIds())]).toEqual(["hidden"]);
        const statements = await store.archives.statements("hidden");
        expect(statements.map((s) => s.body.by).sort()).toEqual(["north-gov", "south-gov"]);
        expect(statements[0].body).toMatchObject({ type: "agreement.archive", agreement: "hidden", seq: 0 });
      } finally {
        await cleanup();
      }
    },
  );
});
