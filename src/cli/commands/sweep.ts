/**
 * `lockstep sweep FILE` runs a sweep on this machine (or, with --queue, on the distributed queue)
 * and prints its report; `lockstep worker --queue URL` works a queue's points off on any machine.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import cliProgress from "cli-progress";
import { type Command, Option } from "commander";
import { serveIpc } from "../../io/sweep-child.ts";
import { type LoadedSweep, loadSweepFile, SweepInputError } from "../../io/sweep-files.ts";
import { runLocalSweep } from "../../io/sweep-local.ts";
import {
  openSweepStore,
  type StoreOptions,
  type SweepStore,
  storeOptionsFromEnv,
} from "../../store/index.ts";
import { heatmap, type PointResult, sweepReport, toCsv, toJson, variableName } from "../../sweep/index.ts";
import { CliError, EXIT } from "../errors.ts";
import { formatHeatmap, formatSweepReport } from "../format/sweep.ts";
import { cliIo, setExitCode, terminalStderr } from "../io.ts";

const INTERRUPTED = 130;

interface SweepOptions {
  workers?: string;
  db?: string;
  queue?: string;
  chunk?: string;
  detach?: boolean;
  json?: boolean;
  csv?: string;
  export?: string;
  heatmap?: string;
  metric?: string;
}

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${name}: expected a whole number >= 1, got '${text}'`);
  return n;
}

function load(file: string): LoadedSweep {
  try {
    return loadSweepFile(file);
  } catch (error) {
    if (error instanceof SweepInputError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * The queue's code (BullMQ and its CommonJS dependencies: ioredis, luxon, cron-parser …), loaded
 * only by the commands that use a queue. Importing it cost about 0.5 CPU-s in every `lockstep
 * sweep` and in each of a local sweep's worker processes (docs/benchmarks.md, "CLI start-up").
 */
const queueModule = () => import("../../io/sweep-queue.ts");

async function queueReachable(url: string): Promise<void> {
  const { checkQueueUrl, QueueUnreachable } = await queueModule();
  try {
    await checkQueueUrl(url);
  } catch (error) {
    if (error instanceof QueueUnreachable) throw new CliError(error.message);
    throw error;
  }
}

function progressBar(json: boolean | undefined) {
  const terminal = terminalStderr();
  if (json || !terminal) return undefined;
  return new cliProgress.SingleBar(
    {
      stream: terminal,
      format: "sweeping [{bar}] {percentage}% | {value}/{total} points | {eta_formatted} left",
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
}

async function results(store: SweepStore, id: string): Promise<PointResult[]> {
  return (await store.points(id)).map((p) => JSON.parse(p.result) as PointResult);
}

/** Variable by name or 1-based position. */
function variableIndex(loaded: LoadedSweep, key: string): number {
  const names = loaded.document.sweep.vary.map(variableName);
  const byName = names.indexOf(key);
  if (byName >= 0) return byName;
  const n = Number(key);
  if (Number.isInteger(n) && n >= 1 && n <= names.length) return n - 1;
  throw new CliError(`--heatmap: unknown variable '${key}' (variables: ${names.join(", ")})`);
}

async function report(loaded: LoadedSweep, store: SweepStore, options: SweepOptions): Promise<void> {
  const points = await results(store, loaded.id);
  const { document } = loaded;
  const rep = sweepReport(document, points);
  if (options.csv) writeFileSync(options.csv, toCsv(document, points));
  if (options.export) writeFileSync(options.export, `${JSON.stringify(toJson(document, points), null, 2)}\n`);
  let map: ReturnType<typeof heatmap> | undefined;
  if (options.heatmap) {
    const parts = options.heatmap.split(",");
    if (parts.length !== 2) throw new CliError("--heatmap: expected two variables, X,Y");
    const metric = options.metric ?? rep.feasibility ?? Object.keys(rep.tornado)[0];
    if (!metric) throw new CliError("--heatmap: no figure to map");
    map = heatmap(document, points, variableIndex(loaded, parts[0]), variableIndex(loaded, parts[1]), metric);
  }
  if (options.json) {
    cliIo().stdout.write(
      `${JSON.stringify({ id: loaded.id, ...rep, ...(map ? { heatmap: map } : {}) }, null, 2)}\n`,
    );
  } else {
    cliIo().stdout.write(`${formatSweepReport(rep)}\n`);
    if (map) cliIo().stdout.write(`\n${formatHeatmap(map)}\n`);
  }
}

async function runLocally(loaded: LoadedSweep, options: SweepOptions): Promise<void> {
  const storeOptions: StoreOptions = options.db
    ? { sqlitePath: options.db }
    : storeOptionsFromEnv(cliIo().env);
  const workers = wholeNumber("--workers", options.workers, availableParallelism());
  const store = await openSweepStore(storeOptions);
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED); // a second Ctrl-C: stop at once
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  const bar = progressBar(options.json);
  bar?.start(loaded.document.points, 0);
  try {
    const run = await runLocalSweep(loaded, {
      store,
      workers,
      signal: controller.signal,
      onProgress: (done) => bar?.update(done),
    });
    bar?.stop();
    if (!run.complete) {
      const done = await store.countDone(loaded.id);
      cliIo().stderr.write(
        `sweep ${loaded.id}: interrupted with ${done} of ${loaded.document.points} points stored; run the same command again to resume\n`,
      );
      setExitCode(INTERRUPTED);
    } else if (run.resumed > 0 && !options.json) {
      cliIo().stderr.write(`sweep ${loaded.id}: resumed; ${run.resumed} points were already stored\n`);
    }
    await report(loaded, store, options);
  } finally {
    bar?.stop();
    process.off("SIGINT", onInterrupt);
    await store.close();
  }
}

async function runOnQueue(loaded: LoadedSweep, url: string, options: SweepOptions): Promise<void> {
  await queueReachable(url);
  const chunk = options.chunk ? wholeNumber("--chunk", options.chunk, 1) : undefined;
  const store = await openSweepStore({ databaseUrl: url });
  try {
    const { enqueueSweep } = await queueModule();
    const queued = await enqueueSweep(url, loaded, store, chunk);
    cliIo().stderr.write(
      `sweep ${loaded.id}: ${queued.todo} of ${loaded.document.points} points to do, ${queued.chunks} jobs queued; ` +
        `start workers with: lockstep worker --queue URL\n`,
    );
    if (options.detach) return;
    const bar = progressBar(options.json);
    bar?.start(loaded.document.points, loaded.document.points - queued.todo);
    let interrupted = false;
    const onInterrupt = () => {
      interrupted = true;
    };
    process.on("SIGINT", onInterrupt);
    try {
      for (;;) {
        const done = await store.countDone(loaded.id);
        bar?.update(done);
        if (done >= loaded.document.points || interrupted) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      bar?.stop();
      process.off("SIGINT", onInterrupt);
    }
    if (interrupted) {
      cliIo().stderr.write(
        `sweep ${loaded.id}: stopped waiting; the workers go on, and re-running shows the report\n`,
      );
      setExitCode(INTERRUPTED);
    }
    await report(loaded, store, options);
  } finally {
    await store.close();
  }
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description("vary a scenario's assumptions and report which ones flip the verdict")
    .argument("<file>", "sweep file (YAML)")
    .option("--workers <n>", "processes on this machine (default: its cores)")
    .option("--db <path>", "SQLite file for results (default: DATABASE_URL, LOCKSTEP_DB or ./lockstep.db)")
    .option(
      "--queue <url>",
      "enqueue on the distributed queue at this PostgreSQL URL instead of running here",
    )
    .option("--chunk <n>", "points per queue job (default: 1 for planner or long simulations, else more)")
    .option("--detach", "with --queue: enqueue and return without waiting for the workers")
    .option("--json", "print the report as JSON")
    .option("--csv <file>", "write every point as CSV")
    .option("--export <file>", "write the report and every point as JSON")
    .option("--heatmap <x,y>", "a heatmap over two variables (names or positions)")
    .option("--metric <name>", "figure for the heatmap (default: feasibility)")
    .action(async (file: string, options: SweepOptions) => {
      const loaded = load(file);
      if (options.queue) await runOnQueue(loaded, options.queue, options);
      else await runLocally(loaded, options);
    });

  program
    .command("worker")
    .description("work sweep points off a distributed queue (run on any number of machines)")
    .option("--queue <url>", "the PostgreSQL URL given to 'lockstep sweep --queue'")
    .option("--lease <seconds>", "seconds before a dead worker's points go to another worker", "30")
    .option("--exit-when-done", "stop once the queue is empty")
    .addOption(new Option("--ipc", "internal: run as a child of 'lockstep sweep'").hideHelp())
    .action(async (options: { queue?: string; lease: string; exitWhenDone?: boolean; ipc?: boolean }) => {
      if (options.ipc) return serveIpc();
      if (!options.queue)
        throw new CliError("worker: --queue URL is required (the URL given to 'lockstep sweep --queue')");
      const lease = Number(options.lease);
      if (!(lease > 0))
        throw new CliError(`--lease: expected a number of seconds > 0, got '${options.lease}'`);
      await queueReachable(options.queue);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      cliIo().stderr.write(`worker ${process.pid}: waiting for sweep points\n`);
      const { runQueueWorker } = await queueModule();
      const { points } = await runQueueWorker({
        url: options.queue,
        leaseSeconds: lease,
        exitWhenDone: options.exitWhenDone,
        signal: controller.signal,
      });
      cliIo().stderr.write(`worker ${process.pid}: stored ${points} points\n`);
      setExitCode(EXIT.ok);
    });
}
