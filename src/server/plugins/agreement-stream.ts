/**
 * Server-sent events for one agreement: the events after the client's cursor, then each new one
 * as it is appended (`event: ledger`, `id: SEQ`), and the status after each batch
 * (`event: status`). A notification only says "something was appended"; the events themselves
 * are read from the store, so the stream is in chain order with no gap or repeat.
 */
import type { ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyReply } from "fastify";
import type { Store, StoredEvent } from "../../store/index.ts";
import type { AgreementFeed } from "./agreement-feed.ts";

const HEARTBEAT_MS = 15_000;

export interface StreamDeps {
  store: Store;
  feed: AgreementFeed;
  status(id: string): Promise<unknown>;
  toWire(event: StoredEvent): unknown;
  /** Open responses, so the server can end them when it closes. */
  open: Set<ServerResponse>;
  log: FastifyBaseLogger;
}

export function streamAgreement(reply: FastifyReply, id: string, cursor: number, deps: StreamDeps): void {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  let closed = false;
  let dirty = true;
  let draining = false;
  const send = (event: string, data: unknown, seq?: number) => {
    if (closed) return;
    out.write(`event: ${event}\n${seq === undefined ? "" : `id: ${seq}\n`}data: ${JSON.stringify(data)}\n\n`);
  };
  const drain = async () => {
    if (draining) return;
    draining = true;
    try {
      while (dirty && !closed) {
        dirty = false;
        const events = await deps.store.agreements.events(id, { afterSeq: cursor });
        for (const event of events) {
          send("ledger", deps.toWire(event), event.seq);
          cursor = event.seq;
        }
        if (events.length > 0) send("status", await deps.status(id));
      }
    } catch (error) {
      deps.log.error(error);
    } finally {
      draining = false;
    }
  };
  const unsubscribe = deps.feed.subscribe(id, () => {
    dirty = true;
    void drain();
  });
  const heartbeat = setInterval(() => !closed && out.write(": keep-alive\n\n"), HEARTBEAT_MS);
  deps.open.add(out);
  out.on("close", () => {
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    deps.open.delete(out);
  });
  void deps
    .status(id)
    .then((status) => send("status", status))
    .then(drain)
    .catch((error) => deps.log.error(error));
}
