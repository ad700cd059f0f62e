/**
 * Sweeps on a distributed queue: BullMQ with its PostgreSQL backend, on the PostgreSQL the
 * tracker already uses, so no new server. `lockstep sweep FILE --queue URL` stores the sweep
 * and enqueues its points in chunks; `lockstep worker --queue URL` on any machine takes chunks,
 * computes their points and stores the results in the same database.
 *
 * Exactly once: a job holds a lease (BullMQ's lock) that its worker renews while alive. A worker
 * killed mid-chunk stops renewing; when the lease runs out BullMQ hands the chunk to another
 * worker. Results are inserted with ON CONFLICT DO NOTHING on (sweep, point), and a worker skips
 * points already stored, so a retried chunk stores each point once and loses none.
 */
import { hostname } from "node:os";
import { createPostgresBackend, type Job, withBackend } from "bullmq";
import pg from "pg";
import { openSweepStore, type StoredPoint, type SweepStore } from "../store/index.ts";
import { evaluatePoint, type SweepDocument } from "../sweep/index.ts";
import type { LoadedSweep } from "./sweep-files.ts";
import { saveSweep } from "./sweep-local.ts";

// Queue and Worker bound to the PostgreSQL backend (BullMQ's default is Redis).
const { Queue, Worker } = withBackend(createPostgresBackend);

export const QUEUE_NAME = "lockstep-sweeps";
/** BullMQ's tables live in their own schema, apart from Lockstep's. */
const QUEUE_SCHEMA = "lockstep_queue";

/** A queue URL that is not PostgreSQL or cannot be reached (exit status 2, nothing enqueued). */
export class QueueUnreachable extends Error {}

export interface ChunkJob {
  sweep: string;
  points: number[];
}

function connection(url: string) {
  return { connectionString: url, schema: QUEUE_SCHEMA, migrate: true };
}

/** Connects once and asks PostgreSQL for its version, before anything is enqueued or stored. */
export async function checkQueueUrl(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUnreachable(
      `--queue: '${url}' is not a URL (expected postgres://USER:PASSWORD@HOST:PORT/DB)`,
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new QueueUnreachable(
      `--queue: '${parsed.protocol}' is not supported; the queue runs on PostgreSQL (postgres://USER:PASSWORD@HOST:PORT/DB)`,
    );
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // a failed connect can also emit 'error' later; without a listener that would crash the process
  client.on("error", () => {});
  const shown = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    throw new QueueUnreachable(`--queue: cannot reach PostgreSQL at ${shown}: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Points per job: one for planner or simulation points (seconds each), more for quick analyses. */
export function defaultChunk(document: SweepDocument): number {
  const m = document.sweep.measure;
  if (m.optimum || (m.simulation && m.simulation.runs > 2000)) return 1;
  return m.simulation ? 4 : 25;
}

function openQueue(url: string) {
  return new Queue<ChunkJob, void, "points">(QUEUE_NAME, { connection: connection(url) });
}

export interface EnqueueResult {
  /** Chunks handed to the queue (chunks already queued or done are not added again). */
  chunks: number;
  /** Points not yet stored when enqueuing. */
  todo: number;
}

/**
 * Stores the sweep and enqueues every chunk with a point not yet stored. Chunk k always holds
 * points [k·size, (k+1)·size) and has job id `sweep-k`, so re-running adds nothing twice.
 */
export async function enqueueSweep(
  url: string,
  loaded: LoadedSweep,
  store: SweepStore,
  chunk = defaultChunk(loaded.document),
): Promise<EnqueueResult> {
  await saveSweep(store, loaded);
  const stored = await store.donePoints(loaded.id);
  const jobs: { name: "points"; data: ChunkJob; opts: { jobId: string } }[] = [];
  let todo = 0;
  for (let first = 0; first < loaded.document.points; first += chunk) {
    const points: number[] = [];
    for (let i = first; i < Math.min(first + chunk, loaded.document.points); i++)
      if (!stored.has(i)) points.push(i);
    if (points.length === 0) continue;
    todo += points.length;
    jobs.push({
      name: "points",
      data: { sweep: loaded.id, points },
      opts: { jobId: `${loaded.id}-${first / chunk}` },
    });
  }
  const queue = openQueue(url);
  try {
    await queue.waitUntilReady();
    // a chunk that failed for good (its worker kept dying) is given a fresh start by a re-run
    await queue.clean(0, 0, "failed");
    for (let k = 0; k < jobs.length; k += 500) await queue.addBulk(jobs.slice(k, k + 500));
  } finally {
    await queue.close();
  }
  return { chunks: jobs.length, todo };
}

export interface WorkerOptions {
  url: string;
  /** Seconds a chunk stays leased without renewal before it goes to another worker. */
  leaseSeconds?: number;
  /** Stop once the queue has nothing waiting or running (tests, benchmarks, batch machines). */
  exitWhenDone?: boolean;
  signal?: AbortSignal;
  onPoint?: (sweep: string, point: number) => void;
  /** Called once the worker is connected and waiting for jobs. */
  onReady?: () => void;
}

/** Works chunks off the queue until stopped (or, with exitWhenDone, until the queue is empty). */
export async function runQueueWorker(options: WorkerOptions): Promise<{ points: number }> {
  const { url } = options;
  const lease = (options.leaseSeconds ?? 30) * 1000;
  const store = await openSweepStore({ databaseUrl: url });
  const documents = new Map<string, SweepDocument>();
  const name = `${hostname()}:${process.pid}`;
  let points = 0;

  const documentOf = async (id: string) => {
    let doc = documents.get(id);
    if (!doc) {
      const text = await store.sweepDocument(id);
      if (!text) throw new Error(`sweep ${id} is not in the database`);
      doc = JSON.parse(text) as SweepDocument;
      documents.set(id, doc);
    }
    return doc;
  };

  const processChunk = async (job: Job<ChunkJob>): Promise<void> => {
    const doc = await documentOf(job.data.sweep);
    const stored = await store.storedAmong(job.data.sweep, job.data.points);
    const results: StoredPoint[] = [];
    for (const index of job.data.points) {
      if (stored.has(index)) continue; // done by a worker that died before finishing the chunk
      const started = performance.now();
      const result = await evaluatePoint(doc, index);
      results.push({
        point: index,
        result: JSON.stringify(result),
        worker: name,
        elapsedMs: performance.now() - started,
      });
      points += 1;
      options.onPoint?.(job.data.sweep, index);
      // let the lease-renewal timer run between points
      await new Promise((resolve) => setImmediate(resolve));
    }
    await store.storePoints(job.data.sweep, results);
  };

  const worker = new Worker<ChunkJob>(QUEUE_NAME, processChunk, {
    connection: connection(url),
    concurrency: 1,
    lockDuration: lease,
    stalledInterval: Math.max(500, lease / 2),
    maxStalledCount: 10,
  });
  worker.on("error", () => {}); // connection hiccups are retried by BullMQ; a failed job is retried below
  const queue = openQueue(url);
  try {
    await worker.waitUntilReady();
    options.onReady?.();
    await new Promise<void>((resolve) => {
      options.signal?.addEventListener("abort", () => resolve(), { once: true });
      if (options.signal?.aborted) resolve();
      if (options.exitWhenDone) {
        let quiet = 0;
        const poll = setInterval(async () => {
          const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
          quiet = Object.values(counts).every((n) => n === 0) ? quiet + 1 : 0;
          if (quiet >= 2) {
            clearInterval(poll);
            resolve();
          }
        }, 250);
      }
    });
  } finally {
    await worker.close();
    await queue.close();
    await store.close();
  }
  return { points };
}
