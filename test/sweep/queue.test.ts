/**
 * Sweeps through the distributed queue (BullMQ on PostgreSQL), as users run them: `lockstep sweep
 * FILE --queue URL` and `lockstep worker --queue URL` processes. The results are identical to a
 * local run's with 1 worker or 4; a worker killed with kill -9 mid-sweep loses no point and
 * duplicates none; bad input enqueues nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, lockstepAsync, lockstepInProcess, lockstepWatched, ROOT } from "../helpers/cli.ts";
import { createPgDatabase, pgSkipReason } from "../ledger/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-queue-"));
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
  rmSync(dir, { recursive: true, force: true });
});

// 16 points of 2,500 simulated runs: a second or so each, so a worker is killed mid-point
const SWEEP = `scenario: korea-2018
seed: 99
measure:
  analysis: { plan: phased }
  simulation: { plan: phased, runs: 2500 }
vary:
  - value: arsenal-dismantle/dprk
    range: [-14, -8]
    steps: 4
  - discount: dprk
    values: [0.8, 0.9, 0.95, 1]
`;
const POINTS = 16;

function sweepFile(): string {
  const path = join(dir, "queue.yaml");
  writeFileSync(path, SWEEP);
  return path;
}

function localResults(db: string): Map<number, string> {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite.prepare("select point, result from sweep_points").all() as {
      point: number;
      result: string;
    }[];
    return new Map(rows.map((r) => [r.point, r.result]));
  } finally {
    sqlite.close();
  }
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

async function queueResults(
  url: string,
): Promise<{ rows: number; byPoint: Map<number, string>; workers: Set<string> }> {
  const rows = await query<{ point: number; result: string; worker: string }>(
    url,
    "select point, result, worker from sweep_points",
  );
  return {
    rows: rows.length,
    byPoint: new Map(rows.map((r) => [Number(r.point), r.result])),
    workers: new Set(rows.map((r) => r.worker)),
  };
}

function worker(url: string, lease = 30): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [BIN, "worker", "--queue", url, "--lease", String(lease), "--exit-when-done"],
    {
      cwd: ROOT,
      stdio: "ignore",
    },
  );
  return { child, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

async function freshQueue(): Promise<string> {
  const db = await createPgDatabase();
  drops.push(db.drop);
  return db.url;
}

describe.skipIf(pgSkipReason)("sweeps on the distributed queue (PostgreSQL)", () => {
  let reference: Map<number, string>;

  // The reference: one local run (one worker process). That a local run gives the same results
  // with 1 and 2 workers is sweep/cli's kill -9 test (its reference has 1 worker, the killed and
  // resumed runs 2); here the queue's results are compared with a local run.
  it("gives the results of a local run (the reference)", async () => {
    const one = join(dir, "one.db");
    expect(
      (await lockstepAsync(["sweep", sweepFile(), "--db", one, "--workers", "1", "--json"])).status,
    ).toBe(0);
    reference = localResults(one);
    expect(reference.size).toBe(POINTS);
  }, 300_000);

  it("gives the same results through the queue with 1 worker and with 4", async () => {
    const file = sweepFile();
    // one worker, and the sweep command waiting for it and printing the report. The worker starts
    // once the jobs are queued: with --exit-when-done, a worker that finds the queue empty stops,
    // and the sweep command would then wait for ever (under load the worker was ready first).
    const url1 = await freshQueue();
    const sweeping = lockstepWatched(["sweep", file, "--queue", url1, "--json"]);
    await sweeping.stderrLine(/16 of 16 points to do, 16 jobs queued/);
    const single = worker(url1);
    const waited = await sweeping.result;
    expect(waited.status).toBe(0);
    expect(JSON.parse(waited.stdout).done).toBe(POINTS);
    expect(await single.exited).toBe(0);
    const viaOne = await queueResults(url1);
    expect(viaOne.rows).toBe(POINTS);
    expect(viaOne.byPoint).toEqual(reference);

    // four workers, the sweep enqueued and left (--detach: a variant of the command above, through
    // the binary's entry in this process)
    const url4 = await freshQueue();
    const enqueued = await lockstepInProcess(["sweep", file, "--queue", url4, "--detach"]);
    expect(enqueued.status).toBe(0);
    expect(enqueued.stderr).toMatch(/16 of 16 points to do, 16 jobs queued/);
    const four = Array.from({ length: 4 }, () => worker(url4));
    expect(await Promise.all(four.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
    const viaFour = await queueResults(url4);
    expect(viaFour.rows).toBe(POINTS);
    expect(viaFour.byPoint).toEqual(reference);
    expect(viaFour.workers.size).toBeGreaterThan(1);
  }, 300_000);

  it("retries the points of a worker killed with kill -9: each stored exactly once", async () => {
    const file = sweepFile();
    const url = await freshQueue();
    expect((await lockstepInProcess(["sweep", file, "--queue", url, "--detach"])).status).toBe(0);
    const victim = worker(url, 2);
    // wait until the victim has stored something and is in the middle of the next point
    for (let t = 0; ; t++) {
      const [{ n }] = await query<{ n: string }>(url, "select count(*) as n from sweep_points");
      if (Number(n) >= 2) break;
      if (t > 1200) throw new Error("the first worker stored nothing in 120 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    victim.child.kill("SIGKILL");
    await victim.exited;
    const before = await queueResults(url);
    expect(before.rows).toBeLessThan(POINTS);
    const survivor = worker(url, 2);
    expect(await survivor.exited).toBe(0);
    const after = await queueResults(url);
    expect(after.rows).toBe(POINTS);
    expect(after.byPoint.size).toBe(POINTS);
    expect(after.byPoint).toEqual(reference);
    expect(after.workers.size).toBe(2);
    // and a re-run of the sweep command finds nothing left to do (in this process, as above)
    const again = await lockstepInProcess(["sweep", file, "--queue", url, "--json"]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/0 of 16 points to do, 0 jobs queued/);
  }, 300_000);

  it("enqueues nothing for a sweep with bad input", async () => {
    const url = await freshQueue();
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, SWEEP.replace("discount: dprk", "discount: north-korea"));
    // refused before anything is queued: through the binary's entry in this process (the real
    // process runs `sweep --queue` in every test above)
    const run = await lockstepInProcess(["sweep", bad, "--queue", url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:\d+:\d+: vary\.1\.discount: unknown party 'north-korea'/);
    const tables = await query<{ table_schema: string }>(
      url,
      "select table_schema from information_schema.tables where table_schema <> 'pg_catalog' and table_schema <> 'information_schema'",
    );
    expect(tables).toEqual([]);
  }, 120_000);
});
