/**
 * Sweep benchmarks, side by side in one run:
 *
 *  1. per-point cost, in this process: an analysis point, a simulation point, a planner point
 *     (korea-2018), the figures the projection below starts from;
 *  2. overhead per point, enqueue (or hand-out) → result stored, for N cheap analysis points:
 *     a plain in-process loop (no pool, no queue: the simplest implementation of the same work),
 *     the local pool of child processes, and the PostgreSQL queue with one in-process worker at
 *     chunks of 1 and of 25 points;
 *  3. 1 vs 2 vs 4 `lockstep worker` processes on the same queued sweep of simulation points;
 *  4. PostgreSQL connections one worker process holds (for the 50-machine projection).
 *
 *   npx tsx bench/sweep.ts --pg postgres://lockstep:lockstep@127.0.0.1:5432/lockstep
 *                          [--points 400] [--sim-points 24] [--processes 1,2,4]
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { compileScenario } from "../src/analysis/index.ts";
import { sweepId } from "../src/io/sweep-files.ts";
import { runLocalSweep } from "../src/io/sweep-local.ts";
import { enqueueSweep, runQueueWorker } from "../src/io/sweep-queue.ts";
import { parseScenario } from "../src/model/index.ts";
import { findPlan } from "../src/planner/index.ts";
import { openSweepStore } from "../src/store/index.ts";
import { evaluatePoint, parseSweep, sweepDocument } from "../src/sweep/index.ts";

const { values } = parseArgs({
  options: {
    pg: { type: "string" },
    points: { type: "string", default: "400" },
    "sim-points": { type: "string", default: "24" },
    processes: { type: "string", default: "1,2,4" },
  },
});
if (!values.pg) throw new Error("--pg URL is required (a PostgreSQL the benchmark may create databases on)");
const ADMIN = values.pg;
const POINTS = Number(values.points);
const SIM_POINTS = Number(values["sim-points"]);
const ROOT = new URL("..", import.meta.url);
const BIN = new URL("bin/lockstep.js", ROOT).pathname;

const parsedScenario = parseScenario(
  readFileSync(new URL("scenarios/korea-2018.yaml", ROOT), "utf8"),
  "korea-2018.yaml",
);
if (!parsedScenario.ok) throw new Error("korea-2018 does not parse");
const scenario = parsedScenario.scenario;

function loaded(text: string) {
  const parsed = parseSweep(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const document = sweepDocument(parsed.sweep, scenario, "korea-2018");
  return { id: sweepId(document), document };
}

const analysisSweep = (n: number) =>
  loaded(`scenario: korea-2018
measure: { analysis: { plan: phased } }
vary:
  - value: arsenal-dismantle/dprk
    range: [-16, -4]
    steps: ${n}
`);
const simulationSweep = (n: number) =>
  loaded(`scenario: korea-2018
measure: { simulation: { plan: phased, runs: 20000 } }
vary:
  - value: arsenal-dismantle/dprk
    range: [-16, -4]
    steps: ${n}
`);

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lockstep_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const line = (label: string, text: string) => console.log(`${label.padEnd(46)} ${text}`);

console.log(`sweep benchmark — ${new Date().toISOString()} — load average ${loadavg()[0].toFixed(1)}`);

// 1. per-point cost ---------------------------------------------------------------------------
{
  const a = analysisSweep(POINTS);
  let t = performance.now();
  for (let i = 0; i < POINTS; i++) await evaluatePoint(a.document, i);
  const analysis = (performance.now() - t) / POINTS;
  const s = simulationSweep(4);
  t = performance.now();
  for (let i = 0; i < 4; i++) await evaluatePoint(s.document, i);
  const simulation = (performance.now() - t) / 4;
  const c = compileScenario(scenario);
  await findPlan(c, { timeLimitSeconds: 60 }); // warm the solver
  t = performance.now();
  for (let k = 0; k < 3; k++) await findPlan(c, { timeLimitSeconds: 60 });
  const planner = (performance.now() - t) / 3;
  line("per point: analysis (korea-2018, phased)", ms(analysis));
  line("per point: simulation, 20,000 runs", ms(simulation));
  line("per point: planner optimum (objective phases)", ms(planner));
}

// 2. overhead per point -------------------------------------------------------------------------
{
  const a = analysisSweep(POINTS);
  let t = performance.now();
  for (let i = 0; i < POINTS; i++) await evaluatePoint(a.document, i);
  const loop = performance.now() - t;
  line(`plain loop, ${POINTS} analysis points`, `${ms(loop)} (${ms(loop / POINTS)}/point)`);

  const file = join(tmpdir(), `lockstep-bench-${process.pid}.db`);
  const store = await openSweepStore({ sqlitePath: file });
  // steady state: from the first stored batch to the last (child start-up excluded)
  let first = 0;
  let firstDone = 0;
  t = performance.now();
  await runLocalSweep(a, {
    store,
    workers: 1,
    onProgress: (done) => {
      if (done > 0 && first === 0) {
        first = performance.now();
        firstDone = done;
      }
    },
  });
  const end = performance.now();
  const local = end - t;
  await store.close();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const steady = (end - first) / (POINTS - firstDone);
  line(
    "local pool, 1 child process (SQLite)",
    `${ms(local)} with start-up; steady ${ms(steady)}/point → overhead ${ms(steady - loop / POINTS)}/point`,
  );

  for (const chunk of [1, 25]) {
    const db = await freshDatabase();
    const queueStore = await openSweepStore({ databaseUrl: db.url });
    let ready: () => void = () => {};
    const isReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const controller = new AbortController();
    const working = runQueueWorker({
      url: db.url,
      leaseSeconds: 30,
      signal: controller.signal,
      onReady: () => ready(),
    });
    await isReady;
    t = performance.now();
    await enqueueSweep(db.url, a, queueStore, chunk);
    while ((await queueStore.countDone(a.id)) < POINTS) await new Promise((r) => setTimeout(r, 5));
    const queued = performance.now() - t;
    controller.abort();
    await working;
    await queueStore.close();
    await db.drop();
    line(
      `queue, 1 in-process worker, chunks of ${chunk}`,
      `${ms(queued)} → overhead ${ms((queued - loop) / POINTS)}/point`,
    );
  }
}

// 3. worker processes ---------------------------------------------------------------------------
{
  const s = simulationSweep(SIM_POINTS);
  for (const n of values.processes.split(",").map(Number)) {
    const db = await freshDatabase();
    const store = await openSweepStore({ databaseUrl: db.url });
    await enqueueSweep(db.url, s, store, 1);
    const t = performance.now();
    const workers = Array.from({ length: n }, () =>
      spawn(process.execPath, [BIN, "worker", "--queue", db.url, "--exit-when-done"], { stdio: "ignore" }),
    );
    let peak = 0;
    const counting = setInterval(async () => {
      const c = new pg.Client({ connectionString: ADMIN });
      await c.connect();
      const r = await c.query("select count(*)::int as n from pg_stat_activity where datname = $1", [
        new URL(db.url).pathname.slice(1),
      ]);
      await c.end();
      peak = Math.max(peak, r.rows[0].n);
    }, 500);
    await Promise.all(workers.map((w) => new Promise((resolve) => w.on("exit", resolve))));
    clearInterval(counting);
    const wall = performance.now() - t;
    const done = await store.countDone(s.id);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const span = await c.query(
      "select min(stored_at) as first, max(stored_at) as last, count(distinct worker)::int as workers from sweep_points",
    );
    await c.end();
    const { first, last, workers: used } = span.rows[0];
    const steady = (Date.parse(last) - Date.parse(first)) / 1000;
    await store.close();
    await db.drop();
    line(
      `${n} worker process${n === 1 ? "" : "es"}, ${SIM_POINTS} simulation points`,
      `${(wall / 1000).toFixed(1)} s with start-up; first→last stored ${steady.toFixed(1)} s ` +
        `(${((done - 1) / steady).toFixed(2)} points/s, ${used} workers stored, peak ${peak} connections)`,
    );
  }
}
