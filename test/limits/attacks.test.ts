/**
 * Attacks of issue 13 part 3 fired at a real `lockstep serve` process while a second client GETs
 * /api/capabilities in a loop: every attack gets its 4xx (or is served off the event loop), and
 * the GETs' 99th-percentile latency stays under 100 ms. Three attacks hold the server for the
 * whole window instead of being fired request by request: simulation jobs running (and more
 * refused), request bodies dripping in, and event streams past the cap with events appended.
 *
 * The bar is 100 ms on a machine that is not itself overloaded. This test also runs on shared CI
 * machines 2–3× slower than the one it was written on, and under the rest of the suite, where a GET
 * with no attack at all can take longer than that. So the same loop first measures a baseline p99
 * with no attack, and each attack's p99 must stay under max(100 ms, 3 × baseline): on a quiet
 * machine that is the 100 ms bar itself; on a loaded one it says the attack did not make the
 * server slower than the machine already was. docs/benchmarks.md records the figures measured.
 *
 * The file runs alone after the rest of the suite (vitest.config.ts), so its waiting is wall time
 * of `npm test`: one baseline serves every attack's first window, and an attack that misses the
 * bar measures a fresh baseline before each retry (the machine may have changed).
 */

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCase } from "../../bench/generate.ts";
import { buildCharter } from "../../src/ledger/charter.ts";
import { openStore } from "../../src/store/index.ts";
import { startServe } from "../helpers/serve-process.ts";
import { adoptAndSign, adoptRequest, type Cast, makeCast, signedEvent } from "../ledger/helpers.ts";

const FLOOD = fileURLToPath(new URL("../helpers/stream-flood.mjs", import.meta.url));
const BAR_MS = 100;
const SLOWDOWN = 3;
/**
 * How long the GET loop runs under each attack, from the moment the attack is at full strength
 * (and for a retry's fresh baseline, as long as the window it judges): 0.5 s. Near idle the 1 s
 * windows of the eleventh session held 276–6,020 GETs (docs/benchmarks.md), so half a second is
 * still more than 130 GETs in the slowest (simulation jobs) and thousands in most; a machine 3×
 * slower still makes dozens, and a window runs on until it has MIN_GETS. A retry's fresh baseline
 * is a window as long as the one it judges (9ffd132: a shorter, quieter baseline failed attacks
 * that were within the bar); the shared baseline, at the start, is twice as long, as before.
 */
const WINDOW_MS = 500;
const BASELINE_MS = 2 * WINDOW_MS;

let base: string;
let stop: () => Promise<void>;
let dir: string;
let cast: Cast;
let baselineP99 = 0;
const figures: string[] = [];

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

/**
 * GETs a window needs for its p99 to mean something (`report` asks for more than 20). A quiet
 * machine makes hundreds in a window; a loaded one may make fewer, and then the window runs on.
 */
const MIN_GETS = 21;

/**
 * GETs /api/capabilities one after another from now until `window` ms after `ready` resolves (an
 * attack at full strength), and on until MIN_GETS have been made (for at most 9 more windows: on a
 * machine so loaded that a GET takes a second, as the sixth session's windows allowed). Returns the
 * latencies of the GETs sent once `ready` resolved: a GET before the attack is at full strength
 * measures no attack. Stops, and rejects, as soon as `ready` does (the attack failed).
 */
async function measure(window: number, ready: Promise<unknown> = Promise.resolve()): Promise<number[]> {
  const latencies: number[] = [];
  let readyAt = Number.POSITIVE_INFINITY;
  let failed = false;
  let doneAt = Number.POSITIVE_INFINITY;
  const finished = ready
    .then(() => {
      readyAt = performance.now();
      return new Promise((resolve) => setTimeout(resolve, window));
    })
    .then(
      () => {
        doneAt = performance.now();
      },
      (error: unknown) => {
        failed = true;
        throw error;
      },
    );
  // awaited after the loop; until then a failed attack must not count as an unhandled rejection
  finished.catch(() => {});
  const more = () =>
    performance.now() < doneAt || (latencies.length < MIN_GETS && performance.now() < doneAt + 9 * window);
  while (!failed && more()) {
    const started = performance.now();
    const response = await fetch(`${base}/api/capabilities`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    // only GETs sent once the attack was at full strength count
    if (readyAt <= started) latencies.push(performance.now() - started);
  }
  await finished;
  return latencies;
}

/** Windows an attack gets: it passes when one of them meets the bar (see the file's comment). */
const ATTEMPTS = 3;

/**
 * Runs `fire` over and over while the GET loop measures, up to ATTEMPTS windows; passes at the
 * first window whose p99 is within the bar. The first window is judged against the shared
 * baseline, each retry against a fresh baseline window with no attack, measured just before it.
 * An attack fired request by request is at full strength once its first answer is in; a
 * sustained one (open connections, running jobs) calls `ready` when it is, and keeps going until
 * `signal` aborts, at the end of the window.
 */
async function underAttack(
  name: string,
  fire: (signal: AbortSignal, ready: () => void) => Promise<void>,
): Promise<void> {
  const tries: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const baseline = attempt === 1 ? baselineP99 : p99(await measure(WINDOW_MS));
    const stop = new AbortController();
    let fired = 0;
    let markReady = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const loop = (async () => {
      while (!stop.signal.aborted) {
        await fire(stop.signal, markReady);
        markReady();
        fired++;
      }
    })();
    let latencies: number[];
    try {
      // a failed attack ends the window at once, with its own error
      latencies = await measure(WINDOW_MS, Promise.race([ready, loop]));
    } finally {
      stop.abort();
      await loop;
    }
    const p = p99(latencies);
    tries.push(
      `p99 ${p.toFixed(1)} ms over ${latencies.length} GETs, ${fired} fired, ${attempt === 1 ? "shared " : ""}baseline ${baseline.toFixed(1)} ms`,
    );
    if (latencies.length >= MIN_GETS && p < Math.max(BAR_MS, SLOWDOWN * baseline)) break;
  }
  report(name, tries);
}

/** Records the windows and asserts that the last one (the first to pass, if any) is within the bar. */
function report(name: string, tries: string[]): void {
  figures.push(`${name}: ${tries.join("; ")}`);
  const last = tries[tries.length - 1];
  const [p, count, baseline] = [/p99 ([\d.]+)/, /over (\d+) GETs/, /baseline ([\d.]+)/].map((re) =>
    Number(last.match(re)![1]),
  );
  expect(count, `${name}: ${last}`).toBeGreaterThanOrEqual(MIN_GETS);
  expect(p, `${name}: ${tries.join("; ")}`).toBeLessThan(Math.max(BAR_MS, SLOWDOWN * baseline));
}

async function send(method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Resolves when the window ends (the signal aborts). */
function windowEnd(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-attacks-"));
  const db = join(dir, "attacks.db");
  cast = await makeCast();
  // An agreement stored with phaseDays 0.0001, as an older server accepted it (the API now refuses it).
  const store = await openStore({ sqlitePath: db });
  const request = adoptRequest(cast, { id: "tiny-phases", start: "2020-01-01T00:00:00Z", phaseDays: 0.0001 });
  const built = buildCharter(request as Parameters<typeof buildCharter>[0], "2020-01-01T00:00:00Z");
  if (!built.ok) throw new Error(built.message);
  await store.agreements.create(built.charter);
  await store.close();
  // the planner threads warm from the start, as users start the server: the GETs measure it so
  const served = startServe(["--open", "--db", db, "--rate-limit", "0"], { LOCKSTEP_WARM_PLANNER: "1" });
  stop = served.stop;
  base = await served.url;
  expect((await adoptAndSign(base, cast)).status).toBe(201);
  // warm the route and the connection, then the baseline every attack's first window is judged by
  await measure(WINDOW_MS / 2);
  const baseline = await measure(BASELINE_MS);
  baselineP99 = p99(baseline);
  figures.push(`baseline (no attack): p99 ${baselineP99.toFixed(1)} ms over ${baseline.length} GETs`);
}, 180_000);

afterAll(async () => {
  await stop?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
  // the figures docs/benchmarks.md quotes
  console.log(`GET /api/capabilities under attack:\n  ${figures.join("\n  ")}`);
});

describe("a concurrent GET keeps its p99 under each attack", () => {
  // one window for every plan object the server must refuse (the same route and check: the plan
  // resolved against the scenario before anything is analysed): huge phases, a negative phase key,
  // phase 0, past the horizon, fractions summing to 1.1
  it("bad plan objects: phase 10⁷ and 2⁵³ − 1, a negative phase key, phase 0, past the horizon, fractions summing to 1.1 (400)", async () => {
    const plans = [
      { "test-moratorium": 10_000_000 },
      { "arsenal-dismantle": { "-1": 1 } },
      { "test-moratorium": 2 ** 53 - 1 },
      { "test-moratorium": 0 },
      { "test-moratorium": 999 },
      { "arsenal-dismantle": { "1": 0.6, "2": 0.5 } },
    ];
    let i = 0;
    await underAttack("bad plan objects", async () => {
      const plan = plans[i++ % plans.length];
      expect(await send("POST", "/api/analyze", { scenarioId: "korea-2018", plan })).toBe(400);
    });
    expect(i).toBeGreaterThanOrEqual(plans.length);
  }, 120_000);

  it("tiny phaseDays: adoption refused (400), the stored agreement's status still quick", async () => {
    let i = 0;
    await underAttack("tiny phaseDays", async () => {
      if (i++ % 2) {
        const refused = adoptRequest(cast, { id: `short-${i}`, phaseDays: 0.0001 });
        expect(await send("POST", "/api/agreements", refused)).toBe(400);
      } else expect(await send("GET", "/api/agreements/tiny-phases/status")).toBe(200);
    });
  }, 120_000);

  it("YAML alias bombs (422)", async () => {
    const lines = [
      "parties: [{ id: a, tolerance: 1 }]",
      "moves:",
      "  - { id: m0, actor: a, value: { a: 1 }, title: &t hello }",
    ];
    for (let i = 1; i < 150; i++) lines.push(`  - { id: m${i}, actor: a, value: { a: 1 }, title: *t }`);
    // and the nested kind, each level ten aliases of the one before
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level++) {
      const prev = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      laughs.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    const bombs = [lines.join("\n"), laughs.join("\n")];
    let i = 0;
    await underAttack("YAML alias bombs", async () => {
      expect(await send("POST", "/api/analyze", { source: bombs[i++ % 2] })).toBe(422);
    });
  }, 120_000);

  it("a 939 KiB scenario with 12,000-character ids and misspelt references (4xx)", async () => {
    const id = (k: number) => `m${k}-${"x".repeat(12_000)}`;
    const moves = Array.from({ length: 39 }, (_, k) => ({
      id: id(k),
      actor: "a",
      value: { a: 1 },
      ...(k > 0 ? { requires: [`${id(k - 1)}y`] } : {}),
    }));
    const source = JSON.stringify({ parties: [{ id: "a", tolerance: 1 }], moves });
    expect(source.length).toBeGreaterThan(900 * 1024);
    expect(source.length).toBeLessThan(1000 * 1024);
    await underAttack("long ids", async () => {
      const status = await send("POST", "/api/analyze", { source });
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    });
  }, 120_000);

  it("long solves on every planner thread, and more planner requests than it takes (429)", async () => {
    const slow = JSON.stringify(generateCase({ moves: 100, parties: 6, phases: 40, seed: 1 }).scenario);
    // 100×6×40 (7,207 variables, 35,617 constraints) never finishes in 1 s: the CLI stops it at the
    // limit "with no plan yet", as it did 200×6×40, whose model (12,327 and 69,240) took longer to
    // build, outside the limit. Each solve holds its thread for its whole time limit. The
    // four in flight cover the half window before the attack and the window itself (two threads,
    // two solves each); the loop below keeps the threads busy after them. A longer limit only adds
    // solving past the window (the loop and the four are awaited), all of it npm test's wall clock.
    const solve = () => send("POST", "/api/plan", { source: slow, objective: "slack", timeLimitSeconds: 1 });
    const solves = [solve(), solve(), solve(), solve()];
    let refused = 0;
    try {
      // GETs for half a window first, so the four reach the planner before the attack's requests
      await measure(WINDOW_MS / 2);
      await underAttack("long solves", async () => {
        // refused while the planner is full; once a solve ends, the next request takes its place
        // (and holds this loop for its 1 s), so the threads stay busy for the whole window
        const status = await solve();
        expect([200, 429, 504]).toContain(status);
        if (status === 429) refused++;
      });
    } finally {
      // the four in flight are served (a plan found or not within 1 s), not refused
      for (const status of await Promise.all(solves)) expect([200, 504]).toContain(status);
    }
    expect(refused).toBeGreaterThan(0);
  }, 180_000);

  it("simulation jobs of 10⁶ runs: as many running as the server runs at once (202), more refused (429)", async () => {
    const start = async () => {
      const response = await fetch(`${base}/api/simulate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ scenarioId: "korea-2018", runs: 1_000_000 }),
      });
      const body = (await response.json()) as { id?: string; error?: string };
      expect([202, 429], JSON.stringify(body)).toContain(response.status);
      return body.id;
    };
    let started = 0;
    await underAttack("simulation jobs", async (signal, ready) => {
      const jobs: string[] = [];
      try {
        while (!signal.aborted) {
          const id = await start();
          if (id) jobs.push(id);
          else ready(); // refused: as many running as the server runs
        }
      } finally {
        // cancelled at the end of the window, so the next baseline is measured without them
        for (const id of jobs) expect(await send("DELETE", `/api/simulate/${id}`)).toBe(200);
        started += jobs.length;
      }
    });
    expect(started).toBeGreaterThan(0);
  }, 120_000);

  it("200 request bodies dripping in a byte every 100 ms", async () => {
    const port = Number(new URL(base).port);
    await underAttack("slow bodies", async (signal, ready) => {
      const sockets = Array.from({ length: 200 }, () => {
        const socket = connect(port, "127.0.0.1");
        socket.on("error", () => {});
        socket.write(
          "POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
        );
        return socket;
      });
      const drip = setInterval(() => {
        for (const socket of sockets) if (socket.writable) socket.write(" ");
      }, 100);
      ready();
      await windowEnd(signal);
      clearInterval(drip);
      for (const socket of sockets) socket.destroy();
    });
  }, 120_000);

  it("event streams up to the cap (then 503), with events appended to all of them", async () => {
    let refused = 0;
    let appended = 0;
    await underAttack("event streams", async (signal, ready) => {
      // the streams are held by another process (test/helpers/stream-flood.mjs), as an attacker's
      // would be: this process only measures and appends
      const flood = spawn(process.execPath, [FLOOD, `${base}/api/agreements/freeze-deal/events/stream`], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      const exited = new Promise((resolve) => flood.on("exit", resolve));
      try {
        const line = await new Promise<string>((resolve, reject) => {
          let out = "";
          flood.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes("\n")) resolve(out.split("\n")[0]);
          });
          flood.on("exit", () => reject(new Error(`the stream flood exited: ${out}`)));
        });
        const [, open, status] = line.match(/^open (\d+) refused (\d+)$/) ?? [];
        expect(status, line).toBe("503");
        expect(Number(open)).toBeGreaterThan(0);
        expect(Number(open)).toBeLessThanOrEqual(600);
        refused++;
        // the window runs from here: every stream open, the burst and the appends to come
        ready();
        // a burst of 20 events to every stream, then more one by one until the window ends
        let burst = 20;
        do {
          const events = await Promise.all(
            Array.from({ length: burst }, (_, i) =>
              signedEvent(cast, "north-gov", { type: "note", text: `attack ${appended + i}` }),
            ),
          );
          const statuses = await Promise.all(
            events.map((event) => send("POST", "/api/agreements/freeze-deal/events", event)),
          );
          expect(statuses).toEqual(events.map(() => 201));
          appended += burst;
          burst = 1;
        } while (!signal.aborted);
      } finally {
        flood.stdin.end();
        await exited;
      }
    });
    expect(refused).toBeGreaterThan(0);
    expect(appended).toBeGreaterThan(0);
  }, 180_000);
});
