/**
 * Benchmark: signed ledger events appended and verified per second, on SQLite (a file, WAL,
 * synchronous = FULL; its commits in the append thread, and `sqlite-loop` on the event loop as
 * before) and on PostgreSQL (when --pg, LOCKSTEP_TEST_PG_URL or DATABASE_URL names a
 * server; the bench creates and drops its own database).
 *
 *   append  = what the server does per submitted event: check the Ed25519 signature (WebCrypto),
 *             check the role, append to the hash chain (group commit), `--concurrency` in flight
 *   http    = the same through the HTTP API on 127.0.0.1, `--concurrency` clients at once
 *   verify  = `ledger verify` of the export: every hash and signature, in order
 *
 * Usage: npx tsx bench/ledger.ts [--events 4000] [--concurrency 64] [--pg postgres://…] [--no-http]
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { buildIfStale } from "../scripts/build.ts";
import { authorize } from "../src/ledger/authorize.ts";
import { canonicalJson } from "../src/ledger/canonical.ts";
import { buildCharter, compileCharter } from "../src/ledger/charter.ts";
import { importPublicKey, verifyText } from "../src/ledger/crypto.ts";
import { verifyLedger } from "../src/ledger/verify.ts";
import { buildServer } from "../src/server/app.ts";
import { exportLedger, openStore, type StoreOptions } from "../src/store/index.ts";
import {
  adoptOverHttp,
  PLAN,
  participants,
  partyKeys,
  SCENARIO,
  signedNotes,
  signInStore,
} from "./two-party.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "64" },
    pg: { type: "string" },
    "no-http": { type: "boolean", default: false },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const PG_URL = values.pg ?? process.env.LOCKSTEP_TEST_PG_URL ?? process.env.DATABASE_URL;

// the append thread from the build (dist/append-worker.mjs, as the CLI runs it), not through tsx
await buildIfStale();
process.env.LOCKSTEP_APPEND_WORKER = fileURLToPath(new URL("../dist/append-worker.mjs", import.meta.url));
const keys = await partyKeys();

/** Runs `task` over items with `limit` in flight; returns items per second. */
async function throughput<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
  return items.length / ((performance.now() - start) / 1000);
}

/** Runs one backend; a failure is reported in one line (with its cause) instead of a dump. */
async function benchBackend(name: string, options: StoreOptions): Promise<void> {
  try {
    await runBackend(name, options);
  } catch (error) {
    const e = error as Error & { code?: string; cause?: { message?: string; code?: string } };
    console.log(
      `${name.padEnd(10)} FAILED: ${e.message}${e.code ? ` [${e.code}]` : ""}${e.cause ? ` (cause: ${e.cause.message ?? e.cause.code})` : ""}`,
    );
    process.exitCode = 1;
  }
}

async function runBackend(name: string, options: StoreOptions): Promise<Record<string, number>> {
  const store = await openStore(options);
  const results: Record<string, number> = {};
  try {
    const built = buildCharter(
      { id: "bench", plan: PLAN, scenario: SCENARIO, participants: participants(keys) },
      new Date().toISOString(),
    );
    if (!built.ok) throw new Error(built.message);
    const record = await store.agreements.create(built.charter);
    // Events are accepted only once every party has signed the charter (a co-signed charter).
    await signInStore(store, "bench", record.charterHash, keys);
    const compiled = compileCharter(built.charter);
    const publicKeys = new Map([
      ["party-a", (await importPublicKey(keys.a.publicKey))!],
      ["party-b", (await importPublicKey(keys.b.publicKey))!],
    ]);
    const events = await signedNotes(keys, "bench", EVENTS);
    results.append = await throughput(events, CONCURRENCY, async ({ body, signature }) => {
      if (!(await verifyText(publicKeys.get(body.by)!, canonicalJson(body), signature)))
        throw new Error("bad signature");
      if (authorize(built.charter, compiled, body)) throw new Error("refused");
      await store.agreements.append("bench", body, signature);
    });

    const exported = await exportLedger(store.agreements, "bench", new Date().toISOString());
    const start = performance.now();
    const verdict = await verifyLedger(exported);
    if (!verdict.ok) throw new Error(verdict.message);
    results.verify = EVENTS / ((performance.now() - start) / 1000);

    if (!values["no-http"]) {
      const http = await signedNotes(keys, "bench-http", EVENTS);
      const app = await buildServer({ store, access: { open: true } });
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      await adoptOverHttp(url, "bench-http", keys);
      results.http = await throughput(http, CONCURRENCY, async (event) => {
        const response = await fetch(`${url}/api/agreements/bench-http/events`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(event),
        });
        if (response.status !== 201) throw new Error(`submit: ${response.status} ${await response.text()}`);
      });
      await app.close();
    }
  } finally {
    await store.close();
  }
  console.log(
    `${name.padEnd(10)} append ${results.append.toFixed(0).padStart(6)}/s   verify ${results.verify.toFixed(0).padStart(6)}/s` +
      (results.http ? `   http ${results.http.toFixed(0).padStart(6)}/s` : ""),
  );
  return results;
}

console.log(`${EVENTS} signed events, ${CONCURRENCY} in flight`);
// SQLite with its commits in the append thread (the default), and on the event loop (as before 30 Nov 2026)
for (const [name, appendThread] of [
  ["sqlite", true],
  ["sqlite-loop", false],
] as const) {
  const file = `/tmp/lockstep-bench-${process.pid}-${name}.db`;
  try {
    await benchBackend(name, { sqlitePath: file, appendThread });
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  }
}

if (!PG_URL) {
  console.log("postgres   skipped: pass --pg URL or set LOCKSTEP_TEST_PG_URL / DATABASE_URL");
} else {
  const name = `lockstep_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    await benchBackend("postgres", { databaseUrl: url.toString() });
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
