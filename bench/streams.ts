/**
 * Benchmark (issue 13): many event streams on one agreement while signed events are appended,
 * and what that does to an unrelated GET. The bar: with 500 streams open, a burst of 100 events
 * and a longer run keep appends ≥ 500/s and the GET's p99 < 200 ms on an idle machine.
 *
 * Each configuration gets its own server process (bench/streams-server.ts: a SQLite file, open,
 * no rate limit) on 127.0.0.1, so the server's event loop is not shared with the clients:
 *
 *   shared          the server's default: after each batch of appends one store read and one
 *                   status projection, the same bytes written to every stream
 *   per-subscriber  the simplest implementation (`streams.mode: "per-subscriber"`): every stream
 *                   reads the new events and projects the status itself after each batch
 *   none            no stream open (what the appends cost without subscribers)
 *   thread          the server of the sixth session (30 Nov 2026 ~22:00 UTC to 1 Dec ~01:00 UTC):
 *                   shared, with the append thread, each batch sent as soon as the batch interval
 *                   allows (`waitForArrivals: false`) and each stream write sent by Node's http
 *                   layer after the slice that made it (`flushEachWrite: false`)
 *   flush           thread, with each stream write sent inside its slice (`flushEachWrite` only)
 *   on-loop         thread, with SQLite's commits on the event loop (`appendThread: false`), as the
 *                   server was before the append thread (30 Nov 2026 ~22:00 UTC)
 *   before          on-loop, as the server was before 30 Nov 2026 ~19:40 UTC: each batch written to
 *                   every stream in one go (`writeSliceMs: Infinity`) and each group commit taken
 *                   after one turn of the loop (`gatherMs: 0`)
 *
 * In each: --streams raw HTTP clients (one socket each, a counter of the last `id:` seen, no SSE
 * library) follow the agreement; one client GETs /api/capabilities one request after another for
 * the whole time; then --burst events are posted all at once, each on a new connection (as many
 * separate clients would; --connect ahead opens those connections before the burst starts), then
 * events are posted for --seconds with --concurrency in flight. Printed per configuration:
 * appends/s (burst and run), the time until every stream has every event, the GET's p50/p99
 * (streams idle, burst, run), the load average, and where the burst's time went: when the client
 * sent and was answered, its CPU time and how busy its event loop was; with --trace also, from the
 * server, when it accepted the burst's connections and got its requests, when it asked the store
 * to append and when the store had them (in how many group commits), its CPU time and event-loop
 * use. At the end, every burst in the order it ran, per mode. --warm-up runs one untimed
 * configuration first. --profile takes a CPU profile of each server during its burst (the server
 * bundled, on plain node; in --profile-dir, by default .tmp-streams/profiles); --dump PREFIX
 * writes each burst's per-request times to PREFIX-N.json.
 *
 *   npx tsx bench/streams.ts [--streams 500] [--burst 100] [--seconds 10] [--concurrency 64]
 *                            [--modes per-subscriber,shared] [--rounds 1] [--warm-up]
 *                            (modes: shared, thread, flush, on-loop, before, per-subscriber, none)
 *                            [--connect fresh|ahead] [--trace] [--profile] [--dump PREFIX]
 *                            [--gather STEP,MAX]   (the group commit's wait, ms: default 1,10)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance as nodePerformance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildIfStale } from "../scripts/build.ts";
import { connectAhead, type PostTimes, post } from "./streams-post.ts";
import { adoptOverHttp, type Keys, partyKeys, signedNotes } from "./two-party.ts";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "500" },
    burst: { type: "string", default: "100" },
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "64" },
    events: { type: "string", default: "8000" },
    modes: { type: "string", default: "per-subscriber,shared" },
    rounds: { type: "string", default: "1" },
    "deliver-timeout": { type: "string", default: "60" },
    profile: { type: "boolean", default: false },
    trace: { type: "boolean", default: false },
    connect: { type: "string", default: "fresh" },
    "warm-up": { type: "boolean", default: false },
    "post-from": { type: "string", default: "own" },
    dump: { type: "string" },
    gather: { type: "string" },
    "profile-dir": { type: "string", default: ".tmp-streams/profiles" },
  },
});
const STREAMS = Number(values.streams);
const BURST = Number(values.burst);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const MAX_EVENTS = Number(values.events);
const DELIVER_TIMEOUT_MS = Number(values["deliver-timeout"]) * 1000;
/** --gather STEP,MAX: the group commit's wait per step and in all, ms (the store's gatherStepMs, gatherMs). */
const GATHER = values.gather === undefined ? undefined : parseGather(values.gather);

function parseGather(text: string): { step: number; max: number } {
  const [step, max] = text.split(",").map(Number);
  if (!(step >= 0 && max >= 0))
    throw new Error(`--gather: expected STEP,MAX in ms (e.g. 4,30), got '${text}'`);
  return { step, max };
}
if (values["post-from"] !== "own" && values["post-from"] !== "bench")
  throw new Error(`--post-from: expected own or bench, got '${values["post-from"]}'`);
if (values.connect !== "fresh" && values.connect !== "ahead")
  throw new Error(`--connect: expected fresh or ahead, got '${values.connect}'`);
const MODES = values.modes.split(",").map((m) => m.trim());
for (const mode of MODES) {
  if (!["shared", "thread", "flush", "on-loop", "before", "per-subscriber", "none"].includes(mode))
    throw new Error(`--modes: unknown mode '${mode}'`);
}
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const AGREEMENT = "streams-bench";

// ---------------------------------------------------------------- the server process

interface Served {
  url: string;
  child: ChildProcess;
  /** With --trace: notes a phase's start in the server (time, CPU, event-loop use). */
  mark(name: string): void;
  /** With --profile: "start" starts the server's CPU profiler; a name stops it and writes NAME.cpuprofile. */
  profile(phase: string): Promise<void>;
  /** With --trace: the server's marks and per-event times since the last dump. */
  dump(): Promise<ServerTrace | undefined>;
  stop(): Promise<void>;
}

interface ServerTrace {
  marks: Array<{
    name: string;
    at: number;
    cpuMs: number;
    elu: { idle: number; active: number };
    delay: { maxMs: number; p99Ms: number };
  }>;
  posts: Array<{ arrived: number; answered: number }>;
  appends: Array<{ called: number; done: number }>;
  reads: number[];
  accepted: number[];
  /** What each turn of the server's loop did (bench/streams-server.ts): start, ms, a count per kind. */
  turnKinds?: string[];
  turns?: number[][];
}

/**
 * Under --profile the server runs as one bundled file on plain node: with the TypeScript loader's
 * thread in the process, V8's profile marked the busy main thread as idle.
 */
async function serverEntry(): Promise<string[]> {
  if (!values.profile) return ["--import", "tsx", "bench/streams-server.ts"];
  mkdirSync(values["profile-dir"], { recursive: true });
  // inside the checkout (ignored by git), so node finds the packages left out of the bundle
  const outfile = join(ROOT, ".tmp-streams", "streams-server.mjs");
  const { build } = await import("esbuild");
  await build({
    entryPoints: [join(ROOT, "bench/streams-server.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile,
    logLevel: "warning",
  });
  return [outfile];
}

async function startServer(mode: string, db: string): Promise<Served> {
  const entry = await serverEntry();
  const args = [...entry, "--db", db, "--mode", mode === "per-subscriber" ? mode : "shared"];
  if (mode === "before" || mode === "on-loop") args.push("--commit-on-loop");
  if (["before", "on-loop", "thread", "flush"].includes(mode)) args.push("--no-wait-for-arrivals");
  if (["before", "on-loop", "thread"].includes(mode)) args.push("--no-flush-each-write");
  if (mode === "before") args.push("--write-slice-ms", "Infinity", "--gather-ms", "0");
  else if (GATHER) args.push("--gather-step-ms", String(GATHER.step), "--gather-ms", String(GATHER.max));
  if (values.trace || values.profile) args.push("--trace");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // the append thread from the build (as the CLI and the tests run it), not through tsx
    env: { ...process.env, LOCKSTEP_APPEND_WORKER: join(ROOT, "dist", "append-worker.mjs") },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/listening (http:\/\/\S+)\n/);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`the server exited (${code}) before listening: ${out}`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    url,
    child,
    mark(name) {
      if (values.trace || values.profile) child.stdin!.write(`mark ${name}\n`);
    },
    async profile(phase) {
      if (!values.profile) return;
      const file = join(values["profile-dir"], `${phase}.cpuprofile`);
      const [command, answer] =
        phase === "start" ? ["profile-start", "profiling\n"] : [`profile-stop ${file}`, `profiled ${file}\n`];
      const from = out.length;
      child.stdin!.write(`${command}\n`);
      await new Promise<void>((resolve) => {
        const check = () => {
          if (!out.includes(answer, from)) return;
          child.stdout!.off("data", check);
          resolve();
        };
        child.stdout!.on("data", check);
        check();
      });
    },
    async dump() {
      if (!values.trace && !values.profile) return undefined;
      const from = out.length;
      child.stdin!.write("dump\n");
      return new Promise<ServerTrace>((resolve) => {
        const check = () => {
          const at = out.indexOf("trace ", from);
          const end = at >= 0 ? out.indexOf("\n", at) : -1;
          if (end < 0) return;
          child.stdout!.off("data", check);
          resolve(JSON.parse(out.slice(at + "trace ".length, end)) as ServerTrace);
        };
        child.stdout!.on("data", check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      // a server still busy with a backlog gets 30 s to close (and write its profile), then is killed
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------- HTTP clients

const ID_LINE = Buffer.from("\nid: ");
const STATUS = Buffer.from("event: status");

/**
 * One event-stream client on its own socket: it keeps only the last `id:` it has seen and whether a
 * status frame arrived, which is all the benchmark asks of it. It reads bytes, never decodes the
 * text: 500 clients in this process share its cores with the server.
 */
class Subscriber {
  seq = 0;
  statuses = 0;
  error?: string;
  /** The end of the previous chunk, for an id line split between two chunks. */
  private carry = Buffer.alloc(0);
  private readonly req: http.ClientRequest;

  constructor(
    url: string,
    private readonly onData: (sub: Subscriber) => void,
  ) {
    this.req = http.get(url, { agent: false, headers: { accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) {
        this.error = `HTTP ${res.statusCode}`;
        res.resume();
        this.onData(this);
        return;
      }
      res.on("data", (chunk: Buffer) => this.feed(chunk));
      res.on("error", () => {});
    });
    this.req.on("error", (error) => {
      this.error ??= error.message;
      this.onData(this);
    });
  }

  private feed(chunk: Buffer): void {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    // events arrive in chain order, so the last complete id line is the newest event seen
    let at = bytes.lastIndexOf(ID_LINE);
    while (at >= 0) {
      const end = bytes.indexOf(10, at + ID_LINE.length);
      if (end >= 0) {
        this.seq = Number(bytes.toString("latin1", at + ID_LINE.length, end));
        break;
      }
      at = at > 0 ? bytes.lastIndexOf(ID_LINE, at - 1) : -1;
    }
    if (bytes.includes(STATUS)) this.statuses++;
    this.carry = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 32)));
    this.onData(this);
  }

  close(): void {
    this.req.destroy();
  }
}

/** Subscribers, and a way to wait until every one of them satisfies a condition. */
class Audience {
  readonly subs: Subscriber[] = [];
  private waiter?: { test: (s: Subscriber) => boolean; done: Set<Subscriber>; resolve: () => void };

  open(url: string, n: number): void {
    for (let i = 0; i < n; i++) this.subs.push(new Subscriber(url, (sub) => this.check(sub)));
  }

  private check(sub: Subscriber): void {
    const w = this.waiter;
    if (!w || w.done.has(sub)) return;
    if (sub.error || w.test(sub)) w.done.add(sub);
    if (w.done.size >= this.subs.length) w.resolve();
  }

  /** Resolves with the milliseconds it took, or undefined after `timeoutMs`. */
  async until(test: (s: Subscriber) => boolean, timeoutMs: number): Promise<number | undefined> {
    const started = performance.now();
    const done = new Set(this.subs.filter((s) => s.error || test(s)));
    if (done.size < this.subs.length) {
      let timer: NodeJS.Timeout | undefined;
      const reached = await Promise.race([
        new Promise<boolean>((resolve) => {
          this.waiter = { test, done, resolve: () => resolve(true) };
        }),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      this.waiter = undefined;
      if (!reached) return undefined;
    }
    const failed = this.subs.filter((s) => s.error);
    if (failed.length > 0) throw new Error(`${failed.length} streams failed: ${failed[0].error}`);
    return performance.now() - started;
  }

  close(): void {
    for (const sub of this.subs) sub.close();
  }
}

/** Epoch milliseconds, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

/**
 * A client of the benchmark as its own process (a bench/ script under tsx), talking in lines: its
 * stdout is kept whole, `line(from)` is the first complete line at or after offset `from`, and
 * `end()` closes its stdin, waits for it to exit and returns everything it printed.
 */
function clientProcess(name: string, script: string, args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const line = (from: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const at = out.indexOf("\n", from);
        if (at < 0) return;
        child.stdout!.off("data", check);
        resolve(out.slice(from, at));
      };
      child.stdout!.on("data", check);
      child.once("exit", () => reject(new Error(`${name} exited: ${out}`)));
      check();
    });
  return {
    child,
    output: () => out,
    line,
    async end() {
      child.stdin!.end();
      await exited;
      return out;
    },
  };
}

/**
 * The GET client, in its own process (bench/streams-get.ts): one request after another on one
 * socket. `stop` ends it and returns every request's start and latency.
 */
async function getLoop(url: string) {
  const client = clientProcess("the GET client", "bench/streams-get.ts", [url]);
  if ((await client.line(0)) !== "ready") throw new Error(`the GET client: ${client.output()}`);
  return {
    async stop() {
      const out = await client.end();
      const { samples, failure } = JSON.parse(out.slice("ready\n".length)) as {
        samples: Array<[number, number]>;
        failure?: string;
      };
      if (failure) throw new Error(failure);
      /** The latencies of the GETs started in [from, to). */
      return (from: number, to: number) =>
        samples.filter(([at]) => at >= from && at < to).map(([, ms]) => ms);
    },
  };
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** The appending client: a burst all at once, then a run with some in flight for a while. */
interface Poster {
  /** Opens the burst's connections ahead of it (--connect ahead). */
  connect(): Promise<void>;
  burst(): Promise<PostTimes[]>;
  run(limit: number, ms: number): Promise<{ acked: number; start: number; end: number }>;
  stop(): Promise<void>;
}

/** The appending client in the benchmark's own process, beside the 500 streams (--post-from bench). */
function posterInBench(url: string, events: { burst: string[]; run: string[] }): Poster {
  const agent = new http.Agent({ keepAlive: true, maxSockets: events.burst.length });
  return {
    connect: () => connectAhead(agent, new URL("/api/capabilities", url).href, events.burst.length),
    burst: async () => (await post(url, events.burst, events.burst.length, undefined, agent)).times,
    async run(limit, ms) {
      const start = now();
      const { acked } = await post(url, events.run, limit, performance.now() + ms);
      return { acked, start, end: now() };
    },
    async stop() {
      agent.destroy();
    },
  };
}

/** The appending client as its own process (bench/streams-post.ts), the default. */
async function posterProcess(
  url: string,
  events: { burst: string[]; run: string[] },
  dir: string,
): Promise<Poster> {
  const file = join(dir, "events.json");
  writeFileSync(file, JSON.stringify(events));
  const client = clientProcess("the appending client", "bench/streams-post.ts", [url, file]);
  if ((await client.line(0)) !== "ready") throw new Error(`the appending client: ${client.output()}`);
  const ask = async <T>(command: string): Promise<T> => {
    const from = client.output().length;
    client.child.stdin!.write(`${command}\n`);
    const line = await client.line(from);
    if (!line.startsWith("done ")) throw new Error(`the appending client: ${line}`);
    return JSON.parse(line.slice("done ".length)) as T;
  };
  return {
    connect: () => ask("connect"),
    burst: async () => (await ask<{ times: PostTimes[] }>("burst")).times,
    run: (limit, ms) => ask(`run ${limit} ${ms}`),
    async stop() {
      await client.end();
    },
  };
}

// ---------------------------------------------------------------- one configuration

interface Row {
  mode: string;
  connectMs: number;
  burstRate: number;
  burstDeliveredMs?: number;
  burstPhases: Phases;
  runRate: number;
  runEvents: number;
  runDeliveredMs?: number;
  idle: number[];
  burst: number[];
  run: number[];
  load: [number, number];
}

/** Where a burst's time went: milliseconds after the burst started, CPU time and event-loop use. */
interface Phases {
  /** The benchmark process (its 500 streams, and the appending client with --post-from bench) from the start to the last ack. */
  bench: { cpuMs: number; elu: number };
  /** The last request sent and the last acknowledged, as the client saw them. */
  lastSent: number;
  /** The last request whose bytes the client's socket took. */
  lastWritten: number;
  lastAck: number;
  /**
   * With --trace, from the server: its CPU time and event-loop use until the last ack, and the
   * loop's longest and 99th-percentile delay (a 1 ms timer's lateness: about the longest turn).
   */
  server?: { cpuMs: number; elu: number; delayMaxMs: number; delayP99Ms: number };
  /** With --trace: first and last connection the server accepted during the burst. */
  firstAccept?: number;
  lastAccept?: number;
  /** With --trace: first and last request to arrive, first and last append asked of the store, last acknowledged by it, last response written. */
  firstArrival?: number;
  lastArrival?: number;
  firstAppend?: number;
  lastAppend?: number;
  lastStored?: number;
  lastAnswered?: number;
  /** With --trace: group commits (appends the store acknowledged together). */
  commits?: number;
  /** With --trace: the server's loop turns from the burst's start to its last answer (turns()). */
  turns?: TurnSummary;
}

/** What the server's loop turns did during a burst (from bench/streams-server.ts's turn log). */
interface TurnSummary {
  /** Turns that did anything, those that accepted a connection, and the most accepts in one. */
  count: number;
  accepting: number;
  maxAccepts: number;
  /** Stream writes in the turns from the first accept to the last (what the next accept waited for). */
  writesWhileAccepting: number;
  /** The longest turns: ms and what ran in each (kind: count). */
  longest: Array<{ ms: number; did: Record<string, number> }>;
  /** The work in the turns between two accepts, for the longest such gaps. */
  gaps: Array<{ ms: number; turns: number; did: Record<string, number> }>;
}

function turnSummary(trace: ServerTrace, from: number, to: number): TurnSummary | undefined {
  if (!trace.turns || !trace.turnKinds) return undefined;
  const kinds = trace.turnKinds;
  const turns = trace.turns.filter(([at]) => at >= from && at <= to);
  const did = (rows: number[][]) => {
    const out: Record<string, number> = {};
    kinds.forEach((kind, k) => {
      const n = rows.reduce((sum, row) => sum + row[2 + k], 0);
      if (n > 0) out[kind] = n;
    });
    return out;
  };
  const accept = kinds.indexOf("accept");
  const accepting = turns.filter((row) => row[2 + accept] > 0);
  const gaps = accepting.slice(1).map((row, i) => {
    const between = turns.filter(([at]) => at >= accepting[i][0] && at < row[0]);
    return { ms: row[0] - accepting[i][0], turns: between.length, did: did(between) };
  });
  const write = kinds.indexOf("write");
  const first = accepting[0]?.[0] ?? 0;
  const last = accepting.at(-1)?.[0] ?? 0;
  return {
    count: turns.length,
    accepting: accepting.length,
    writesWhileAccepting: turns
      .filter(([at]) => at >= first && at <= last)
      .reduce((sum, row) => sum + row[2 + write], 0),
    maxAccepts: Math.max(0, ...accepting.map((row) => row[2 + accept])),
    longest: [...turns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map((row) => ({ ms: row[1], did: did([row]) })),
    gaps: gaps.sort((a, b) => b.ms - a.ms).slice(0, 3),
  };
}

function phases(
  start: number,
  times: PostTimes[],
  trace: ServerTrace | undefined,
  bench: Phases["bench"],
): Phases {
  const after = (xs: number[], pick: (xs: number[]) => number) => (xs.length ? pick(xs) - start : undefined);
  const min = (xs: number[]) => Math.min(...xs);
  const max = (xs: number[]) => Math.max(...xs);
  const out: Phases = {
    bench,
    lastSent: max(times.map((t) => t.sent)) - start,
    lastWritten: max(times.map((t) => t.written)) - start,
    lastAck: max(times.map((t) => t.acked)) - start,
  };
  if (!trace) return out;
  const mark = (name: string) => trace.marks.find((m) => m.name === name);
  const from = mark("burst-start");
  const to = mark("burst-acked");
  if (from && to) {
    const active = to.elu.active - from.elu.active;
    const idle = to.elu.idle - from.elu.idle;
    out.server = {
      cpuMs: to.cpuMs - from.cpuMs,
      elu: active / (active + idle),
      delayMaxMs: to.delay.maxMs,
      delayP99Ms: to.delay.p99Ms,
    };
  }
  const accepted = trace.accepted.filter((t) => t >= start);
  out.firstAccept = after(accepted, min);
  out.lastAccept = after(accepted, max);
  const arrivals = trace.posts.map((p) => p.arrived);
  out.firstArrival = after(arrivals, min);
  out.lastArrival = after(arrivals, max);
  out.lastAnswered = after(
    trace.posts.map((p) => p.answered),
    max,
  );
  out.firstAppend = after(
    trace.appends.map((a) => a.called),
    min,
  );
  out.lastAppend = after(
    trace.appends.map((a) => a.called),
    max,
  );
  const done = trace.appends.map((a) => a.done).sort((a, b) => a - b);
  out.lastStored = after(done, max);
  // one transaction's appends resolve in one turn of the loop: a gap over 0.5 ms is the next commit
  out.commits = done.filter((t, i) => i === 0 || t - done[i - 1] > 0.5).length;
  const lastAnswered = Math.max(...trace.posts.map((p) => p.answered));
  out.turns = turnSummary(trace, start, Number.isFinite(lastAnswered) ? lastAnswered : start + out.lastAck);
  return out;
}

/** The agreement's events as request bodies, signed before the clock starts. */
async function signedBodies(keys: Keys, n: number, prefix: string): Promise<string[]> {
  return (await signedNotes(keys, AGREEMENT, n, prefix)).map((event) => JSON.stringify(event));
}

let configurations = 0;

async function runMode(mode: string, round: number): Promise<Row> {
  const index = ++configurations;
  const keys = await partyKeys();
  const burstEvents = await signedBodies(keys, BURST, "burst-");
  const runEvents = await signedBodies(keys, MAX_EVENTS, "run-");
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-streams-"));
  const loadBefore = loadavg()[0];
  const server = await startServer(mode, join(dir, "bench.db"));
  const audience = new Audience();
  let gets: Awaited<ReturnType<typeof getLoop>> | undefined;
  let poster: Poster | undefined;
  try {
    await adoptOverHttp(server.url, AGREEMENT, keys);
    const streamUrl = `${server.url}/api/agreements/${AGREEMENT}/events/stream`;
    const connectStart = now();
    audience.open(streamUrl, mode === "none" ? 0 : STREAMS);
    // connected once its first status frame has arrived
    const connected = await audience.until((s) => s.statuses > 0, 120_000);
    if (connected === undefined) throw new Error("the streams did not all open within 120 s");
    const connectMs = now() - connectStart;

    gets = await getLoop(`${server.url}/api/capabilities`);
    const idleStart = now();
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const eventsUrl = `${server.url}/api/agreements/${AGREEMENT}/events`;
    const events = { burst: burstEvents, run: runEvents };
    poster =
      values["post-from"] === "bench"
        ? posterInBench(eventsUrl, events)
        : await posterProcess(eventsUrl, events, dir);
    // --connect ahead: the burst's connections are open (and idle) before it starts
    if (values.connect === "ahead") await poster.connect();
    server.mark("burst-start");
    await server.profile("start");
    const benchCpu = process.cpuUsage();
    const benchElu = nodePerformance.eventLoopUtilization();
    const burstStart = now();
    const burstTimes = await poster.burst();
    // the last acknowledgement as the appending client read it
    const burstAcked = Math.max(...burstTimes.map((t) => t.acked));
    server.mark("burst-acked");
    const benchCpuAcked = process.cpuUsage(benchCpu);
    const benchEluAcked = nodePerformance.eventLoopUtilization(benchElu);
    const burstDelivered = await audience.until((s) => s.seq >= BURST, DELIVER_TIMEOUT_MS);
    const burstEnd = now();
    await server.profile(`streams-${index}-${mode}-round${round}-burst`);
    const burstTrace = await server.dump();
    if (values.dump)
      writeFileSync(
        `${values.dump}-${index}.json`,
        JSON.stringify({ burstStart, times: burstTimes, trace: burstTrace }),
      );

    const runStart = now();
    const { acked, start: runPosted, end: runAcked } = await poster.run(CONCURRENCY, SECONDS * 1000);
    const runDelivered = await audience.until((s) => s.seq >= BURST + acked, DELIVER_TIMEOUT_MS);
    const runEnd = now();
    const window = await gets.stop();
    gets = undefined;
    return {
      mode,
      connectMs,
      burstRate: BURST / ((burstAcked - burstStart) / 1000),
      burstDeliveredMs: burstDelivered === undefined ? undefined : burstEnd - burstStart,
      burstPhases: phases(burstStart, burstTimes, burstTrace, {
        cpuMs: (benchCpuAcked.user + benchCpuAcked.system) / 1000,
        elu: benchEluAcked.utilization,
      }),
      runRate: acked / ((runAcked - runPosted) / 1000),
      runEvents: acked,
      runDeliveredMs: runDelivered === undefined ? undefined : runEnd - runStart,
      idle: window(idleStart, burstStart),
      burst: window(burstStart, burstEnd),
      run: window(runStart, runEnd),
      load: [loadBefore, loadavg()[0]],
    };
  } finally {
    await gets?.stop().catch(() => {});
    await poster?.stop().catch(() => {});
    audience.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

const ms = (x: number | undefined) => (x === undefined ? "timeout" : x < 10 ? x.toFixed(1) : x.toFixed(0));
const pp = (xs: number[]) => `${ms(quantile(xs, 0.5))}/${ms(quantile(xs, 0.99))}`;

function print(row: Row): void {
  const wait = (x: number | undefined) =>
    x === undefined ? `>${values["deliver-timeout"]} s` : `${ms(x)} ms`;
  console.log(
    [
      row.mode.padEnd(14),
      `open ${ms(row.connectMs)} ms`,
      `burst ${row.burstRate.toFixed(0)}/s, all delivered ${wait(row.burstDeliveredMs)}`,
      `run ${row.runRate.toFixed(0)}/s (${row.runEvents}), all delivered ${wait(row.runDeliveredMs)}`,
      `GET p50/p99 ms: idle ${pp(row.idle)}, burst ${pp(row.burst)} (${row.burst.length}), run ${pp(row.run)} (${row.run.length})`,
      `load ${row.load[0].toFixed(1)}→${row.load[1].toFixed(1)}`,
    ].join(" | "),
  );
  const p = row.burstPhases;
  const at = (x: number | undefined) => (x === undefined ? "?" : ms(x));
  const parts = [
    `${"".padEnd(14)} burst phases (ms after its start): last sent ${at(p.lastSent)}, last written ${at(p.lastWritten)}, last ack ${at(p.lastAck)}`,
    `streams client CPU ${ms(p.bench.cpuMs)} ms, loop ${(p.bench.elu * 100).toFixed(0)}% busy`,
  ];
  if (p.server) {
    parts.push(
      `server: accepted ${at(p.firstAccept)}–${at(p.lastAccept)}, requests ${at(p.firstArrival)}–${at(p.lastArrival)}, appends asked ${at(p.firstAppend)}–${at(p.lastAppend)}, stored by ${at(p.lastStored)} in ${p.commits} commits, answered by ${at(p.lastAnswered)}, CPU ${ms(p.server.cpuMs)} ms, loop ${(p.server.elu * 100).toFixed(0)}% busy, longest loop delay ${ms(p.server.delayMaxMs)} ms (p99 ${ms(p.server.delayP99Ms)})`,
    );
  }
  console.log(parts.join(" | "));
  const t = p.turns;
  if (t) {
    const what = (did: Record<string, number>) =>
      Object.entries(did)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", ");
    console.log(
      [
        `${"".padEnd(14)} server loop turns in the burst: ${t.count}, ${t.accepting} of them accepting (at most ${t.maxAccepts} connection${t.maxAccepts === 1 ? "" : "s"} in one), ${t.writesWhileAccepting} stream writes between the first accept and the last`,
        `longest turns: ${t.longest.map((x) => `${ms(x.ms)} ms (${what(x.did)})`).join("; ")}`,
        `longest waits between accepts: ${t.gaps.map((g) => `${ms(g.ms)} ms over ${g.turns} turns (${what(g.did)})`).join("; ")}`,
      ].join(" | "),
    );
  }
}

// dist/append-worker.mjs, the servers' append thread, built from these sources
await buildIfStale();
console.log(
  `${STREAMS} streams, burst ${BURST} on ${values.connect === "ahead" ? "connections opened before it" : "new connections"}, run ${SECONDS} s at ${CONCURRENCY} in flight; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
if (values["warm-up"]) {
  // untimed: the benchmark process's own code (HTTP client, stream parsing) runs once before any
  // figure is taken, so the first measured configuration does not pay for it
  const row = await runMode(MODES[0], 0);
  console.log(
    `warm-up (${row.mode}, not counted): burst ${row.burstRate.toFixed(0)}/s, run ${row.runRate.toFixed(0)}/s`,
  );
}
const rows: Row[] = [];
for (let round = 1; round <= Number(values.rounds); round++) {
  // alternate the order, so neither mode always runs on the machine the other left warm
  const order = round % 2 ? MODES : [...MODES].reverse();
  for (const mode of order) {
    const row = await runMode(mode, round);
    rows.push(row);
    print(row);
  }
}
// every burst in the order it ran, so a slow first one (or any other) stands out
for (const mode of MODES) {
  const bursts = rows.filter((r) => r.mode === mode);
  const first = rows.indexOf(bursts[0]);
  console.log(
    `${mode.padEnd(14)} bursts in order (appends/s): ${bursts.map((r) => r.burstRate.toFixed(0)).join(", ")}` +
      ` (first at configuration ${first + 1} of ${rows.length}); commits: ${bursts.map((r) => r.burstPhases.commits ?? "?").join(", ")}` +
      `; longest loop delay, ms: ${bursts.map((r) => (r.burstPhases.server ? ms(r.burstPhases.server.delayMaxMs) : "?")).join(", ")}` +
      `; server CPU, ms: ${bursts.map((r) => (r.burstPhases.server ? ms(r.burstPhases.server.cpuMs) : "?")).join(", ")}` +
      `; accepts spread, ms: ${bursts.map((r) => (r.burstPhases.firstAccept === undefined ? "?" : ms((r.burstPhases.lastAccept ?? 0) - r.burstPhases.firstAccept))).join(", ")}` +
      `; stream writes while accepting: ${bursts.map((r) => r.burstPhases.turns?.writesWhileAccepting ?? "?").join(", ")}` +
      `; run appends/s: ${bursts.map((r) => r.runRate.toFixed(0)).join(", ")}` +
      `; GET p99 burst/run, ms: ${bursts.map((r) => `${ms(quantile(r.burst, 0.99))}/${ms(quantile(r.run, 0.99))}`).join(", ")}`,
  );
}
