/**
 * /api/agreements — adopt a plan as an agreement, have its parties sign the charter, submit
 * signed events and countersign heads, read the ledger, its export, the live status, and follow
 * it by server-sent events. The server refuses what the charter does not allow (bad signature,
 * wrong role, unknown move, not yet active, malformed or oversized input) with a 4xx and
 * `{ error, message }`, and changes nothing when it does.
 *
 *   app.register(agreementsPlugin, { store, library })
 *
 * The plugin registers four groups of routes (adoption, signatures, events, reading), each a
 * function below; what they share (the agreements' contexts, their activation and chain checks,
 * the live feed) is the AgreementLedger. The checks on posted documents are agreement-checks.ts.
 */
import type { ServerResponse } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  buildCharter,
  CharterSignatureBody,
  CheckpointBody,
  projectStatus,
  receivedBy,
  type VerifyResult,
  verifyLedger,
} from "../../ledger/index.ts";
import { exportLedger, type Store, type StoredEvent } from "../../store/index.ts";
import type { AccessControl } from "../access.ts";
import * as schemas from "../agreement-schemas.ts";
import { HttpError, notFound } from "../errors.ts";
import type { ScenarioLibrary } from "../scenarios.ts";
import { errorResponses, IdParams, jsonResponse } from "../schemas.ts";
import { registerReadSessions } from "./agreement-access.ts";
import {
  inForce,
  refuseIneffectiveAmendment,
  registerVersions,
  statusVersions,
  versionsOf,
} from "./agreement-amendments.ts";
import { ListQuery, registerArchive } from "./agreement-archive.ts";
import { ChainCache } from "./agreement-chain.ts";
import { adoptedScenario, checkEnvelope, checkSignedStep, checkStatement } from "./agreement-checks.ts";
import { type AgreementContext, AgreementContexts, awaitingSignatures } from "./agreement-context.ts";
import { AgreementFeed } from "./agreement-feed.ts";
import { registerReplan } from "./agreement-replan.ts";
import { SharedStreams, type StreamMode, streamAgreement } from "./agreement-stream.ts";

export interface AgreementsPluginOptions {
  store: Store;
  /** Where `scenarioId` is looked up when adopting: saved scenarios and the built-in library. */
  library: ScenarioLibrary;
  /** Read challenges and tokens (src/server/access.ts). */
  access: AccessControl;
  /** The clock for status and adoption (tests pin it). */
  now?: () => Date;
  streams?: StreamOptions;
}

export interface StreamOptions {
  /** `shared` (default): one store read and status per batch for all subscribers; `per-subscriber`: the old path. */
  mode?: StreamMode;
  /** Most event streams open at once (default 2,000), and from one address (default 600). */
  max?: number;
  perAddress?: number;
  /** Bytes a stream may leave unread before it is disconnected (default 4 MiB; agreement-stream.ts). */
  maxUnreadBytes?: number;
  /**
   * Longest stretch of writes to the streams before the event loop gets a turn (default
   * WRITE_SLICE_MS, agreement-stream.ts); Infinity writes each batch in one go.
   */
  writeSliceMs?: number;
}

/**
 * How long after an append to an agreement arrived or was answered the server counts more as on
 * their way (ms). In a burst on new connections the next request arrives a turn or two after the
 * last (libuv accepts one connection per turn), well within it near idle; and a client that has
 * just been answered often sends its next event at once, or is still reading its answer: a batch
 * to 500 streams started at that moment takes the machine's cores from it.
 */
const RECENT_APPEND_MS = 20;

export const MAX_STREAMS = 2000;
export const MAX_STREAMS_PER_ADDRESS = 600;

/** A signed event is small; this keeps a flood of large notes out of the ledger. */
export const EVENT_BODY_LIMIT = 64 * 1024;
const ADOPT_BODY_LIMIT = 2 * 1024 * 1024;

function toWire(event: StoredEvent): schemas.LedgerEvent {
  const { seq, eventId, body, signature, prevHash, hash, receivedAt } = event;
  return { seq, eventId, body, signature, prevHash, hash, receivedAt };
}

/** What the routes share: each agreement's context, whether it is active, its chain check, the feed. */
class AgreementLedger {
  readonly contexts: AgreementContexts;
  readonly feed = new AgreementFeed();
  readonly openStreams = new Set<ServerResponse>();
  /** Open streams per client address, for the per-address cap. */
  readonly streamsByAddress = new Map<string, number>();
  readonly shared: SharedStreams;
  /** Chains kept parsed for the status, extended as they grow (agreement-chain.ts). */
  private readonly chains: ChainCache;
  /** Per agreement, appends that have arrived and are not yet answered. */
  private readonly arriving = new Map<string, number>();
  /** Per agreement, when an append last arrived or was answered (performance.now()). */
  private readonly lastAppend = new Map<string, number>();

  constructor(
    readonly store: Store,
    readonly now: () => Date,
    private readonly log: FastifyBaseLogger,
    private readonly streamOptions: StreamOptions = {},
  ) {
    this.contexts = new AgreementContexts(store);
    this.chains = new ChainCache(store);
    this.shared = new SharedStreams(this.streamDeps());
  }

  streamDeps() {
    return {
      store: this.store,
      chain: async (id: string) => this.chains.events(id, (await this.context(id)).record.charterHash),
      feed: this.feed,
      status: (id: string) => this.status(id),
      toWire,
      open: this.openStreams,
      log: this.log,
      maxUnread: this.streamOptions.maxUnreadBytes,
      writeSliceMs: this.streamOptions.writeSliceMs,
      appending: (id: string) => this.appending(id),
    };
  }

  /**
   * Appends to `id` are on their way in: some have arrived (their request's head was read) and are
   * not yet answered, or one arrived or was answered in the last RECENT_APPEND_MS (a burst's next
   * append is coming). Only appends to this agreement count: other requests, and appends to other
   * agreements, never hold its streams. The streams' batch waits for them (agreement-stream.ts).
   */
  appending(id: string): boolean {
    if ((this.arriving.get(id) ?? 0) > 0) return true;
    const last = this.lastAppend.get(id);
    if (last === undefined) return false;
    if (performance.now() - last < RECENT_APPEND_MS) return true;
    this.lastAppend.delete(id);
    return false;
  }

  /** An append to `id` has arrived; the function returned says it has been answered (once). */
  arrived(id: string): () => void {
    this.arriving.set(id, (this.arriving.get(id) ?? 0) + 1);
    this.lastAppend.set(id, performance.now());
    let answered = false;
    return () => {
      if (answered) return;
      answered = true;
      this.lastAppend.set(id, performance.now());
      const left = (this.arriving.get(id) ?? 1) - 1;
      if (left > 0) this.arriving.set(id, left);
      else this.arriving.delete(id);
    };
  }

  async context(id: string): Promise<AgreementContext> {
    const ctx = await this.contexts.get(id);
    if (!ctx) throw notFound(`agreement '${id}'`);
    return ctx;
  }

  /** Active once every party has signed; signatures gathered by another process are re-read. */
  async isActive(ctx: AgreementContext): Promise<boolean> {
    if (awaitingSignatures(ctx).length === 0) return true;
    for (const s of await this.store.agreements.charterSignatures(ctx.record.id)) ctx.signed.add(s.by);
    return awaitingSignatures(ctx).length === 0;
  }

  /** The stored chain checked once per process, with every hash, signature and checkpoint. */
  checkChain(ctx: AgreementContext): Promise<VerifyResult> {
    ctx.chainCheck ??= (async () => {
      const doc = await exportLedger(
        this.store.agreements,
        ctx.record.id,
        this.now().toISOString(),
        this.store.archives,
      );
      const result = await verifyLedger(doc);
      if (!result.ok) {
        this.log.error(
          { agreement: ctx.record.id, problem: result.message },
          `ALERT: the stored ledger of agreement ${ctx.record.id} is damaged; appends are refused`,
        );
      }
      return result;
    })();
    return ctx.chainCheck;
  }

  /** The live status, with alerts for an agreement not yet active or a damaged chain. */
  async status(id: string, at?: string) {
    const ctx = await this.context(id);
    const events = await this.chains.events(ctx.record.id, ctx.record.charterHash);
    // the plan in force at that time: amendments (agreement-amendments.ts) change it from their point on
    const chainVersions = versionsOf(ctx, events, at);
    const versions = statusVersions(chainVersions);
    const charter = inForce(ctx, chainVersions);
    const now = at ?? this.now().toISOString();
    const status = projectStatus(charter, ctx.compiled, events, now);
    if (versions.alert) status.alerts.unshift(versions.alert);
    if (awaitingSignatures(ctx).length > 0 && !(await this.isActive(ctx))) {
      status.alerts.unshift({
        level: "warning",
        message: `proposed, not yet active: waiting for the charter signatures of ${awaitingSignatures(ctx).join(", ")}`,
      });
    }
    const chain = ctx.chainCheck && (await ctx.chainCheck);
    if (chain && !chain.ok) {
      status.alerts.unshift({ level: "critical", message: `the stored ledger is damaged: ${chain.message}` });
    }
    const { alert: _alert, ...summary } = versions;
    // the head the status counts up to: the last event received by `at`
    const head = receivedBy(events, now).at(-1)?.hash ?? ctx.record.charterHash;
    return { ...status, ...summary, head };
  }

  /** At start, every stored chain is checked in the background: damage shows as an alert at once. */
  async checkAllChains(): Promise<void> {
    for (const { id } of await this.store.agreements.list()) {
      const ctx = await this.contexts.get(id).catch(() => undefined);
      if (ctx && (await this.isActive(ctx))) await this.checkChain(ctx);
    }
  }
}

export const agreementsPlugin: FastifyPluginAsyncZod<AgreementsPluginOptions> = async (app, options) => {
  const ledger = new AgreementLedger(
    options.store,
    options.now ?? (() => new Date()),
    app.log,
    options.streams,
  );
  registerAdoption(app, ledger, options.library);
  registerSignatures(app, ledger);
  registerEvents(app, ledger);
  registerReading(app, ledger, options.streams ?? {});
  registerReadSessions(app, { access: options.access, context: (id) => ledger.context(id) });
  registerVersions(app, {
    context: (id) => ledger.context(id),
    events: (id) => ledger.store.agreements.events(id),
  });
  registerArchive(app, { context: (id) => ledger.context(id), store: ledger.store, now: ledger.now });
  registerReplan(app, {
    context: (id) => ledger.context(id),
    events: (id) => ledger.store.agreements.events(id),
    now: ledger.now,
  });
  app.addHook("onReady", async () => {
    void ledger.checkAllChains().catch((error) => app.log.error(error));
  });
  // Open streams would keep the server from closing: end them when it does.
  app.addHook("onClose", async () => {
    for (const out of ledger.openStreams) out.end();
  });
};

type Routes = Parameters<FastifyPluginAsyncZod>[0];

function registerAdoption(app: Routes, ledger: AgreementLedger, library: ScenarioLibrary): void {
  const { store } = ledger;
  app.get(
    "/api/agreements",
    {
      schema: {
        summary: "List adopted agreements (archived ones only with ?archived=1)",
        querystring: ListQuery,
        response: { 200: jsonResponse("Every agreement", schemas.AgreementList), ...errorResponses(400) },
      },
    },
    async (request) => {
      const withArchived = request.query.archived === "1" || request.query.archived === "true";
      const archived = await store.archives.archivedIds();
      const agreements = (await store.agreements.list()).map((a) => ({ ...a, archived: archived.has(a.id) }));
      return { agreements: withArchived ? agreements : agreements.filter((a) => !a.archived) };
    },
  );

  app.post(
    "/api/agreements",
    {
      bodyLimit: ADOPT_BODY_LIMIT,
      schema: {
        summary: "Adopt a plan as an agreement (its charter); active once every party signs it",
        body: schemas.AdoptRequest,
        response: {
          201: jsonResponse("Proposed; `location` names it", schemas.AdoptedAgreement),
          ...errorResponses(400, 404, 409, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const input = request.body;
      const scenario = await adoptedScenario(library, input);
      const charter = buildCharter(
        {
          ...input,
          id: input.id ?? crypto.randomUUID(),
          scenario: scenario.text,
          scenarioName: scenario.name,
        },
        ledger.now().toISOString(),
      );
      if (!charter.ok) throw new HttpError(400, "invalid-agreement", charter.message);
      const record = await store.agreements.create(charter.charter);
      return reply
        .code(201)
        .header("location", `/api/agreements/${record.id}`)
        .send({
          id: record.id,
          title: record.title,
          charterHash: record.charterHash,
          charter: record.charter,
          state: "proposed" as const,
          awaiting: record.charter.participants.filter((p) => p.role === "party").map((p) => p.id),
        });
    },
  );
}

function registerSignatures(app: Routes, ledger: AgreementLedger): void {
  const { store } = ledger;
  app.post(
    "/api/agreements/:id/signatures",
    {
      bodyLimit: EVENT_BODY_LIMIT,
      // documented as PostedCharterSignature, checked step by step (agreement-checks.ts)
      validatorCompiler: () => (data) => ({ value: data }),
      schema: {
        summary: "Sign the charter hash as a participant; active once every party has",
        params: IdParams,
        body: schemas.PostedCharterSignature,
        response: {
          200: jsonResponse("Who has signed and who is awaited", schemas.SignatureState),
          ...errorResponses(400, 403, 404, 409, 413, 415),
        },
      },
    },
    async (request) => {
      const ctx = await ledger.context(request.params.id);
      const { body, signature } = await checkStatement(ctx, request.body, CharterSignatureBody);
      if (body.charterHash !== ctx.record.charterHash) {
        throw new HttpError(
          409,
          "wrong-charter",
          `the signature is for charter ${body.charterHash}; this agreement's charter is ${ctx.record.charterHash}`,
        );
      }
      const signedAt = ledger.now().toISOString();
      await store.agreements.addCharterSignature(ctx.record.id, { by: body.by, signature, signedAt });
      ctx.signed.add(body.by);
      const awaiting = awaitingSignatures(ctx);
      // active: appends may follow at once, so the store gets ready to commit them
      if (awaiting.length === 0) store.agreements.prepareAppends();
      return {
        state: awaiting.length === 0 ? ("active" as const) : ("proposed" as const),
        signedBy: [...ctx.signed],
        awaiting,
      };
    },
  );

  app.post(
    "/api/agreements/:id/checkpoints",
    {
      bodyLimit: EVENT_BODY_LIMIT,
      validatorCompiler: () => (data) => ({ value: data }),
      schema: {
        summary: "Countersign a head of the chain (seq, hash, time) as a participant",
        params: IdParams,
        body: schemas.PostedCheckpoint,
        response: {
          201: jsonResponse("Stored", schemas.StoredCheckpointReply),
          ...errorResponses(400, 403, 404, 409, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const ctx = await ledger.context(request.params.id);
      const { body, signature } = await checkStatement(ctx, request.body, CheckpointBody);
      const at =
        body.seq === 0
          ? ctx.record.charterHash
          : (await store.agreements.events(ctx.record.id, { afterSeq: body.seq - 1, limit: 1 }))[0]?.hash;
      if (at !== body.hash) {
        throw new HttpError(
          409,
          "unknown-head",
          `this ledger has no event ${body.seq} with hash ${body.hash}: countersign a head the server has`,
        );
      }
      await store.agreements.addCheckpoint(ctx.record.id, { body, signature });
      return reply.code(201).send({ stored: true as const, seq: body.seq, hash: body.hash });
    },
  );
}

const EventsQuery = z.object({
  after: z.coerce.number().int().min(0).optional().describe("seq to start after"),
  limit: z.coerce.number().int().min(1).optional(),
});

function registerEvents(app: Routes, ledger: AgreementLedger): void {
  const { store } = ledger;
  app.get(
    "/api/agreements/:id/events",
    {
      schema: {
        summary: "The ledger's events in order",
        params: IdParams,
        querystring: EventsQuery,
        response: { 200: jsonResponse("The events", schemas.LedgerEventList), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { record } = await ledger.context(request.params.id);
      const { after = 0, limit } = request.query;
      const events = await store.agreements.events(record.id, { afterSeq: after, limit });
      return { events: events.map(toWire) };
    },
  );

  app.post(
    "/api/agreements/:id/events",
    {
      bodyLimit: EVENT_BODY_LIMIT,
      // Documented as PostedEvent but checked step by step in the handler, on the body exactly as
      // sent: the signature covers those bytes, and each failure has its own error code.
      validatorCompiler: () => (data) => ({ value: data }),
      // From its head on (before the body is read) until its answer is sent or the client leaves,
      // an append holds its agreement's next batch to the streams (`appending`).
      onRequest: (request, reply, done) => {
        const answered = ledger.arrived((request.params as { id: string }).id);
        reply.raw.once("close", answered);
        done();
      },
      schema: {
        summary: "Append a signed event",
        params: IdParams,
        body: schemas.PostedEvent,
        response: {
          200: jsonResponse("Already in the ledger (a duplicate)", schemas.AppendedEvent),
          201: jsonResponse("Appended", schemas.AppendedEvent),
          ...errorResponses(400, 403, 404, 409, 413, 415, 503),
        },
      },
    },
    async (request, reply) => {
      const signed = checkEnvelope(request.body, request.params.id);
      const ctx = await ledger.context(request.params.id);
      const body = await checkSignedStep(ctx, signed);
      await refuseUnlessWritable(ledger, ctx);
      if (body.type === "amendment.proposed" || body.type === "amendment.signed") {
        const events = await store.agreements.events(ctx.record.id);
        refuseIneffectiveAmendment(versionsOf(ctx, events), body, events);
      }
      const result = await store.agreements.append(ctx.record.id, body, signed.signature);
      if (!result.duplicate) ledger.feed.publish(ctx.record.id, result.event);
      return reply
        .code(result.duplicate ? 200 : 201)
        .send({ duplicate: result.duplicate, event: toWire(result.event) });
    },
  );
}

/**
 * Appends go only to an active agreement whose stored chain verifies. Whether it is archived is
 * the store's to decide, inside the append's transaction (409 `archived`, via fromStoreError).
 */
async function refuseUnlessWritable(ledger: AgreementLedger, ctx: AgreementContext): Promise<void> {
  if (!(await ledger.isActive(ctx))) {
    throw new HttpError(
      409,
      "not-active",
      `the agreement is proposed, not active: waiting for the charter signatures of ${awaitingSignatures(ctx).join(", ")}`,
    );
  }
  const chain = await ledger.checkChain(ctx);
  if (!chain.ok) {
    throw new HttpError(
      503,
      "ledger-damaged",
      `the stored ledger fails verification (${chain.message}); the server appends nothing until an operator restores it`,
    );
  }
}

const StatusQuery = z.object({
  at: z
    .string()
    .refine((at) => !Number.isNaN(Date.parse(at)), "at must be an ISO date-time")
    .optional()
    .describe("ISO date-time; default now"),
});
const StreamQuery = z.object({ after: z.string().optional().describe("seq to start after") });

function registerReading(app: Routes, ledger: AgreementLedger, streams: StreamOptions): void {
  const { store } = ledger;
  app.get(
    "/api/agreements/:id",
    {
      schema: {
        summary: "An agreement's charter, whether it is active, and the head of its ledger",
        params: IdParams,
        response: { 200: jsonResponse("The agreement", schemas.AgreementDocument), ...errorResponses(404) },
      },
    },
    async (request) => {
      const ctx = await ledger.context(request.params.id);
      const { id, title, charterHash, charter } = ctx.record;
      const head = (await store.agreements.head(id))!;
      const active = await ledger.isActive(ctx);
      return {
        id,
        title,
        charterHash,
        charter,
        state: active ? ("active" as const) : ("proposed" as const),
        signedBy: [...ctx.signed],
        awaiting: awaitingSignatures(ctx),
        events: head.seq,
        head: head.hash,
      };
    },
  );

  app.get(
    "/api/agreements/:id/export",
    {
      schema: {
        summary: "The whole ledger as one document, for offline verification",
        params: IdParams,
        response: {
          200: jsonResponse("The export (docs/ledger.md)", z.record(z.string(), z.unknown())),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const { record } = await ledger.context(request.params.id);
      const exported = await exportLedger(
        store.agreements,
        record.id,
        ledger.now().toISOString(),
        store.archives,
      );
      return exported as unknown as Record<string, unknown>;
    },
  );

  app.get(
    "/api/agreements/:id/status",
    {
      schema: {
        summary: "Phase, moves planned against done and verified, exposure now, alerts",
        params: IdParams,
        querystring: StatusQuery,
        response: {
          200: jsonResponse(
            "The live status projection (docs/ledger.md) plus `head`, the hash of the last event",
            schemas.AgreementStatusDocument,
          ),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { at } = request.query;
      return ledger.status(request.params.id, at === undefined ? undefined : new Date(at).toISOString());
    },
  );

  app.get(
    "/api/agreements/:id/events/stream",
    {
      schema: {
        summary: "The ledger as server-sent events: `ledger` per event, then `status` after each",
        params: IdParams,
        querystring: StreamQuery,
        response: {
          200: { description: "An event stream", content: { "text/event-stream": { schema: z.string() } } },
          ...errorResponses(404, 503),
        },
      },
    },
    async (request, reply) => {
      const ctx = await ledger.context(request.params.id);
      const lastSeen = request.headers["last-event-id"] ?? request.query.after ?? "0";
      let cursor = Number(Array.isArray(lastSeen) ? lastSeen[0] : lastSeen);
      if (!Number.isInteger(cursor) || cursor < 0) cursor = 0;
      const address = request.ip;
      const fromAddress = ledger.streamsByAddress.get(address) ?? 0;
      const max = streams.max ?? MAX_STREAMS;
      const perAddress = streams.perAddress ?? MAX_STREAMS_PER_ADDRESS;
      if (ledger.openStreams.size >= max || fromAddress >= perAddress) {
        const which = fromAddress >= perAddress ? `${perAddress} from one address` : `${max}`;
        throw new HttpError(
          503,
          "too-many-streams",
          `this server already has ${which} event streams open: try again later`,
        );
      }
      // a follower expects appends: the store gets ready to commit them (the append thread's start)
      store.agreements.prepareAppends();
      ledger.streamsByAddress.set(address, fromAddress + 1);
      reply.raw.on("close", () => {
        const left = (ledger.streamsByAddress.get(address) ?? 1) - 1;
        if (left <= 0) ledger.streamsByAddress.delete(address);
        else ledger.streamsByAddress.set(address, left);
      });
      streamAgreement(
        reply,
        ctx.record.id,
        cursor,
        ledger.streamDeps(),
        streams.mode ?? "shared",
        ledger.shared,
      );
    },
  );
}
