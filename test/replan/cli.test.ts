/**
 * `lockstep replan` and the re-plan in `lockstep status` (MODEL.md §10): the first test through the
 * real process (`spawned`), the other cases through the binary's entry in this process (`run`).
 */
import { rmSync, writeFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.ts";
import { lockstepInProcess } from "../helpers/cli.ts";
import { lockstepAsync, startServer } from "../ledger/helpers.ts";
import { adoptLate, type LateAgreement } from "./setup.ts";

describe("lockstep replan / status", () => {
  const path = `/tmp/lockstep-replan-cli-${process.pid}-${Date.now()}.db`;
  let store: Store;
  let app: FastifyInstance;
  let server: string;
  let guarded: { app: FastifyInstance; url: string };
  let deal: LateAgreement;
  const keyFile = `${path}.a-gov.json`;
  const spawned = (...args: string[]) => lockstepAsync(args);
  const run = (...args: string[]) => lockstepInProcess(args);

  beforeAll(async () => {
    store = await openStore({ sqlitePath: path });
    ({ app, url: server } = await startServer(store));
    deal = await adoptLate(server);
    // the same database behind a server with access control (an admin token)
    guarded = await startServer(store, undefined, { adminToken: "replan-admin-token" });
    writeFileSync(keyFile, JSON.stringify({ participant: "a-gov", ...deal.keys["a-gov"] }));
  });
  afterAll(async () => {
    await guarded?.app.close();
    await app?.close();
    rmSync(keyFile, { force: true });
    await store?.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  });

  it("says in words what broke and prints the best continuation", async () => {
    const out = await spawned("replan", "--server", server, "--agreement", "late-deal");
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/Re-plan from the actual state after phase 2/);
    expect(out.stdout).toMatch(/The rest of plan 'adopted' no longer holds:/);
    expect(out.stdout).toMatch(/!! 'b1' \(b\) starts in phase 3 but requires 'a1'/);
    expect(out.stdout).toMatch(
      /Best continuation \(objective phases, optimal\): done by phase 4, least slack 1\./,
    );
    expect(out.stdout).toMatch(/phase 4: b1/);
  });

  it("--json prints the document, the same from the server and from the database", async () => {
    const viaServer = await run("replan", "--server", server, "--agreement", "late-deal", "--json");
    const viaDb = await run("replan", "--db", path, "--agreement", "late-deal", "--json");
    expect(viaServer.status).toBe(0);
    expect(viaDb.status).toBe(0);
    const a = JSON.parse(viaServer.stdout);
    const b = JSON.parse(viaDb.stdout);
    for (const doc of [a, b]) {
      expect(doc.rest.holds).toBe(false);
      expect(doc.continuation.steps).toEqual([{ phase: 4, move: "b1", share: 1 }]);
    }
    const { asOf: _a, continuation: ca, ...restA } = a;
    const { asOf: _b, continuation: cb, ...restB } = b;
    expect(restB).toEqual(restA);
    expect(cb.steps).toEqual(ca.steps);
  });

  it("lockstep status shows whether the rest of the plan holds, and the continuation", async () => {
    const out = await run("status", "--server", server, "--agreement", "late-deal");
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/phase 2 of 3 planned/);
    expect(out.stdout).toMatch(/The rest of plan 'adopted' no longer holds/);
    expect(out.stdout).toMatch(/phase 4: b1/);
    const json = await run("status", "--server", server, "--agreement", "late-deal", "--format", "json");
    expect(JSON.parse(json.stdout).replan.continuation.phases).toBe(4);
    const bare = await run("status", "--server", server, "--agreement", "late-deal", "--no-replan");
    expect(bare.stdout).not.toMatch(/Re-plan/);
  });

  it("bad input is a clear message and exit 2", async () => {
    const objective = await run(
      "replan",
      "--server",
      server,
      "--agreement",
      "late-deal",
      "--objective",
      "safety",
    );
    expect(objective.status).toBe(2);
    expect(objective.stderr).toMatch(
      /re-planning supports phases, slack, welfare, maxmin, nash; got 'safety'/,
    );
    const both = await run("replan", "--server", server, "--db", path, "--agreement", "late-deal");
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --server/);
    const missing = await run("replan", "--db", path, "--agreement", "nope");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/agreement 'nope' not found/);
    const nofile = await run("replan", "--db", "/tmp/no-such-lockstep.db", "--agreement", "late-deal");
    expect(nofile.status).toBe(2);
    expect(nofile.stderr).toMatch(/no such database file/);
    const horizon = await run("replan", "--server", server, "--agreement", "late-deal", "--horizon", "2");
    expect(horizon.status).toBe(2);
    expect(horizon.stderr).toMatch(/after the current phase 2/);
  });

  it("reads through access control: refused without a token, with the admin token or a participant's key", async () => {
    const refused = await run("replan", "--server", guarded.url, "--agreement", "late-deal");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/401/);
    const admin = await run(
      "replan",
      "--server",
      guarded.url,
      "--agreement",
      "late-deal",
      "--token",
      "replan-admin-token",
    );
    expect(admin.stderr).toBe("");
    expect(admin.status).toBe(0);
    expect(admin.stdout).toMatch(/phase 4: b1/);
    const party = await run(
      "replan",
      "--server",
      guarded.url,
      "--agreement",
      "late-deal",
      "--key",
      keyFile,
      "--json",
    );
    expect(party.status).toBe(0);
    expect(JSON.parse(party.stdout).continuation.phases).toBe(4);
    const status = await run("status", "--server", guarded.url, "--agreement", "late-deal", "--key", keyFile);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/The rest of plan 'adopted' no longer holds/);
  });
});
