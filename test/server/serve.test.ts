/** `lockstep serve` as a user runs it: a real process that prints its URL and serves the API. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.ts";
import { lockstepInProcess } from "../helpers/cli.ts";
import { startServe } from "../helpers/serve-process.ts";
import { createPgDatabase, pgSkipReason } from "../ledger/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lockstep serve", () => {
  // One server start for both (each start is 1.5–2 CPU-s): --public-read changes only who may
  // read agreements, so the rest of the API still asks for the printed admin token. Without
  // --public-read an agreement read needs a token too: test/access/cli.test.ts.
  it("prints its URL, creates the database directory and serves the API; --public-read opens agreements alone", async () => {
    const db = join(dir, "nested", "lockstep.db");
    const served = startServe(["--db", db, "--public-read"]);
    try {
      const url = await served.url;
      // the admin token is in the printed URL; without it the API answers 401
      expect((await fetch(`${url}/api/scenarios`)).status).toBe(401);
      const response = await fetch(`${url}/api/scenarios`, { headers: served.auth() });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { scenarios: { id: string }[] };
      expect(body.scenarios.map((s) => s.id)).toContain("korea-2018");
      expect(existsSync(db)).toBe(true);
      // the notice follows the URL line and may arrive after it: read on until it does
      await served.waitForOutput(/readable without a token \(--public-read\)/);
      expect((await fetch(`${url}/api/agreements`)).status).toBe(200);
    } finally {
      await served.stop();
    }
  });

  // Through `npm start` only: the script is `node bin/lockstep.js serve --build-web` after a
  // build check (package.json), so this one start walks `lockstep serve`'s DATABASE_URL path as
  // well as the script. A second start of `lockstep serve` itself checked the same path again
  // (thirteenth session).
  it.skipIf(pgSkipReason)(
    "lockstep serve, as npm start runs it, keeps its data in PostgreSQL when DATABASE_URL names a database",
    async () => {
      const database = await createPgDatabase();
      const served = startServe([], { DATABASE_URL: database.url }, true);
      try {
        const url = await served.url;
        const capabilities = (await (await fetch(`${url}/api/capabilities`)).json()) as {
          storage: { kind: string };
        };
        expect(capabilities.storage.kind).toBe("postgres");
        const source =
          "id: pg-saved\nparties: [{ id: a, tolerance: 1 }]\nmoves: [{ id: m, actor: a, value: { a: 1 } }]\n";
        const saved = await fetch(`${url}/api/scenarios`, {
          method: "POST",
          headers: { "content-type": "application/json", ...served.auth() },
          body: JSON.stringify({ source }),
        });
        expect(saved.status).toBe(201);
        // the row is in that database, read without the server
        const store = await openStore({ databaseUrl: database.url });
        try {
          expect((await store.scenarios.get("pg-saved"))?.yaml).toBe(source);
        } finally {
          await store.close();
        }
      } finally {
        await served.stop();
        await database.drop();
      }
    },
  );

  // The two refusals through the binary's entry in this process (runCli, with its own
  // environment): both come before the server or any store is opened.
  it("refuses a DATABASE_URL that is not PostgreSQL with exit status 2", async () => {
    const result = await lockstepInProcess(["serve", "--port", "0"], {
      DATABASE_URL: "mysql://x@localhost/db",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/DATABASE_URL: expected a PostgreSQL URL/);
  });

  it("rejects a bad port with exit status 2 and a message", async () => {
    const result = await lockstepInProcess(["serve", "--port", "eighty"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port: expected a whole number/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
