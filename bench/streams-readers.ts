/**
 * The event-stream readers of bench/streams.ts, as their own process: the 500 streams are a load
 * on the server, not the benchmark's clock, so they read in a process of their own and the process
 * that times the burst (bench/streams-post.ts) and the one that runs the benchmark share no event
 * loop with them. Each stream is a raw TCP socket with a hand-written GET (no HTTP client, no SSE
 * library): it keeps only the last `id:` it has seen and how many status frames arrived, which is
 * all the benchmark asks of it, at the least CPU a reader can spend (before 1 Dec 2026 ~04:30 UTC
 * they were node:http clients in the benchmark's own process, 67 % busy in a slow burst).
 *
 * Commands on stdin, one a line, each answered with `done JSON` (or `failed MESSAGE`):
 *   open URL N         opens N streams on URL; answered once every one has its first status frame
 *                      → { ms }
 *   until SEQ MS       waits until every stream has seen event SEQ, at most MS ms → { ms } or { ms: null }
 *   cpu                this process's CPU time and event-loop use since the last `cpu` → { cpuMs, elu }
 *
 *   node --import tsx bench/streams-readers.ts
 */
import net from "node:net";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";

const ID_LINE = Buffer.from("\nid: ");
const STATUS = Buffer.from("event: status");
const OK = Buffer.from("HTTP/1.1 200");

/**
 * One stream. The response is chunked, but each chunk is whole frames (the server writes a batch
 * in one write), so an `id:` line is never cut by the chunk framing, only by TCP: the end of the
 * previous read is kept for a line split across two reads.
 */
class Reader {
  seq = 0;
  statuses = 0;
  error?: string;
  private carry = Buffer.alloc(0);
  private headed = false;
  private readonly socket: net.Socket;

  constructor(url: URL, onData: (reader: Reader) => void) {
    this.socket = net.connect(Number(url.port), url.hostname, () => {
      this.socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`,
      );
    });
    this.socket.on("data", (chunk: Buffer) => {
      if (!this.headed) {
        this.headed = true;
        if (!chunk.subarray(0, OK.length).equals(OK)) {
          this.error = chunk.toString("latin1", 0, chunk.indexOf(13));
          this.socket.destroy();
        }
      }
      this.feed(chunk);
      onData(this);
    });
    this.socket.on("error", (error) => {
      this.error ??= error.message;
      onData(this);
    });
    this.socket.on("close", () => {
      this.error ??= "closed by the server";
      onData(this);
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
  }

  close(): void {
    this.socket.destroy();
  }
}

const readers: Reader[] = [];
let waiter: { test: (r: Reader) => boolean; done: Set<Reader>; resolve: () => void } | undefined;

function check(reader: Reader): void {
  const w = waiter;
  if (!w || w.done.has(reader)) return;
  if (reader.error || w.test(reader)) w.done.add(reader);
  if (w.done.size >= readers.length) w.resolve();
}

/** Milliseconds until every reader passes `test`, or null after `timeoutMs`; throws if any failed. */
async function until(test: (r: Reader) => boolean, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  const done = new Set(readers.filter((r) => r.error || test(r)));
  if (done.size < readers.length) {
    let timer: NodeJS.Timeout | undefined;
    const reached = await Promise.race([
      new Promise<boolean>((resolve) => {
        waiter = { test, done, resolve: () => resolve(true) };
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    waiter = undefined;
    if (!reached) return null;
  }
  const failed = readers.filter((r) => r.error);
  if (failed.length > 0) throw new Error(`${failed.length} streams failed: ${failed[0].error}`);
  return performance.now() - started;
}

let cpu = process.cpuUsage();
let elu = performance.eventLoopUtilization();
const answer = (value: unknown) => process.stdout.write(`done ${JSON.stringify(value)}\n`);

process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...args] = line.split(" ");
  try {
    if (command === "open") {
      const url = new URL(args[0]);
      for (let i = 0; i < Number(args[1]); i++) readers.push(new Reader(url, check));
      const ms = await until((r) => r.statuses > 0, 120_000);
      if (ms === null) throw new Error("the streams did not all open within 120 s");
      answer({ ms });
    } else if (command === "until") {
      const seq = Number(args[0]);
      answer({ ms: await until((r) => r.seq >= seq, Number(args[1])) });
    } else if (command === "cpu") {
      const used = process.cpuUsage(cpu);
      answer({
        cpuMs: (used.user + used.system) / 1000,
        elu: performance.eventLoopUtilization(elu).utilization,
      });
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
    } else throw new Error(`unknown command '${command}'`);
  } catch (error) {
    process.stdout.write(`failed ${(error as Error).message}\n`);
  }
}
for (const reader of readers) reader.close();
