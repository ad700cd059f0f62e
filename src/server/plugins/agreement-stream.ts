/**
 * Server-sent events for one agreement: the events after the client's cursor, then each new one
 * as it is appended (`event: ledger`, `id: SEQ`), and the status after each batch
 * (`event: status`). A notification only says "something was appended"; the events themselves
 * are read from the store, so the stream is in chain order with no gap or repeat.
 *
 * **Shared** (the default): one reader per agreement. After each batch of appends it reads the new
 * events once and computes the status once, and writes the same bytes to every subscriber, so
 * 500 streams cost one store read and one status projection per batch, not 500. A batch goes out
 * at once after a quiet spell, then at most every BATCH_INTERVAL_MS while appends keep coming, and
 * waits while appends are still arriving (at most MAX_ARRIVALS_WAIT_MS; `schedule`). A
 * subscriber first catches up on its own (from its cursor), then joins. **Per subscriber** (the old path,
 * kept for the benchmark's side-by-side figure): each stream reads and projects for itself.
 *
 * A cursor beyond the head (a `Last-Event-ID` the ledger never reached, or no longer has) gets an
 * `event: error` saying so, then the stream follows the real head: a client that saw more than
 * the server now has must be told, not left waiting in silence.
 */
import type { ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyReply } from "fastify";
import type { Store, StoredEvent } from "../../store/index.ts";
import type { AgreementFeed } from "./agreement-feed.ts";

const HEARTBEAT_MS = 15_000;
/**
 * Bytes a stream may have waiting for its client to read. A client that stops reading would
 * otherwise make the server keep every frame for it; past this it is disconnected, and on
 * reconnecting (with its Last-Event-ID) it gets what it missed from the store.
 */
export const MAX_UNREAD_BYTES = 4 * 1024 * 1024;

export type StreamMode = "shared" | "per-subscriber";

export interface StreamDeps {
  store: Store;
  /**
   * The agreement's whole chain as the shared path reads it: kept parsed by the server
   * (agreement-chain.ts), so catching up 600 new streams does not read and parse it 600 times.
   * Without it, the store is read.
   */
  chain?(id: string): Promise<readonly StoredEvent[]>;
  feed: AgreementFeed;
  status(id: string): Promise<unknown>;
  toWire(event: StoredEvent): unknown;
  /** Open responses, so the server can end them when it closes. */
  open: Set<ServerResponse>;
  /** Bytes a stream may have unread before it is disconnected (default MAX_UNREAD_BYTES). */
  maxUnread?: number;
  /** Least time between two batches to an agreement's streams (default BATCH_INTERVAL_MS). */
  batchIntervalMs?: number;
  /** Longest stretch of stream writes before the loop gets a turn (default WRITE_SLICE_MS). */
  writeSliceMs?: number;
  /**
   * Whether appends to agreement `id` are on their way in (arrived and not yet answered, or new
   * connections being accepted): a batch to its streams then waits for them, at most
   * MAX_ARRIVALS_WAIT_MS (see `schedule`). Without it, a batch never waits for arrivals.
   */
  appending?(id: string): boolean;
  log: FastifyBaseLogger;
}

const frame = (event: string, data: unknown, seq?: number) =>
  `event: ${event}\n${seq === undefined ? "" : `id: ${seq}\n`}data: ${JSON.stringify(data)}\n\n`;

/** Each kept event's frame, encoded once however many streams it goes to. */
const ledgerFrames = new WeakMap<StoredEvent, string>();

function ledgerFrame(deps: StreamDeps, event: StoredEvent): string {
  let text = ledgerFrames.get(event);
  if (text === undefined) {
    text = frame("ledger", deps.toWire(event), event.seq);
    ledgerFrames.set(event, text);
  }
  return text;
}

/** The events after `afterSeq`, from the kept chain when the server keeps one. */
async function eventsAfter(deps: StreamDeps, id: string, afterSeq: number): Promise<readonly StoredEvent[]> {
  if (!deps.chain) return deps.store.agreements.events(id, { afterSeq });
  const chain = await deps.chain(id);
  // seq n is at index n − 1 in a whole chain; filter in case it is not whole
  const from = chain[afterSeq - 1]?.seq === afterSeq || afterSeq === 0 ? afterSeq : -1;
  return from >= 0 ? chain.slice(from) : chain.filter((event) => event.seq > afterSeq);
}

/** The stream's response: headers written, heartbeat running, registered until it closes. */
function openStream(reply: FastifyReply, deps: StreamDeps, onClose: () => void) {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  const stream = {
    out,
    closed: false,
    write: (chunk: string | Buffer) => {
      if (stream.closed) return false;
      if (out.writableLength > (deps.maxUnread ?? MAX_UNREAD_BYTES)) {
        out.destroy();
        return false;
      }
      // Node's http layer corks the socket on a response's write and sends the chunk (its
      // chunked-encoding size line, the bytes, the CRLF: one writev system call) in a nextTick,
      // so a slice of writes to 500 streams timed itself without its system calls, which all ran
      // after it: a "2 ms" slice held the loop for 300 writevs. Corked and uncorked here, the
      // writev runs inside the write and the slice's clock counts it.
      const socket = out.socket;
      socket?.cork();
      const ok = out.write(chunk);
      socket?.uncork();
      return ok;
    },
  };
  const heartbeat = setInterval(() => stream.write(": keep-alive\n\n"), HEARTBEAT_MS);
  deps.open.add(out);
  out.on("close", () => {
    stream.closed = true;
    clearInterval(heartbeat);
    deps.open.delete(out);
    onClose();
  });
  return stream;
}

/** The error event for a cursor past the head, or undefined when the cursor is within the ledger. */
async function beyondHead(deps: StreamDeps, id: string, cursor: number): Promise<string | undefined> {
  if (cursor === 0) return undefined;
  const head = await deps.store.agreements.head(id);
  const seq = head?.seq ?? 0;
  if (cursor <= seq) return undefined;
  return frame("error", {
    error: "beyond-head",
    message: `you have seen event ${cursor}, but this ledger ends at event ${seq}: it was cut or rolled back since (check your checkpoints with 'lockstep ledger verify --checkpoints'); following from event ${seq}`,
    lastEventId: cursor,
    head: { seq, hash: head?.hash },
  });
}

/** Streams one agreement to one client, in the given mode. */
export function streamAgreement(
  reply: FastifyReply,
  id: string,
  cursor: number,
  deps: StreamDeps,
  mode: StreamMode,
  shared: SharedStreams,
): void {
  if (mode === "per-subscriber") streamPerSubscriber(reply, id, cursor, deps);
  else shared.subscribe(reply, id, cursor);
}

interface Subscriber {
  write(chunk: string | Buffer): unknown;
  closed: boolean;
  cursor: number;
  /** Still reading its own backlog: the shared batches it missed meanwhile are re-read after. */
  catchingUp: boolean;
  missed: boolean;
}

/** One agreement's shared reader: its subscribers, the last seq it read, its drain loop. */
interface Channel {
  subscribers: Set<Subscriber>;
  head: number;
  dirty: boolean;
  draining: boolean;
  /** When the last batch went out (performance.now()), and the timer for the next one. */
  lastFlush: number;
  /** When the first append not yet sent to the streams was announced (performance.now()). */
  pendingSince?: number;
  /** Cancels the next batch's timer or immediate, while one is set. */
  timer?: () => void;
  unsubscribe(): void;
}

/**
 * Least time between two batches sent to an agreement's streams. Each batch is one write per open
 * stream (a system call each): sent after every group commit, 500 streams under a steady flow of
 * appends cost more than the appends. A quiet agreement's next event still goes out at once.
 */
export const BATCH_INTERVAL_MS = 100;

/**
 * Longest stretch of stream writes between two turns of the event loop. A batch to 500 streams is
 * 500 socket writes, 20–300 ms of the loop (more for a large batch); written in one go, it held
 * everything else for that long, and in particular new connections: since libuv 1.45 (Node 20) a
 * listening socket accepts one connection per turn of the loop (libuv PR 3696), so a burst of
 * appends on new connections reached the server one per batch, each committed and fanned out
 * alone (docs/benchmarks.md, "the slow first burst"). Yielding between slices lets the loop accept,
 * read requests and finish commits while a batch goes out.
 */
export const WRITE_SLICE_MS = 2;

/**
 * How long a batch waits for appends still on their way in (`appending`), at most, after its first
 * event. While a burst of appends on new connections comes in, every turn of the loop spent
 * writing to the streams is a turn the next connection waits for (libuv accepts one per turn), so
 * the streams get the burst once it is in, in one batch. 200 ms is what a burst of 100 may take at
 * 500 appends/s: a burst on its way to that rate is never interrupted by a batch.
 */
export const MAX_ARRIVALS_WAIT_MS = 200;
/** How often a batch held back for arriving appends looks again whether they have been answered. */
export const ARRIVALS_RECHECK_MS = 2;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The shared path: one channel per followed agreement. */
export class SharedStreams {
  private readonly channels = new Map<string, Promise<Channel>>();
  /** Status documents computed for a head, reused by everyone who asks within a second. */
  private readonly statuses = new Map<string, { seq: number; at: number; status: Promise<string> }>();

  constructor(private readonly deps: StreamDeps) {}

  /** How many subscribers follow `id` (for tests and the benchmark). */
  async subscribers(id: string): Promise<number> {
    return (await this.channels.get(id))?.subscribers.size ?? 0;
  }

  subscribe(reply: FastifyReply, id: string, cursor: number): void {
    const sub: Subscriber = { write: () => false, closed: false, cursor, catchingUp: true, missed: false };
    let channel: Channel | undefined;
    const stream = openStream(reply, this.deps, () => {
      sub.closed = true;
      if (!channel) return;
      channel.subscribers.delete(sub);
      if (channel.subscribers.size === 0) {
        channel.unsubscribe();
        this.channels.delete(id);
      }
    });
    sub.write = stream.write;
    void (async () => {
      channel = await this.channel(id);
      if (sub.closed) return;
      channel.subscribers.add(sub);
      const error = await beyondHead(this.deps, id, sub.cursor);
      if (error) {
        sub.write(error);
        sub.cursor = (await this.deps.store.agreements.head(id))?.seq ?? 0;
      }
      sub.write(await this.statusFrame(id, channel.head));
      await this.catchUp(id, sub);
    })().catch((error) => this.deps.log.error(error));
  }

  private channel(id: string): Promise<Channel> {
    let entry = this.channels.get(id);
    if (!entry) {
      entry = (async () => {
        const head = (await this.deps.store.agreements.head(id))?.seq ?? 0;
        const channel: Channel = {
          subscribers: new Set(),
          head,
          dirty: false,
          draining: false,
          lastFlush: Number.NEGATIVE_INFINITY,
          unsubscribe: () => {},
        };
        const stopFeed = this.deps.feed.subscribe(id, () => {
          channel.dirty = true;
          channel.pendingSince ??= performance.now();
          this.schedule(id, channel);
        });
        channel.unsubscribe = () => {
          stopFeed();
          channel.timer?.();
        };
        return channel;
      })();
      this.channels.set(id, entry);
    }
    return entry;
  }

  /** A new subscriber's own backlog, read until no shared batch passed it by meanwhile. */
  private async catchUp(id: string, sub: Subscriber): Promise<void> {
    do {
      sub.missed = false;
      const events = await eventsAfter(this.deps, id, sub.cursor);
      if (sub.closed) return;
      let text = "";
      for (const event of events) text += ledgerFrame(this.deps, event);
      if (events.length > 0) {
        sub.cursor = events.at(-1)!.seq;
        sub.write(text + (await this.statusFrame(id, sub.cursor)));
      }
    } while (sub.missed && !sub.closed);
    sub.catchingUp = false;
  }

  /**
   * The next batch: when the last one went out long enough ago and no append to the agreement is
   * still on its way in (waiting for those at most MAX_ARRIVALS_WAIT_MS after the batch's first event),
   * else looked at again when that may have changed. It starts in a turn of its own, after the
   * turn that announced the appends has sent their acknowledgements.
   */
  private schedule(id: string, channel: Channel): void {
    if (channel.draining || channel.timer) return;
    const interval = this.deps.batchIntervalMs ?? BATCH_INTERVAL_MS;
    const now = performance.now();
    let wait = channel.lastFlush + interval - now;
    const held = now - (channel.pendingSince ?? now);
    if (wait <= 0 && held < MAX_ARRIVALS_WAIT_MS && this.deps.appending?.(id))
      wait = Math.min(ARRIVALS_RECHECK_MS, MAX_ARRIVALS_WAIT_MS - held);
    if (wait <= 0) {
      const immediate = setImmediate(() => {
        channel.timer = undefined;
        void this.drain(id, channel);
      });
      channel.timer = () => clearImmediate(immediate);
      return;
    }
    const timeout = setTimeout(() => {
      channel.timer = undefined;
      this.schedule(id, channel);
    }, wait);
    channel.timer = () => clearTimeout(timeout);
  }

  /** After appends: read the new events once, project the status once, send both to everyone. */
  private async drain(id: string, channel: Channel): Promise<void> {
    if (channel.draining) return;
    channel.draining = true;
    try {
      if (channel.dirty) {
        channel.dirty = false;
        channel.pendingSince = undefined;
        channel.lastFlush = performance.now();
        const from = channel.head;
        const events = await eventsAfter(this.deps, id, from);
        if (events.length === 0) return;
        channel.head = events.at(-1)!.seq;
        const frames = events.map((event) => ({ seq: event.seq, text: ledgerFrame(this.deps, event) }));
        const status = await this.statusFrame(id, channel.head);
        // encoded once: every subscriber that was at the channel's head gets the same bytes
        let common: Buffer | undefined;
        const sliceMs = this.deps.writeSliceMs ?? WRITE_SLICE_MS;
        let slice = performance.now();
        for (const sub of [...channel.subscribers]) {
          if (performance.now() - slice >= sliceMs) {
            await yieldToLoop();
            slice = performance.now();
          }
          if (sub.closed) continue;
          if (sub.catchingUp) {
            sub.missed = true;
            continue;
          }
          if (sub.cursor >= channel.head) continue;
          if (sub.cursor === from) {
            common ??= Buffer.from(frames.map((f) => f.text).join("") + status);
            sub.write(common);
          } else {
            let text = "";
            for (const f of frames) if (f.seq > sub.cursor) text += f.text;
            sub.write(text + status);
          }
          sub.cursor = channel.head;
        }
      }
    } catch (error) {
      this.deps.log.error(error);
    } finally {
      channel.draining = false;
      // appends that came in meanwhile: the next batch, at the earliest one interval after this one
      if (channel.dirty) this.schedule(id, channel);
    }
  }

  /** The status frame at a head, computed once and shared for a second (the clock moves on). */
  private statusFrame(id: string, seq: number): Promise<string> {
    const now = Date.now();
    const cached = this.statuses.get(id);
    if (cached && cached.seq === seq && now - cached.at < 1000) return cached.status;
    const status = this.deps.status(id).then((doc) => frame("status", doc));
    this.statuses.set(id, { seq, at: now, status });
    status.catch(() => this.statuses.delete(id));
    return status;
  }
}

/** The old path: every stream reads the store and projects the status itself, after every batch. */
function streamPerSubscriber(reply: FastifyReply, id: string, start: number, deps: StreamDeps): void {
  let cursor = start;
  let dirty = true;
  let draining = false;
  let unsubscribe = () => {};
  const stream = openStream(reply, deps, () => unsubscribe());
  const drain = async () => {
    if (draining) return;
    draining = true;
    try {
      while (dirty && !stream.closed) {
        dirty = false;
        const events = await deps.store.agreements.events(id, { afterSeq: cursor });
        for (const event of events) {
          stream.write(frame("ledger", deps.toWire(event), event.seq));
          cursor = event.seq;
        }
        if (events.length > 0) stream.write(frame("status", await deps.status(id)));
      }
    } catch (error) {
      deps.log.error(error);
    } finally {
      draining = false;
    }
  };
  unsubscribe = deps.feed.subscribe(id, () => {
    dirty = true;
    void drain();
  });
  void (async () => {
    const error = await beyondHead(deps, id, cursor);
    if (error) {
      stream.write(error);
      cursor = (await deps.store.agreements.head(id))?.seq ?? 0;
    }
    stream.write(frame("status", await deps.status(id)));
    await drain();
  })().catch((error) => deps.log.error(error));
}
