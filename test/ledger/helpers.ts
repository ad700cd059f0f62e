import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { signArchive } from "../../src/ledger/archive.ts";
import { charterHash, eventHash } from "../../src/ledger/chain.ts";
import type { Charter } from "../../src/ledger/charter.ts";
import { generateKeyPair, type KeyPairJwk } from "../../src/ledger/crypto.ts";
import type { EventBody } from "../../src/ledger/events.ts";
import { signEvent } from "../../src/ledger/sign.ts";
import { signCharter } from "../../src/ledger/statements.ts";
import type { LedgerExport } from "../../src/ledger/verify.ts";
import type { AccessOptions } from "../../src/server/access.ts";
import { buildServer } from "../../src/server/app.ts";
import { openStore, type Store } from "../../src/store/index.ts";

export { BIN, ROOT } from "../helpers/cli.ts";
export const SCENARIO_FILE = fileURLToPath(new URL("./fixtures/arms-swap.yaml", import.meta.url));
export const SCENARIO_TEXT = readFileSync(SCENARIO_FILE, "utf8");

// ---------------------------------------------------------------- storage backends

export const PG_URL = process.env.LOCKSTEP_TEST_PG_URL ?? process.env.DATABASE_URL;

async function probePostgres(): Promise<string | undefined> {
  if (!PG_URL) return "PostgreSQL tests skipped: set LOCKSTEP_TEST_PG_URL (or DATABASE_URL) to a server";
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return `PostgreSQL tests skipped: cannot reach ${PG_URL.replace(/:[^:@/]*@/, ":***@")}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why PostgreSQL tests are skipped, or undefined when it is reachable. */
export const pgSkipReason = await probePostgres();
if (pgSkipReason) console.warn(pgSkipReason);

/** A fresh PostgreSQL database for one test file; drop() removes it. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lockstep_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Both storage backends by name, with the reason PostgreSQL is skipped when it is unreachable. */
export const backendNames: Array<{ name: "sqlite" | "postgres"; skip?: string }> = [
  { name: "sqlite" },
  { name: "postgres", skip: pgSkipReason },
];

/**
 * A fresh database that outlives one connection (a SQLite file or a PostgreSQL database), for tests
 * where several stores, servers or processes share it: its store options, the environment a
 * `lockstep serve` child reads, and a function that removes it.
 */
export async function freshDatabase(
  backend: "sqlite" | "postgres",
  label: string,
): Promise<{
  path?: string;
  options: { sqlitePath?: string; databaseUrl?: string };
  env: NodeJS.ProcessEnv;
  drop: () => Promise<void>;
}> {
  if (backend === "sqlite") {
    const path = `/tmp/lockstep-${label}-${process.pid}-${Date.now()}.db`;
    return {
      path,
      options: { sqlitePath: path },
      env: { LOCKSTEP_DB: path },
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
      },
    };
  }
  const db = await createPgDatabase();
  return { options: { databaseUrl: db.url }, env: { DATABASE_URL: db.url }, drop: db.drop };
}

/**
 * Two stores on one fresh database, each with a server (open), so that two writers really race for
 * a chain's head. close() stops the servers, closes the stores and removes the database.
 */
export async function twoWriters(
  backend: "sqlite" | "postgres",
  label: string,
): Promise<{ stores: Store[]; servers: string[]; close: () => Promise<void> }> {
  const { options, drop } = await freshDatabase(backend, label);
  const cleanups: Array<() => Promise<void>> = [drop];
  const stores: Store[] = [];
  const servers: string[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    for (let i = 0; i < 2; i++) {
      const store = await openStore(options);
      cleanups.push(() => store.close());
      const { app, url } = await startServer(store);
      cleanups.push(() => app.close());
      stores.push(store);
      servers.push(url);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { stores, servers, close };
}

export interface Backend {
  name: "sqlite" | "postgres";
  skip?: string;
  /** Opens a fresh, empty store; cleanup() closes it and removes its database. */
  open(): Promise<{
    store: Store;
    options: { sqlitePath?: string; databaseUrl?: string };
    cleanup(): Promise<void>;
  }>;
}

export const backends: Backend[] = [
  {
    name: "sqlite",
    async open() {
      const store = await openStore({ sqlitePath: ":memory:" });
      return { store, options: { sqlitePath: ":memory:" }, cleanup: () => store.close() };
    },
  },
  {
    name: "postgres",
    skip: pgSkipReason,
    async open() {
      const db = await createPgDatabase();
      const store = await openStore({ databaseUrl: db.url });
      return {
        store,
        options: { databaseUrl: db.url },
        async cleanup() {
          await store.close();
          await db.drop();
        },
      };
    },
  },
];

// ---------------------------------------------------------------- an agreement and its people

export type Who = "north-gov" | "south-gov" | "inspector" | "freeze-monitor" | "press";

export interface Cast {
  keys: Record<Who, KeyPairJwk>;
  participants: Array<Record<string, unknown>>;
}

export async function makeCast(): Promise<Cast> {
  const ids: Who[] = ["north-gov", "south-gov", "inspector", "freeze-monitor", "press"];
  const pairs = await Promise.all(ids.map(() => generateKeyPair()));
  const keys = Object.fromEntries(ids.map((id, i) => [id, pairs[i]])) as Record<Who, KeyPairJwk>;
  return {
    keys,
    participants: [
      { id: "north-gov", role: "party", party: "north", publicKey: keys["north-gov"].publicKey },
      { id: "south-gov", role: "party", party: "south", publicKey: keys["south-gov"].publicKey },
      { id: "inspector", role: "verifier", moves: "all", publicKey: keys.inspector.publicKey },
      {
        id: "freeze-monitor",
        role: "verifier",
        moves: ["freeze"],
        publicKey: keys["freeze-monitor"].publicKey,
      },
      { id: "press", role: "observer", publicKey: keys.press.publicKey },
    ],
  };
}

export function adoptRequest(cast: Cast, extra: Record<string, unknown> = {}) {
  return {
    id: "freeze-deal",
    title: "Freeze for relief",
    scenario: SCENARIO_TEXT,
    scenarioName: "arms-swap.yaml",
    plan: "staged",
    start: "2027-01-01T00:00:00Z",
    phaseDays: 30,
    participants: cast.participants,
    ...extra,
  };
}

/** `who`'s signature of an agreement's charter hash, as `POST …/signatures` takes it. */
export function charterSignature(cast: Cast, who: Who, agreement: string, hash: string) {
  return signCharter(agreement, hash, who, cast.keys[who].privateKey);
}

/**
 * Adopts over HTTP (with `headers`, e.g. the admin token) and has both parties sign the charter,
 * so the agreement is active. Returns the adoption's answer (201 expected); a signature the server
 * does not take (200 expected) throws.
 */
export async function adoptAndSign(
  base: string,
  cast: Cast,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const created = await http(`${base}/api/agreements`, "POST", adoptRequest(cast, extra), headers);
  if (created.status !== 201) return created;
  const id = String(created.json.id);
  for (const who of ["north-gov", "south-gov"] as const) {
    const signed = await charterSignature(cast, who, id, String(created.json.charterHash));
    const answer = await http(`${base}/api/agreements/${id}/signatures`, "POST", signed);
    if (answer.status !== 200) throw new Error(`signing as ${who}: ${JSON.stringify(answer.json)}`);
  }
  return created;
}

/** Stores a charter straight in the store, signed by both parties (an active agreement). */
export async function createSigned(store: Store, cast: Cast, charter: Charter): Promise<void> {
  const record = await store.agreements.create(charter);
  for (const who of ["north-gov", "south-gov"] as const) {
    const { signature } = await charterSignature(cast, who, record.id, record.charterHash);
    await store.agreements.addCharterSignature(record.id, {
      by: who,
      signature,
      signedAt: new Date().toISOString(),
    });
  }
}

let counter = 0;
/** An event body with a fresh id, signed by `who`. */
export async function signedEvent(
  cast: Cast,
  who: Who,
  fields: Record<string, unknown>,
  agreement = "freeze-deal",
): Promise<{ body: EventBody; signature: string }> {
  counter += 1;
  const body = {
    v: 1,
    agreement,
    id: `ev-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    by: who,
    at: new Date().toISOString(),
    ...fields,
  } as EventBody;
  return signEvent(body, cast.keys[who].privateKey);
}

/** `who`'s archive statement for the agreement at the head given (seq 0: the charter hash). */
export function archiveStatement(
  cast: Cast,
  who: Who,
  agreement: string,
  charter: string,
  head: { seq: number; hash: string },
) {
  return signArchive(
    {
      agreement,
      charterHash: charter,
      seq: head.seq,
      hash: head.hash,
      at: new Date().toISOString(),
      by: who,
    },
    cast.keys[who].privateKey,
  );
}

/** Key files `DIR/WHO.key.json` (participant, public and private key) for each of `who`. */
export function writeKeyFiles(cast: Cast, dir: string, who: readonly Who[]): void {
  for (const id of who) {
    const file = {
      participant: id,
      publicKey: cast.keys[id].publicKey,
      privateKey: cast.keys[id].privateKey,
    };
    writeFileSync(join(dir, `${id}.key.json`), JSON.stringify(file));
  }
}

// ---------------------------------------------------------------- an operator's rewrite of an export

/**
 * The operator's key swap in an export: each of `participants` gets `keyPair`'s public key in the
 * charter, the charter hash is recomputed, and their charter signatures are made again with
 * `keyPair` over the new hash (the other signatures are left as they were). The events are not
 * touched: rechain() does that.
 */
export async function swapParticipantKey(
  doc: LedgerExport,
  participants: string | readonly string[],
  keyPair: KeyPairJwk,
): Promise<void> {
  const swapped = new Set(typeof participants === "string" ? [participants] : participants);
  for (const p of doc.charter.participants)
    if (swapped.has(p.id)) p.publicKey = keyPair.publicKey as typeof p.publicKey;
  doc.charterHash = await charterHash(doc.charter);
  doc.charterSignatures = await Promise.all(
    doc.charterSignatures.map(async (s) =>
      swapped.has(s.by)
        ? {
            ...s,
            signature: (await signCharter(doc.agreement, doc.charterHash, s.by, keyPair.privateKey))
              .signature,
          }
        : s,
    ),
  );
}

/**
 * Re-chains an export's events from its charter hash: `change` may first edit each event (its
 * body, its signature), then every prevHash and hash is recomputed and the head moved.
 */
export async function rechain(
  doc: LedgerExport,
  change: (event: LedgerExport["events"][number], body: EventBody) => unknown = () => undefined,
): Promise<void> {
  let prevHash = doc.charterHash;
  for (const event of doc.events) {
    await change(event, event.body as EventBody);
    event.prevHash = prevHash;
    event.hash = await eventHash({
      seq: event.seq,
      prevHash,
      body: event.body as EventBody,
      signature: event.signature,
      receivedAt: event.receivedAt,
    });
    prevHash = event.hash;
  }
  doc.head = prevHash;
}

// ---------------------------------------------------------------- HTTP

/** The server on this store, listening on 127.0.0.1 (a random port); open unless `access` says otherwise. */
export async function startServer(
  store: Store,
  now?: () => Date,
  access: AccessOptions = { open: true },
): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildServer({ store, now, access });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, url };
}

export interface Served {
  store: Store;
  app: FastifyInstance;
  url: string;
  /** Stops the server, then closes the store. */
  close(): Promise<void>;
}

/** A server with `access` on a fresh in-memory SQLite store. */
export async function serveInMemory(access: AccessOptions): Promise<Served> {
  const store = await openStore({ sqlitePath: ":memory:" });
  const { app, url } = await startServer(store, undefined, access);
  return {
    store,
    app,
    url,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export async function http(
  url: string,
  method = "GET",
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

// ---------------------------------------------------------------- CLI

/** A participants file for `lockstep agreement adopt`: both parties and the inspector, keys read from `keyFile(who)`. */
export function participantsYaml(keyFile: (who: Who) => string): string {
  return [
    `- { id: north-gov, role: party, party: north, keyFile: ${keyFile("north-gov")} }`,
    `- { id: south-gov, role: party, party: south, keyFile: ${keyFile("south-gov")} }`,
    `- { id: inspector, role: verifier, moves: all, keyFile: ${keyFile("inspector")} }`,
  ].join("\n");
}

/** `lockstep agreement adopt` argv: the arms-swap fixture under its staged plan, as `id` from `start`. */
export function adoptArgs(server: string, participants: string, id: string, start: string): string[] {
  return [
    "agreement",
    "adopt",
    SCENARIO_FILE,
    "--server",
    server,
    "--plan",
    "staged",
    "--participants",
    participants,
    "--id",
    id,
    "--start",
    start,
  ];
}

export { type CliResult as CliRun, lockstepAsync } from "../helpers/cli.ts";
