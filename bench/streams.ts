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
 *   on-loop         shared, with SQLite's commits on the event loop (`appendThread: false`), as
 *                   PostgreSQL's and an in-memory store's are
 *   baseline        shared, by the server of another commit (--baseline REF, e.g. the previous
 *                   session's main): its sources as of REF, taken with `git archive` into
 *                   .tmp-streams/, run with this checkout's node_modules, so old and new run side
 *                   by side in one run (the old servers' switches of the seventh session are gone:
 *                   `--baseline d7f657f` is the server they ended with, `--baseline 36df2c8` the
 *                   sixth session's)
 *
 * In each, every client in a process of its own (the appending one runs its request code once
 * against a server of its own before it is timed), so none of them times anything on an event loop
 * another one keeps busy: --streams readers (bench/streams-readers.ts: raw sockets, a counter of
 * the last `id:` seen, no HTTP client or SSE library) follow the agreement; one client GETs
 * /api/capabilities one request after another for the whole time (bench/streams-get.ts); then the
 * appending client (bench/streams-post.ts) posts --burst events all at once, each on a new
 * connection (as many separate clients would; --connect ahead opens those connections before the
 * burst starts), then posts for --seconds with --concurrency in flight. Printed per configuration:
 * appends/s (the burst as the client saw it, from its first request to its last ack; as the server
 * did, from its first accept to its last answer; and from the benchmark's command to the client, as
 * before 1 Dec 2026, which counts the command's trip and the client's start; the run), the time until every stream has every event, the GET's p50/p99 (streams
 * idle, burst, run), the load average, and where the burst's time went: when the client sent and
 * was answered; the CPU time of the readers and of the appending client; from the server, when it
 * accepted the burst's connections, got its requests and answered them, its CPU time, its event
 * loop's thread's CPU time and how long that thread waited for a core (both hold under load). With
 * --trace also when it asked the store to append and when the store had them (in how many group
 * commits) and what each turn of its loop did (accepts, requests, stream writes, its CPU time). At
 * the end, every burst in the order it ran, per mode. --warm-up runs one untimed configuration
 * first. --profile takes a V8 CPU profile of each server during its burst (the server bundled, on
 * plain node; in --profile-dir, by default .tmp-streams/profiles); --perf PREFIX records one with
 * Linux perf instead (PREFIX-N.data), by CPU time, which a loaded machine does not skew; --dump
 * PREFIX writes each burst's per-request times to PREFIX-N.json.
 *
 *   npx tsx bench/streams.ts [--streams 500] [--burst 100] [--bursts 1] [--seconds 10] [--concurrency 64]
 *                            [--modes per-subscriber,shared] [--rounds 1] [--warm-up]
 *                            (modes: shared, on-loop, per-subscriber, none, baseline) [--baseline REF]
 *                            [--connect fresh|ahead] [--trace] [--profile] [--perf PREFIX] [--dump PREFIX]
 *                            [--gather STEP,MAX]   (the group commit's wait, ms: default 1,10)
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildIfStale } from "../scripts/build.ts";
import type { PostTimes } from "./streams-post.ts";
import { adoptOverHttp, type Keys, partyKeys, signedNotes } from "./two-party.ts";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "500" },
    burst: { type: "string", default: "100" },
    bursts: { type: "string", default: "1" },
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
    perf: { type: "string" },
    baseline: { type: "string" },
    dump: { type: "string" },
    gather: { type: "string" },
    "profile-dir": { type: "string", default: ".tmp-streams/profiles" },
  },
});
const STREAMS = Number(values.streams);
const BURST = Number(values.burst);
const BURSTS = Math.max(1, Number(values.bursts));
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
if (values.connect !== "fresh" && values.connect !== "ahead")
  throw new Error(`--connect: expected fresh or ahead, got '${values.connect}'`);
const MODES = values.modes.split(",").map((m) => m.trim());
for (const mode of MODES) {
  if (!["shared", "on-loop", "baseline", "per-subscriber", "none"].includes(mode))
    throw new Error(`--modes: unknown mode '${mode}'`);
}
if (MODES.includes("baseline") !== (values.baseline !== undefined))
  throw new Error("--baseline REF and the mode baseline go together");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const AGREEMENT = "streams-bench";

// ---------------------------------------------------------------- the server process

interface Served {
  url: string;
  child: ChildProcess;
  /** Notes a phase's start in the server (time, CPU of the process and of its event loop's thread, event-loop use). */
  mark(name: string): void;
  /** With --profile: "start" starts the server's CPU profiler; a name stops it and writes NAME.cpuprofile. */
  profile(phase: string): Promise<void>;
  /** The server's marks and per-event times since the last dump. */
  dump(): Promise<ServerTrace>;
  stop(): Promise<void>;
}

interface ServerTrace {
  marks: Array<{
    name: string;
    at: number;
    cpuMs: number;
    /** Missing from a baseline's server before 1 Dec 2026 ~04:10 UTC. */
    main?: { cpuMs: number; waitMs: number };
    elu: { idle: number; active: number };
    delay: { maxMs: number; p99Ms: number };
  }>;
  posts: Array<{ arrived: number; answered: number }>;
  /** With --trace: */
  appends: Array<{ called: number; done: number }>;
  reads: number[];
  accepted: number[];
  /**
   * With --trace, what each turn of the server's loop did (bench/streams-server.ts): start, ms, a
   * count per kind, then the CPU time its thread ran in the turn, ms.
   */
  turnKinds?: string[];
  turns?: number[][];
}

/**
 * Under --profile the server runs as one bundled file on plain node: with the TypeScript loader's
 * thread in the process, V8's profile marked the busy main thread as idle.
 */
async function serverEntry(): Promise<string[]> {
  if (!values.profile || values.baseline) return ["--import", "tsx", "bench/streams-server.ts"];
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

/**
 * The sources of commit `ref` in .tmp-streams/baseline-SHA (inside the checkout, so node finds its
 * node_modules), taken once with `git archive`: the baseline mode's server runs from there.
 */
function baselineCheckout(ref: string): string {
  const sha = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], {
    cwd: ROOT,
    encoding: "utf8",
  }).trim();
  const dir = join(ROOT, ".tmp-streams", `baseline-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, "bench", "streams-server.ts"))) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync("git", ["archive", sha, "src", "bench", "scripts", "package.json"], {
      cwd: ROOT,
      maxBuffer: 1 << 30,
    });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
  }
  return dir;
}

async function startServer(mode: string, db: string): Promise<Served> {
  const entry = await serverEntry();
  const args = [...entry, "--db", db, "--mode", mode === "per-subscriber" ? mode : "shared"];
  if (mode === "on-loop") args.push("--commit-on-loop");
  if (GATHER) args.push("--gather-step-ms", String(GATHER.step), "--gather-ms", String(GATHER.max));
  // a baseline's server may answer marks only with --trace (before 1 Dec 2026 ~04:10 UTC)
  if (values.trace || values.profile || mode === "baseline") args.push("--trace");
  // V8 writes its log beside the perf map under --perf-basic-prof: next to the perf data, not in the checkout
  if (values.perf)
    args.unshift("--perf-basic-prof", `--logfile=${values.perf}-v8.log`, "--no-logfile-per-isolate");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // the append thread from the build (as the CLI and the tests run it), not through tsx
    LOCKSTEP_APPEND_WORKER: join(ROOT, "dist", "append-worker.mjs"),
  };
  // a baseline's append thread is its own sources' (through tsx): the build is of this checkout
  if (mode === "baseline") delete env.LOCKSTEP_APPEND_WORKER;
  const child = spawn(process.execPath, args, {
    cwd: mode === "baseline" ? baselineCheckout(values.baseline!) : ROOT,
    env,
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
      child.stdin!.write(`mark ${name}\n`);
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

/**
 * --perf: Linux perf samples the server process (every thread) by the CPU time it runs, not by
 * wall time as V8's profiler does, so the profile of a burst holds on a loaded machine. The server
 * runs with --perf-basic-prof, so JavaScript frames have names (`perf report -i FILE`).
 */
async function perfRecord(pid: number, file: string) {
  const perf = spawn(
    "perf",
    ["record", "-e", "cpu-clock", "-F", "1999", "-g", "-p", String(pid), "-o", file],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let err = "";
  perf.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => perf.on("exit", () => resolve()));
  // perf attaches to every thread before it samples: give it time, and fail if it could not
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
  if (perf.exitCode !== null) throw new Error(`perf record: ${err}`);
  return {
    async stop() {
      perf.kill("SIGINT");
      await exited;
    },
  };
}

// ---------------------------------------------------------------- HTTP clients

/** Epoch milliseconds, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

/**
 * A client of the benchmark as its own process (a bench/ script under tsx), talking in lines: its
 * stdout is kept whole, `line(from)` is the first complete line at or after offset `from`,
 * `ask(command)` sends a command and returns its `done JSON` answer, and `end()` closes its stdin,
 * waits for it to exit and returns everything it printed.
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
      const failed = () => reject(new Error(`${name} exited: ${out}`));
      const check = () => {
        const at = out.indexOf("\n", from);
        if (at < 0) return;
        child.stdout!.off("data", check);
        child.off("exit", failed);
        resolve(out.slice(from, at));
      };
      child.stdout!.on("data", check);
      child.once("exit", failed);
      check();
    });
  /** Sends a command line and returns the JSON of its `done JSON` answer. */
  const ask = async <T>(command: string): Promise<T> => {
    const from = out.length;
    child.stdin!.write(`${command}\n`);
    const answer = await line(from);
    if (!answer.startsWith("done ")) throw new Error(`${name}: ${answer}`);
    return JSON.parse(answer.slice("done ".length)) as T;
  };
  return {
    child,
    output: () => out,
    line,
    ask,
    async end() {
      child.stdin!.end();
      await exited;
      return out;
    },
  };
}

/**
 * The event-stream readers, in their own process (bench/streams-readers.ts): a load on the server,
 * not the benchmark's clock, so no process that times anything reads them.
 */
async function readerProcess() {
  const client = clientProcess("the stream readers", "bench/streams-readers.ts", []);
  if ((await client.line(0)) !== "ready") throw new Error(`the stream readers: ${client.output()}`);
  const { ask } = client;
  return {
    /** Opens `n` streams on `url`; ms until each has its first status frame. */
    open: async (url: string, n: number) => (await ask<{ ms: number }>(`open ${url} ${n}`)).ms,
    /** Ms until every stream has seen event `seq`, or undefined after `timeoutMs`. */
    until: async (seq: number, timeoutMs: number) =>
      (await ask<{ ms: number | null }>(`until ${seq} ${timeoutMs}`)).ms ?? undefined,
    /** The readers' CPU time and event-loop use since the last call. */
    cpu: () => ask<{ cpuMs: number; elu: number }>("cpu"),
    stop: () => client.end(),
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

/**
 * The appending client, in its own process (bench/streams-post.ts): a burst all at once (its
 * requests' times and the client's CPU time meanwhile), then a run with some in flight for a while.
 */
async function posterProcess(url: string, events: { bursts: string[][]; run: string[] }, dir: string) {
  const file = join(dir, "events.json");
  writeFileSync(file, JSON.stringify(events));
  const client = clientProcess("the appending client", "bench/streams-post.ts", [url, file]);
  if ((await client.line(0)) !== "ready") throw new Error(`the appending client: ${client.output()}`);
  const { ask } = client;
  return {
    /** Opens the burst's connections ahead of it (--connect ahead). */
    connect: () => ask<void>("connect"),
    burst: (k: number) => ask<{ times: PostTimes[]; cpuMs: number }>(`burst ${k}`),
    run: (limit: number, ms: number) =>
      ask<{ acked: number; start: number; end: number }>(`run ${limit} ${ms}`),
    stop: () => client.end(),
  };
}

// ---------------------------------------------------------------- one configuration

interface Row {
  mode: string;
  connectMs: number;
  /** The burst's events over the time from the client's first request to the last ack it read. */
  burstRate: number;
  /** The same from the benchmark's command to the client (its stdin) to that last ack, as before 1 Dec 2026 ~04:45 UTC. */
  commandRate: number;
  /** The same from the server's first accept of the burst to its last answer written. */
  serverRate?: number;
  burstDeliveredMs?: number;
  burstPhases: Phases;
  /** With --bursts N: the later bursts on the same server. */
  later: LaterBurst[];
  runRate: number;
  runEvents: number;
  runDeliveredMs?: number;
  idle: number[];
  burst: number[];
  run: number[];
  load: [number, number];
}

interface LaterBurst {
  rate: number;
  commandRate: number;
  serverRate?: number;
  phases: Phases;
}

/** The burst's events per second from `from` to `to` (epoch ms or ms after its start). */
function perSecond(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : BURST / ((to - from) / 1000);
}

/** Where a burst's time went: milliseconds after the burst started, CPU time and event-loop use. */
interface Phases {
  /**
   * The clients from the burst's start to its last ack: the stream readers' process (CPU time and
   * event-loop use) and the appending client's CPU time.
   */
  clients: { readers: { cpuMs: number; elu: number }; posterCpuMs: number };
  /** The first and last request sent and the last acknowledged, as the client saw them. */
  firstSent: number;
  lastSent: number;
  /** The last request whose bytes the client's socket took. */
  lastWritten: number;
  lastAck: number;
  /**
   * From the server, until the client's last ack: the process's CPU time (its threads included),
   * its event loop's thread's CPU time and time waiting for a core (mainThread in
   * bench/streams-server.ts: these hold under load), its event-loop use, and with --trace the loop's
   * longest and 99th-percentile delay (a 1 ms timer's lateness: about the longest turn).
   */
  server?: {
    cpuMs: number;
    mainCpuMs: number;
    mainWaitMs: number;
    elu: number;
    delayMaxMs: number;
    delayP99Ms: number;
  };
  /** First and last connection the server accepted during the burst. */
  firstAccept?: number;
  lastAccept?: number;
  /** First and last request to arrive; with --trace, first and last append asked of the store, last acknowledged by it; last response written. */
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
  /** The longest turns: ms, the CPU time of the loop's thread in it, and what ran in each (kind: count). */
  longest: Array<{ ms: number; cpuMs: number; did: Record<string, number> }>;
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
      .map((row) => ({ ms: row[1], cpuMs: row[2 + kinds.length] ?? Number.NaN, did: did([row]) })),
    gaps: gaps.sort((a, b) => b.ms - a.ms).slice(0, 3),
  };
}

function phases(start: number, times: PostTimes[], trace: ServerTrace, clients: Phases["clients"]): Phases {
  const after = (xs: number[], pick: (xs: number[]) => number) => (xs.length ? pick(xs) - start : undefined);
  const min = (xs: number[]) => Math.min(...xs);
  const max = (xs: number[]) => Math.max(...xs);
  const out: Phases = {
    clients,
    firstSent: min(times.map((t) => t.sent)) - start,
    lastSent: max(times.map((t) => t.sent)) - start,
    lastWritten: max(times.map((t) => t.written)) - start,
    lastAck: max(times.map((t) => t.acked)) - start,
  };
  // the latest: the server keeps every mark, and a later burst reuses the names
  const mark = (name: string) => trace.marks.findLast((m) => m.name === name);
  const from = mark("burst-start");
  const to = mark("burst-acked");
  if (from && to) {
    const active = to.elu.active - from.elu.active;
    const idle = to.elu.idle - from.elu.idle;
    out.server = {
      cpuMs: to.cpuMs - from.cpuMs,
      mainCpuMs: to.main && from.main ? to.main.cpuMs - from.main.cpuMs : Number.NaN,
      mainWaitMs: to.main && from.main ? to.main.waitMs - from.main.waitMs : Number.NaN,
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
  if (done.length > 0) out.commits = done.filter((t, i) => i === 0 || t - done[i - 1] > 0.5).length;
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
  const bursts: string[][] = [];
  for (let k = 0; k < BURSTS; k++)
    bursts.push(await signedBodies(keys, BURST, k === 0 ? "burst-" : `burst${k}-`));
  const runEvents = await signedBodies(keys, MAX_EVENTS, "run-");
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-streams-"));
  const loadBefore = loadavg()[0];
  const server = await startServer(mode, join(dir, "bench.db"));
  let readers: Awaited<ReturnType<typeof readerProcess>> | undefined;
  let gets: Awaited<ReturnType<typeof getLoop>> | undefined;
  let poster: Awaited<ReturnType<typeof posterProcess>> | undefined;
  try {
    await adoptOverHttp(server.url, AGREEMENT, keys);
    const streamUrl = `${server.url}/api/agreements/${AGREEMENT}/events/stream`;
    readers = await readerProcess();
    // connected once its first status frame has arrived
    const connectMs = await readers.open(streamUrl, mode === "none" ? 0 : STREAMS);

    gets = await getLoop(`${server.url}/api/capabilities`);
    const idleStart = now();
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const eventsUrl = `${server.url}/api/agreements/${AGREEMENT}/events`;
    poster = await posterProcess(eventsUrl, { bursts, run: runEvents }, dir);
    // --connect ahead: the burst's connections are open (and idle) before it starts
    if (values.connect === "ahead") await poster.connect();
    const perf = values.perf
      ? await perfRecord(server.child.pid!, `${values.perf}-${index}.data`)
      : undefined;
    server.mark("burst-start");
    await server.profile("start");
    await readers.cpu();
    const burstStart = now();
    const burst = await poster.burst(0);
    // the client's first request and the last acknowledgement it read
    const burstSent = Math.min(...burst.times.map((t) => t.sent));
    const burstAcked = Math.max(...burst.times.map((t) => t.acked));
    server.mark("burst-acked");
    const readersCpu = await readers.cpu();
    await perf?.stop();
    const burstDelivered = await readers.until(BURST, DELIVER_TIMEOUT_MS);
    const burstEnd = now();
    await server.profile(`streams-${index}-${mode}-round${round}-burst`);
    const burstTrace = await server.dump();
    if (values.dump)
      writeFileSync(
        `${values.dump}-${index}.json`,
        JSON.stringify({ burstStart, times: burst.times, trace: burstTrace }),
      );

    // --bursts N: the same burst again on this server, now that its code has run (new connections,
    // new events), a second apart: what a burst costs a server that is no longer fresh
    const later: LaterBurst[] = [];
    for (let k = 1; k < BURSTS; k++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      server.mark("burst-start");
      await readers.cpu();
      const start = now();
      const again = await poster.burst(k);
      const sent = Math.min(...again.times.map((t) => t.sent));
      const acked = Math.max(...again.times.map((t) => t.acked));
      server.mark("burst-acked");
      const readersCpuAgain = await readers.cpu();
      await readers.until(BURST * (k + 1), DELIVER_TIMEOUT_MS);
      const p = phases(start, again.times, await server.dump(), {
        readers: readersCpuAgain,
        posterCpuMs: again.cpuMs,
      });
      later.push({
        rate: BURST / ((acked - sent) / 1000),
        commandRate: BURST / ((acked - start) / 1000),
        serverRate: perSecond(p.firstAccept, p.lastAnswered),
        phases: p,
      });
    }

    const runStart = now();
    const { acked, start: runPosted, end: runAcked } = await poster.run(CONCURRENCY, SECONDS * 1000);
    const runDelivered = await readers.until(BURST * BURSTS + acked, DELIVER_TIMEOUT_MS);
    const runEnd = now();
    const window = await gets.stop();
    gets = undefined;
    const burstPhases = phases(burstStart, burst.times, burstTrace, {
      readers: readersCpu,
      posterCpuMs: burst.cpuMs,
    });
    return {
      mode,
      connectMs,
      burstRate: BURST / ((burstAcked - burstSent) / 1000),
      commandRate: BURST / ((burstAcked - burstStart) / 1000),
      serverRate: perSecond(burstPhases.firstAccept, burstPhases.lastAnswered),
      burstDeliveredMs: burstDelivered === undefined ? undefined : burstEnd - burstStart,
      burstPhases,
      later,
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
    await readers?.stop().catch(() => {});
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

const ms = (x: number | undefined) =>
  x === undefined ? "timeout" : Number.isNaN(x) ? "?" : x < 10 ? x.toFixed(1) : x.toFixed(0);
const pp = (xs: number[]) => `${ms(quantile(xs, 0.5))}/${ms(quantile(xs, 0.99))}`;

function print(row: Row): void {
  const wait = (x: number | undefined) =>
    x === undefined ? `>${values["deliver-timeout"]} s` : `${ms(x)} ms`;
  console.log(
    [
      row.mode.padEnd(14),
      `open ${ms(row.connectMs)} ms`,
      `burst ${row.burstRate.toFixed(0)}/s (server ${row.serverRate?.toFixed(0) ?? "?"}/s, from the command ${row.commandRate.toFixed(0)}/s), all delivered ${wait(row.burstDeliveredMs)}`,
      `run ${row.runRate.toFixed(0)}/s (${row.runEvents}), all delivered ${wait(row.runDeliveredMs)}`,
      `GET p50/p99 ms: idle ${pp(row.idle)}, burst ${pp(row.burst)} (${row.burst.length}), run ${pp(row.run)} (${row.run.length})`,
      `load ${row.load[0].toFixed(1)}→${row.load[1].toFixed(1)}`,
    ].join(" | "),
  );
  const p = row.burstPhases;
  const at = (x: number | undefined) => (x === undefined ? "?" : ms(x));
  const parts = [
    `${"".padEnd(14)} burst phases (ms after the command): first sent ${at(p.firstSent)}, last sent ${at(p.lastSent)}, last written ${at(p.lastWritten)}, last ack ${at(p.lastAck)}`,
    `clients' CPU: stream readers ${ms(p.clients.readers.cpuMs)} ms (loop ${(p.clients.readers.elu * 100).toFixed(0)}% busy), appending client ${ms(p.clients.posterCpuMs)} ms`,
  ];
  if (p.server) {
    const delay = values.trace
      ? `, longest loop delay ${ms(p.server.delayMaxMs)} ms (p99 ${ms(p.server.delayP99Ms)})`
      : "";
    parts.push(
      `server: accepted ${at(p.firstAccept)}–${at(p.lastAccept)}, requests ${at(p.firstArrival)}–${at(p.lastArrival)}, appends asked ${at(p.firstAppend)}–${at(p.lastAppend)}, stored by ${at(p.lastStored)} in ${p.commits ?? "?"} commits, answered by ${at(p.lastAnswered)}, CPU ${ms(p.server.cpuMs)} ms (loop thread ${ms(p.server.mainCpuMs)} ms, waiting for a core ${ms(p.server.mainWaitMs)} ms), loop ${(p.server.elu * 100).toFixed(0)}% busy${delay}`,
    );
  }
  console.log(parts.join(" | "));
  row.later.forEach((b, k) => {
    const s = b.phases.server;
    console.log(
      `${"".padEnd(14)} burst ${k + 2} on the same server: ${b.rate.toFixed(0)}/s (server ${b.serverRate?.toFixed(0) ?? "?"}/s, from the command ${b.commandRate.toFixed(0)}/s)` +
        (s
          ? `, server CPU ${ms(s.cpuMs)} ms (loop thread ${ms(s.mainCpuMs)} ms, waiting for a core ${ms(s.mainWaitMs)} ms)`
          : "") +
        `, readers ${ms(b.phases.clients.readers.cpuMs)} ms, appending client ${ms(b.phases.clients.posterCpuMs)} ms` +
        (b.phases.turns?.longest[0]
          ? `, longest turn ${ms(b.phases.turns.longest[0].ms)} ms (CPU ${ms(b.phases.turns.longest[0].cpuMs)})`
          : ""),
    );
  });
  const t = p.turns;
  if (t) {
    const what = (did: Record<string, number>) =>
      Object.entries(did)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(", ");
    console.log(
      [
        `${"".padEnd(14)} server loop turns in the burst: ${t.count}, ${t.accepting} of them accepting (at most ${t.maxAccepts} connection${t.maxAccepts === 1 ? "" : "s"} in one), ${t.writesWhileAccepting} stream writes between the first accept and the last`,
        `longest turns: ${t.longest.map((x) => `${ms(x.ms)} ms, CPU ${ms(x.cpuMs)} (${what(x.did)})`).join("; ")}`,
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
  const each = (f: (r: Row) => string | number | undefined) => bursts.map((r) => f(r) ?? "?").join(", ");
  const server = (f: (s: NonNullable<Phases["server"]>) => number) => (r: Row) =>
    r.burstPhases.server ? ms(f(r.burstPhases.server)) : undefined;
  console.log(
    `${mode.padEnd(14)} bursts in order (appends/s, client): ${each((r) => r.burstRate.toFixed(0))}` +
      ` (first at configuration ${first + 1} of ${rows.length}); server side: ${each((r) => r.serverRate?.toFixed(0))}` +
      `; from the command: ${each((r) => r.commandRate.toFixed(0))}` +
      `; commits: ${each((r) => r.burstPhases.commits)}` +
      `; server CPU, ms: ${each(server((s) => s.cpuMs))} (its loop's thread ${each(server((s) => s.mainCpuMs))}, waiting for a core ${each(server((s) => s.mainWaitMs))})` +
      `; readers' CPU, ms: ${each((r) => ms(r.burstPhases.clients.readers.cpuMs))}; appending client's CPU, ms: ${each((r) => ms(r.burstPhases.clients.posterCpuMs))}` +
      (values.trace ? `; longest loop delay, ms: ${each(server((s) => s.delayMaxMs))}` : "") +
      `; accepts spread, ms: ${each((r) => (r.burstPhases.firstAccept === undefined ? undefined : ms((r.burstPhases.lastAccept ?? 0) - r.burstPhases.firstAccept)))}` +
      `; accepting turns: ${each((r) => r.burstPhases.turns && `${r.burstPhases.turns.accepting} (≤ ${r.burstPhases.turns.maxAccepts} each)`)}` +
      `; longest turn, ms (its CPU): ${each((r) => r.burstPhases.turns?.longest[0] && `${ms(r.burstPhases.turns.longest[0].ms)} (${ms(r.burstPhases.turns.longest[0].cpuMs)})`)}` +
      `; stream writes while accepting: ${each((r) => r.burstPhases.turns?.writesWhileAccepting)}` +
      (BURSTS > 1
        ? `; later bursts on the same server, client/server appends/s and loop thread CPU ms: ${each((r) => r.later.map((b) => `${b.rate.toFixed(0)}/${b.serverRate?.toFixed(0) ?? "?"} ${b.phases.server ? ms(b.phases.server.mainCpuMs) : "?"}`).join(" "))}`
        : "") +
      `; run appends/s: ${each((r) => r.runRate.toFixed(0))}` +
      `; GET p99 burst/run, ms: ${each((r) => `${ms(quantile(r.burst, 0.99))}/${ms(quantile(r.run, 0.99))}`)}` +
      `; load ${each((r) => `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`)}`,
  );
}
