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
 *
 * In each: --streams raw HTTP clients (one socket each, a counter of the last `id:` seen, no SSE
 * library) follow the agreement; one client GETs /api/capabilities one request after another for
 * the whole time; then --burst events are posted all at once, then events are posted for
 * --seconds with --concurrency in flight. Printed per configuration: appends/s (burst and run),
 * the time until every stream has every event, the GET's p50/p99 (streams idle, burst, run) and
 * the load average. --profile runs each server under `node --cpu-prof` (profiles in --profile-dir,
 * by default .tmp-streams/profiles).
 *
 *   npx tsx bench/streams.ts [--streams 500] [--burst 100] [--seconds 10] [--concurrency 64]
 *                            [--modes per-subscriber,shared] [--rounds 1] [--profile]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateKeyPair, type KeyPairJwk } from "../src/ledger/crypto.ts";
import type { EventBody } from "../src/ledger/events.ts";
import { signEvent } from "../src/ledger/sign.ts";
import { signCharter } from "../src/ledger/statements.ts";

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
    "profile-dir": { type: "string", default: ".tmp-streams/profiles" },
  },
});
const STREAMS = Number(values.streams);
const BURST = Number(values.burst);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const MAX_EVENTS = Number(values.events);
const DELIVER_TIMEOUT_MS = Number(values["deliver-timeout"]) * 1000;
const MODES = values.modes.split(",").map((m) => m.trim());
for (const mode of MODES) {
  if (!["shared", "per-subscriber", "none"].includes(mode))
    throw new Error(`--modes: unknown mode '${mode}'`);
}
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const AGREEMENT = "streams-bench";

const SCENARIO = `
parties: [{ id: a }, { id: b }]
moves:
  - { id: give, actor: a, value: { a: -1, b: 2 } }
  - { id: take, actor: b, value: { a: 2, b: -1 } }
plans: { both: { give: 1, take: 2 } }
`;

// ---------------------------------------------------------------- the server process

interface Served {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
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
  return ["--cpu-prof", "--cpu-prof-dir", values["profile-dir"], outfile];
}

async function startServer(mode: string, db: string, profileName: string): Promise<Served> {
  const entry = await serverEntry();
  if (values.profile) entry.splice(3, 0, "--cpu-prof-name", `${profileName}.cpuprofile`);
  const child = spawn(process.execPath, [...entry, "--db", db, "--mode", mode === "none" ? "shared" : mode], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
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

function request(
  agent: http.Agent,
  url: string,
  method = "GET",
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body === undefined ? {} : { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

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
 * The GET client, in its own process (bench/streams-get.ts): one request after another on one
 * socket. `stop` ends it and returns every request's start and latency.
 */
async function getLoop(url: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/streams-get.ts", url], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = () => (out.startsWith("ready\n") ? resolve() : undefined);
    child.stdout!.on("data", check);
    child.on("exit", () => reject(new Error(`the GET client exited: ${out}`)));
  });
  return {
    async stop() {
      child.stdin!.end();
      await exited;
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

/** Posts events with `limit` in flight until they run out or `deadline` passes; returns how many were acknowledged. */
async function post(base: string, events: string[], limit: number, deadline = Number.POSITIVE_INFINITY) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: limit });
  let next = 0;
  let acked = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < events.length && performance.now() < deadline) {
        const answer = await request(
          agent,
          `${base}/api/agreements/${AGREEMENT}/events`,
          "POST",
          events[next++],
        );
        if (answer.status !== 201) throw new Error(`append: ${answer.status} ${answer.text}`);
        acked++;
      }
    }),
  );
  agent.destroy();
  return acked;
}

// ---------------------------------------------------------------- one configuration

interface Row {
  mode: string;
  connectMs: number;
  burstRate: number;
  burstDeliveredMs?: number;
  runRate: number;
  runEvents: number;
  runDeliveredMs?: number;
  idle: number[];
  burst: number[];
  run: number[];
  load: [number, number];
}

async function signedEvents(keys: Record<"a" | "b", KeyPairJwk>, n: number, prefix: string) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const who = i % 2 ? "a" : "b";
    const body: EventBody = {
      v: 1,
      agreement: AGREEMENT,
      id: `${prefix}${i}`,
      by: `party-${who}`,
      at: new Date().toISOString(),
      type: "note",
      text: `progress report ${i}: ${"details ".repeat(8)}`,
    };
    out.push(JSON.stringify(await signEvent(body, keys[who].privateKey)));
  }
  return out;
}

async function adopt(base: string, keys: Record<"a" | "b", KeyPairJwk>): Promise<void> {
  const agent = new http.Agent({ keepAlive: true });
  const participants = (["a", "b"] as const).map((p) => ({
    id: `party-${p}`,
    role: "party",
    party: p,
    publicKey: keys[p].publicKey,
  }));
  const adopted = await request(
    agent,
    `${base}/api/agreements`,
    "POST",
    JSON.stringify({ id: AGREEMENT, plan: "both", scenario: SCENARIO, participants }),
  );
  if (adopted.status !== 201) throw new Error(`adopt: ${adopted.status} ${adopted.text}`);
  const { charterHash } = JSON.parse(adopted.text) as { charterHash: string };
  for (const p of ["a", "b"] as const) {
    const signed = await signCharter(AGREEMENT, charterHash, `party-${p}`, keys[p].privateKey);
    const answer = await request(
      agent,
      `${base}/api/agreements/${AGREEMENT}/signatures`,
      "POST",
      JSON.stringify(signed),
    );
    if (answer.status !== 200) throw new Error(`sign: ${answer.status} ${answer.text}`);
  }
  agent.destroy();
}

async function runMode(mode: string, round: number): Promise<Row> {
  const keys = { a: await generateKeyPair(), b: await generateKeyPair() };
  const burstEvents = await signedEvents(keys, BURST, "burst-");
  const runEvents = await signedEvents(keys, MAX_EVENTS, "run-");
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-streams-"));
  const loadBefore = loadavg()[0];
  const server = await startServer(mode, join(dir, "bench.db"), `streams-${mode}-${round}`);
  const audience = new Audience();
  let gets: Awaited<ReturnType<typeof getLoop>> | undefined;
  try {
    await adopt(server.url, keys);
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

    const burstStart = now();
    await post(server.url, burstEvents, BURST);
    const burstAcked = now();
    const burstDelivered = await audience.until((s) => s.seq >= BURST, DELIVER_TIMEOUT_MS);
    const burstEnd = now();

    const runStart = now();
    const acked = await post(server.url, runEvents, CONCURRENCY, performance.now() + SECONDS * 1000);
    const runAcked = now();
    const runDelivered = await audience.until((s) => s.seq >= BURST + acked, DELIVER_TIMEOUT_MS);
    const runEnd = now();
    const window = await gets.stop();
    gets = undefined;
    return {
      mode,
      connectMs,
      burstRate: BURST / ((burstAcked - burstStart) / 1000),
      burstDeliveredMs: burstDelivered === undefined ? undefined : burstEnd - burstStart,
      runRate: acked / ((runAcked - runStart) / 1000),
      runEvents: acked,
      runDeliveredMs: runDelivered === undefined ? undefined : runEnd - runStart,
      idle: window(idleStart, burstStart),
      burst: window(burstStart, burstEnd),
      run: window(runStart, runEnd),
      load: [loadBefore, loadavg()[0]],
    };
  } finally {
    await gets?.stop().catch(() => {});
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
}

console.log(
  `${STREAMS} streams, burst ${BURST}, run ${SECONDS} s at ${CONCURRENCY} in flight; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
for (let round = 1; round <= Number(values.rounds); round++) {
  // alternate the order, so neither mode always runs on the machine the other left warm
  const order = round % 2 ? MODES : [...MODES].reverse();
  for (const mode of order) print(await runMode(mode, round));
}
