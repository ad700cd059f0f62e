/**
 * The server bench/streams.ts measures, as its own process (so its event loop and CPU profile are
 * its own, not shared with the 500 clients): `buildServer` on a SQLite file, open, no rate limit,
 * event streams in the mode given. Prints `listening URL` when it accepts connections; SIGTERM
 * closes it (and, under `node --cpu-prof`, writes the profile).
 *
 * It reads commands on stdin, one a line, so the benchmark can ask where the server's time went in
 * each phase: `mark NAME` notes the time, the process's CPU time, its event loop's thread's CPU
 * time and time spent waiting for a core, the loop's utilisation and (with --trace) its longest
 * delay since the previous mark; `dump` prints `trace JSON` with the marks, when each connection
 * was accepted and, for every appended event, when its request arrived and when the response was
 * written; with --trace also when the store was asked to append it and when it acknowledged it,
 * and what each turn of the event loop did (accepts, requests, appends, stream writes, its CPU
 * time: `turns`); `profile-start` and `profile-stop FILE` take a CPU profile of what lies between
 * (V8's profiler, as --cpu-prof).
 *
 *   node --import tsx bench/streams-server.ts --db FILE --mode shared|per-subscriber [--trace]
 *        [--write-slice-ms N] [--gather-ms N] [--gather-step-ms N]
 *        [--commit-on-loop]   (SQLite commits on the event loop, as PostgreSQL's and an in-memory store's do)
 */

import { openSync, readSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import {
  type EventLoopUtilization,
  monitorEventLoopDelay,
  performance as nodePerformance,
} from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { buildServer } from "../src/server/app.ts";
import type { StreamMode } from "../src/server/plugins/agreement-stream.ts";
import { openStore } from "../src/store/index.ts";

const { values } = parseArgs({
  options: {
    db: { type: "string" },
    "database-url": { type: "string" },
    mode: { type: "string", default: "shared" },
    trace: { type: "boolean", default: false },
    "write-slice-ms": { type: "string" },
    "gather-ms": { type: "string" },
    "gather-step-ms": { type: "string" },
    "commit-on-loop": { type: "boolean", default: false },
  },
});
if (values.mode !== "shared" && values.mode !== "per-subscriber") {
  throw new Error(`--mode: expected shared or per-subscriber, got '${values.mode}'`);
}

/** Epoch milliseconds, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

const store = await openStore({
  ...(values["database-url"]
    ? { databaseUrl: values["database-url"] }
    : { sqlitePath: values.db ?? ":memory:" }),
  gatherMs: values["gather-ms"] === undefined ? undefined : Number(values["gather-ms"]),
  gatherStepMs: values["gather-step-ms"] === undefined ? undefined : Number(values["gather-step-ms"]),
  appendThread: !values["commit-on-loop"],
});
/**
 * With --trace, what each turn of the event loop did: every noted happening gets the number of the
 * turn it happened in. A turn's number moves on when a setImmediate armed by its first happening
 * runs (the loop's check phase), so one record is what ran between two check phases (the poll
 * phase's I/O callbacks, timers and the immediates before it), and `turns` keeps when each began
 * (its first happening) and how long it ran to its check phase. Since libuv 1.45 a listening socket
 * accepts one connection per turn (docs/benchmarks.md), so the work in the turns between two
 * accepts is what kept the next connection waiting.
 */
const TURN_KINDS = ["accept", "request", "get", "asked", "stored", "answered", "write", "read"] as const;
type TurnKind = (typeof TURN_KINDS)[number];
/** Per turn: its start (epoch ms), its length (ms), then a count per TURN_KINDS entry. */
const turns: number[][] = [];
let turn: number[] | undefined;
function note(kind: TurnKind): void {
  if (!values.trace) return;
  if (!turn) {
    const cpu = mainThread().cpuMs;
    const current = [now(), 0, ...TURN_KINDS.map(() => 0), 0];
    turn = current;
    setImmediate(() => {
      current[1] = now() - current[0];
      current[2 + TURN_KINDS.length] = mainThread().cpuMs - cpu;
      turns.push(current);
      turn = undefined;
    });
  }
  turn[2 + TURN_KINDS.indexOf(kind)]++;
}

/**
 * The event loop's thread: the CPU time it has run and the time it has waited for a core, ms
 * (Linux's /proc schedstat, nanoseconds). Unlike wall time these hold under load: a turn's CPU is
 * its work, and the wait is what the machine's other processes cost it. Zeros elsewhere.
 */
const schedstat = (() => {
  try {
    return openSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, "r");
  } catch {
    return undefined;
  }
})();
const schedstatBytes = Buffer.alloc(128);
function mainThread(): { cpuMs: number; waitMs: number } {
  if (schedstat === undefined) return { cpuMs: 0, waitMs: 0 };
  // one pread of the open file (the kernel writes it afresh at offset 0): a turn's trace costs
  // two system calls, not the eight of a readFileSync
  const n = readSync(schedstat, schedstatBytes, 0, schedstatBytes.length, 0);
  const [run, wait] = schedstatBytes.toString("latin1", 0, n).split(" ").map(Number);
  return { cpuMs: run / 1e6, waitMs: wait / 1e6 };
}

const appends: Array<{ called: number; done: number }> = [];
/** When the chain was read after an append: each shared batch to the streams starts with one. */
const reads: number[] = [];
if (values.trace) {
  const events = store.agreements.events.bind(store.agreements);
  store.agreements.events = (id, options) => {
    if (options?.afterSeq) {
      reads.push(now());
      note("read");
    }
    return events(id, options);
  };
  const append = store.agreements.append.bind(store.agreements);
  store.agreements.append = async (id, body, signature) => {
    const called = now();
    note("asked");
    const result = await append(id, body, signature);
    appends.push({ called, done: now() });
    note("stored");
    return result;
  };
}

const app = await buildServer({
  store,
  access: { open: true },
  streams: {
    mode: values.mode as StreamMode,
    max: 2000,
    perAddress: 2000,
    writeSliceMs: values["write-slice-ms"] === undefined ? undefined : Number(values["write-slice-ms"]),
  },
});
const posts: Array<{ arrived: number; answered: number }> = [];
const accepted: number[] = [];
// when each connection was accepted and each append arrived and was answered: always kept (a
// timestamp each), so every run reports the burst's rate as the server saw it
app.server.on("connection", () => {
  accepted.push(now());
  note("accept");
});
app.server.on("request", (req, res) => {
  if (req.method !== "POST" || !req.url?.endsWith("/events")) {
    if (req.url?.endsWith("/events/stream")) {
      if (!values.trace) return;
      // every write to an event stream (its frames, batches and heartbeats)
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((...args: unknown[]) => {
        note("write");
        return write(...args);
      }) as typeof res.write;
    } else note("get");
    return;
  }
  const arrived = now();
  note("request");
  res.on("finish", () => {
    posts.push({ arrived, answered: now() });
    note("answered");
  });
});
const url = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`listening ${url}\n`);

{
  const profiler = new Session();
  profiler.connect();
  // with --trace, how late a 1 ms timer ran, sampled all the time: its maximum between two marks is
  // about the longest turn of the loop in that span (plus any time the process waited for a core)
  const delay = monitorEventLoopDelay({ resolution: 1 });
  if (values.trace) delay.enable();
  const marks: Array<{
    name: string;
    at: number;
    cpuMs: number;
    /** The event loop's thread alone (mainThread): CPU time and time spent waiting for a core. */
    main: { cpuMs: number; waitMs: number };
    elu: EventLoopUtilization;
    /** Since the previous mark: the loop's longest and 99th-percentile delay, ms. */
    delay: { maxMs: number; p99Ms: number };
  }> = [];
  createInterface({ input: process.stdin }).on("line", (line) => {
    const [command, name] = line.split(" ");
    if (command === "mark") {
      const cpu = process.cpuUsage();
      marks.push({
        name,
        at: now(),
        cpuMs: (cpu.user + cpu.system) / 1000,
        main: mainThread(),
        elu: nodePerformance.eventLoopUtilization(),
        delay: { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 },
      });
      delay.reset();
    } else if (command === "profile-start") {
      void profiler
        .post("Profiler.enable")
        .then(() => profiler.post("Profiler.start"))
        .then(() => process.stdout.write("profiling\n"));
    } else if (command === "profile-stop") {
      void profiler.post("Profiler.stop").then(({ profile }) => {
        writeFileSync(name, JSON.stringify(profile));
        process.stdout.write(`profiled ${name}\n`);
      });
    } else if (command === "dump") {
      process.stdout.write(
        `trace ${JSON.stringify({ marks, posts, appends, reads, accepted, turnKinds: TURN_KINDS, turns })}\n`,
      );
      turns.length = 0;
      posts.length = 0;
      appends.length = 0;
      reads.length = 0;
      accepted.length = 0;
    }
  });
}

let closing = false;
process.on("SIGTERM", () => {
  if (closing) return;
  closing = true;
  void app
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0));
});
