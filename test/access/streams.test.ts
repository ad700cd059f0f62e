/**
 * Event streams under load (issue 13): the status is computed once per batch and shared by every
 * subscriber; a Last-Event-ID beyond the head gets an error event; open streams are capped. Over
 * HTTP on 127.0.0.1, plus one in-process check that counts the status projections.
 */
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, type ServerOptions } from "../../src/server/app.ts";
import { AgreementFeed } from "../../src/server/plugins/agreement-feed.ts";
import { SharedStreams } from "../../src/server/plugins/agreement-stream.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { eventually } from "../helpers/wait.ts";
import { adoptAndSign, type Cast, makeCast, signedEvent } from "../ledger/helpers.ts";

/** Reads a stream until `until` says it has enough; returns the [event, data, id] frames. */
async function readFrames(
  url: string,
  until: (frames: Frame[]) => boolean,
  headers: Record<string, string> = {},
  onFirstFrame: () => void = () => {},
): Promise<Frame[]> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const frames: Frame[] = [];
  while (!until(frames)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string) => block.match(new RegExp(`^${name}: (.*)$`, "m"))?.[1];
      const event = field("event");
      if (event) frames.push({ event, data: JSON.parse(field("data") ?? "null"), id: field("id") });
      if (frames.length === 1) onFirstFrame();
      end = buffer.indexOf("\n\n");
    }
  }
  controller.abort();
  return frames;
}
interface Frame {
  event: string;
  data: Record<string, unknown>;
  id?: string;
}
const ledgerSeqs = (frames: Frame[]) => frames.filter((f) => f.event === "ledger").map((f) => Number(f.id));

async function serveAgreement(options: ServerOptions = {}) {
  const store = await openStore({ sqlitePath: ":memory:" });
  const app = await buildServer({ store, access: { open: true }, ...options });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const cast = await makeCast();
  expect((await adoptAndSign(url, cast)).status).toBe(201);
  return { store, app, url, cast };
}

async function post(url: string, cast: Cast, move: string) {
  const event = await signedEvent(cast, "north-gov", { type: "note", text: move });
  const response = await fetch(`${url}/api/agreements/freeze-deal/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(event),
  });
  expect(response.status).toBe(201);
}

describe.each(["shared", "per-subscriber"] as const)("event streams (%s)", (mode) => {
  let served: Awaited<ReturnType<typeof serveAgreement>>;
  beforeAll(async () => {
    served = await serveAgreement({ streams: { mode } });
  });
  afterAll(async () => {
    await served.app.close();
    await served.store.close();
  });

  it("gives every subscriber every event of a burst once, in order, then a status", async () => {
    const stream = `${served.url}/api/agreements/freeze-deal/events/stream`;
    const before = (await (await fetch(`${served.url}/api/agreements/freeze-deal`)).json()) as {
      events: number;
    };
    const want = before.events + 12;
    const done = (frames: Frame[]) => ledgerSeqs(frames).at(-1) === want && frames.at(-1)?.event === "status";
    // every reader has its first frame (it is subscribed) before the burst: no guessed pause
    const subscribed: Promise<void>[] = [];
    const readers = Array.from({ length: 8 }, () => {
      let first = () => {};
      subscribed.push(new Promise<void>((resolve) => (first = resolve)));
      return readFrames(stream, done, {}, first);
    });
    await Promise.all(subscribed);
    await Promise.all(Array.from({ length: 12 }, (_, i) => post(served.url, served.cast, `burst ${i}`)));
    for (const frames of await Promise.all(readers)) {
      expect(ledgerSeqs(frames)).toEqual(Array.from({ length: want }, (_, i) => i + 1));
      expect(frames[0].event).toBe("status");
      expect(frames.at(-1)?.data.events).toBe(want);
    }
  });

  it("answers a Last-Event-ID beyond the head with an error event, then follows the real head", async () => {
    const stream = `${served.url}/api/agreements/freeze-deal/events/stream`;
    const head = (
      (await (await fetch(`${served.url}/api/agreements/freeze-deal`)).json()) as { events: number }
    ).events;
    let subscribed = () => {};
    const first = new Promise<void>((resolve) => (subscribed = resolve));
    const reading = readFrames(
      stream,
      (frames) => frames.some((f) => f.event === "ledger"),
      { "last-event-id": String(head + 40) },
      subscribed,
    );
    // the error frame has arrived (against the head read above) before the ledger grows
    await first;
    await post(served.url, served.cast, "after the rollback");
    const frames = await reading;
    expect(frames[0].event).toBe("error");
    expect(frames[0].data).toMatchObject({
      error: "beyond-head",
      lastEventId: head + 40,
      head: { seq: head },
    });
    expect(String(frames[0].data.message)).toMatch(new RegExp(`ends at event ${head}`));
    expect(ledgerSeqs(frames)).toEqual([head + 1]);
  });
});

describe("caps on open streams", () => {
  it("answers 503 too-many-streams past the cap, and accepts again once one closes", async () => {
    const served = await serveAgreement({ streams: { max: 2 } });
    try {
      const stream = `${served.url}/api/agreements/freeze-deal/events/stream`;
      const open = [new AbortController(), new AbortController()];
      for (const c of open) expect((await fetch(stream, { signal: c.signal })).status).toBe(200);
      const refused = await fetch(stream);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: "too-many-streams" });
      open[0].abort();
      // the server learns of the closed stream when it does: ask until it has a place again
      const again = new AbortController();
      await eventually(async () => {
        const response = await fetch(stream, { signal: again.signal });
        if (response.status !== 200) await response.body?.cancel();
        return response.status;
      }).toBe(200);
      again.abort();
      open[1].abort();
    } finally {
      await served.app.close();
      await served.store.close();
    }
  });
});

describe("a client that stops reading", () => {
  it("is disconnected once its unread frames pass the limit, so the server keeps no backlog for it", async () => {
    const served = await serveAgreement({ streams: { perAddress: 1, maxUnreadBytes: 64 * 1024 } });
    const stream = `${served.url}/api/agreements/freeze-deal/events/stream`;
    const { port } = new URL(served.url);
    // a raw socket that asks for the stream and never reads a byte of it
    const stalled = connect(Number(port), "127.0.0.1");
    stalled.on("error", () => {});
    try {
      stalled.write(
        "GET /api/agreements/freeze-deal/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
      );
      stalled.pause();
      // it holds the one stream this address may have
      await eventually(async () => {
        const response = await fetch(stream);
        await response.body?.cancel();
        return response.status;
      }).toBe(503);
      // large events until the server has let it go and takes a stream from this address again
      await eventually(async () => {
        // ten at a time: fewer round trips to fill the kernel's socket buffers on a slow machine
        const statuses = await Promise.all(
          Array.from({ length: 10 }, async () => {
            const event = await signedEvent(served.cast, "north-gov", {
              type: "note",
              text: "x".repeat(20_000),
            });
            const response = await fetch(`${served.url}/api/agreements/freeze-deal/events`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(event),
            });
            return response.status;
          }),
        );
        expect(statuses).toEqual(Array(10).fill(201));
        const again = await fetch(stream);
        await again.body?.cancel();
        return again.status;
      }, 150_000).toBe(200);
    } finally {
      stalled.destroy();
      await served.app.close();
      await served.store.close();
    }
  }, 180_000);
});

describe("the shared path", () => {
  let store: Store;
  let server: Server;
  let base: string;
  let statuses = 0;
  const feed = new AgreementFeed();
  let cast: Cast;
  let app: FastifyInstance;

  beforeAll(async () => {
    // the agreement is adopted through a real server on this store; the streams under test are
    // served by a SharedStreams on a plain HTTP server, so its status projections can be counted
    store = await openStore({ sqlitePath: ":memory:" });
    app = await buildServer({ store, access: { open: true } });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    cast = await makeCast();
    await adoptAndSign(url, cast);
    const shared = new SharedStreams({
      store,
      feed,
      status: async () => {
        statuses += 1;
        return { events: (await store.agreements.head("freeze-deal"))?.seq };
      },
      toWire: (event) => ({ seq: event.seq }),
      // appends always on their way in: the batch still goes out, once it has waited its longest
      appending: () => true,
      open: new Set(),
      log: { error: () => {} } as unknown as FastifyBaseLogger,
    });
    server = createServer((_, res) => {
      shared.subscribe({ hijack() {}, raw: res } as unknown as FastifyReply, "freeze-deal", 0);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server?.close();
    await app?.close();
    await store?.close();
  });

  it("projects the status once per batch however many subscribe, and sends it while appends keep arriving", async () => {
    const subscribers = 30;
    const done = (frames: Frame[]) => ledgerSeqs(frames).at(-1) === 5 && frames.at(-1)?.event === "status";
    let connected = 0;
    const readers = Array.from({ length: subscribers }, () =>
      readFrames(base, done, {}, () => {
        connected += 1;
      }),
    );
    while (connected < subscribers) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = statuses;
    // five events appended and announced as one batch
    for (let i = 0; i < 5; i++) {
      const { body, signature } = await signedEvent(cast, "north-gov", { type: "note", text: `n${i}` });
      await store.agreements.append("freeze-deal", body, signature);
    }
    feed.publish("freeze-deal", (await store.agreements.events("freeze-deal")).at(-1)!);
    for (const frames of await Promise.all(readers)) expect(ledgerSeqs(frames)).toEqual([1, 2, 3, 4, 5]);
    expect(statuses - before).toBe(1);
  });
});
