/**
 * /api/agreements — adopt a plan as an agreement, submit signed events, read the ledger, its
 * export, the live status, and follow it by server-sent events. The server refuses what the
 * charter does not allow (bad signature, wrong role, unknown move, malformed or oversized input)
 * with a 4xx and `{ error, message }`, and changes nothing when it does.
 *
 *   app.register(agreementsPlugin, { store })
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import type { FastifyError, FastifyPluginAsync } from "fastify";
import { builtinPath } from "../../io/scenario-files.ts";
import { authorize, findParticipant } from "../../ledger/authorize.ts";
import { canonicalJson } from "../../ledger/canonical.ts";
import { AdoptRequest, buildCharter } from "../../ledger/charter.ts";
import { verifyText } from "../../ledger/crypto.ts";
import { describeIssues, EventBody, SignedEvent } from "../../ledger/events.ts";
import {
  CharterSignatureBody,
  CheckpointBody,
  SignedStatement,
  verifyStatement,
} from "../../ledger/statements.ts";
import { projectStatus } from "../../ledger/status.ts";
import { type VerifyResult, verifyLedger } from "../../ledger/verify.ts";
import { exportLedger, type Store, type StoredEvent, StoreError } from "../../store/index.ts";
import { type AgreementContext, AgreementContexts, awaitingSignatures } from "./agreement-context.ts";
import { AgreementFeed } from "./agreement-feed.ts";
import { streamAgreement } from "./agreement-stream.ts";

export interface AgreementsPluginOptions {
  store: Store;
  /** The clock for status and adoption (tests pin it). */
  now?: () => Date;
}

/** A signed event is small; this keeps a flood of large notes out of the ledger. */
export const EVENT_BODY_LIMIT = 64 * 1024;
const ADOPT_BODY_LIMIT = 2 * 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function errorBody(error: FastifyError | ApiError): { status: number; error: string; message: string } {
  if (error instanceof ApiError)
    return { status: error.statusCode, error: error.code, message: error.message };
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return {
      status: 413,
      error: "payload-too-large",
      message: "request body is larger than this route accepts",
    };
  }
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return { status: 415, error: "unsupported-media-type", message: "send the body as application/json" };
  }
  if (error.statusCode && error.statusCode < 500) {
    const message = error instanceof SyntaxError ? `body is not valid JSON: ${error.message}` : error.message;
    return { status: error.statusCode, error: "bad-request", message };
  }
  return { status: 500, error: "internal", message: "internal error; the server log has the details" };
}

function storeErrorToApi(error: unknown): never {
  if (error instanceof StoreError) {
    const status = error.code === "conflict" ? 409 : error.code === "not_found" ? 404 : 400;
    throw new ApiError(
      status,
      error.code === "conflict" ? "conflict" : error.code.replace("_", "-"),
      error.message,
    );
  }
  throw error;
}

function toWire(event: StoredEvent) {
  return {
    seq: event.seq,
    eventId: event.eventId,
    body: event.body,
    signature: event.signature,
    prevHash: event.prevHash,
    hash: event.hash,
    receivedAt: event.receivedAt,
  };
}

export const agreementsPlugin: FastifyPluginAsync<AgreementsPluginOptions> = async (app, options) => {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const contexts = new AgreementContexts(store);
  const feed = new AgreementFeed();
  const openStreams = new Set<ServerResponse>();

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const { status, ...body } = errorBody(error);
    if (status >= 500) request.log.error(error);
    return reply.code(status).send(body);
  });

  async function context(id: string) {
    const ctx = await contexts.get(id);
    if (!ctx) throw new ApiError(404, "not-found", `no agreement '${id}'`);
    return ctx;
  }

  app.get("/api/agreements", async () => ({ agreements: await store.agreements.list() }));

  app.post("/api/agreements", { bodyLimit: ADOPT_BODY_LIMIT }, async (request, reply) => {
    const parsed = AdoptRequest.safeParse(request.body);
    if (!parsed.success) throw new ApiError(400, "bad-request", describeIssues(parsed.error));
    const input = parsed.data;
    let text = input.scenario;
    let scenarioName = input.scenarioName ?? "scenario";
    if (text === undefined) {
      if (!input.scenarioId)
        throw new ApiError(400, "bad-request", "give 'scenario' (its text) or 'scenarioId'");
      const saved = await store.scenarios.get(input.scenarioId);
      if (saved) {
        text = saved.yaml;
        scenarioName = input.scenarioName ?? saved.id;
      } else {
        // only the built-in library, never a path: the id comes from the client
        const path = /^[a-z0-9][a-z0-9-]*$/.test(input.scenarioId)
          ? builtinPath(input.scenarioId)
          : undefined;
        if (!path)
          throw new ApiError(404, "not-found", `no saved or built-in scenario '${input.scenarioId}'`);
        text = readFileSync(path, "utf8");
        scenarioName = input.scenarioName ?? `${input.scenarioId}.yaml`;
      }
    }
    const charter = buildCharter(
      { ...input, id: input.id ?? crypto.randomUUID(), scenario: text, scenarioName },
      now().toISOString(),
    );
    if (!charter.ok) throw new ApiError(400, "invalid-agreement", charter.message);
    const record = await store.agreements.create(charter.charter).catch(storeErrorToApi);
    return reply
      .code(201)
      .header("location", `/api/agreements/${record.id}`)
      .send({
        id: record.id,
        title: record.title,
        charterHash: record.charterHash,
        charter: record.charter,
        state: "proposed",
        awaiting: record.charter.participants.filter((p) => p.role === "party").map((p) => p.id),
      });
  });

  /** Active once every party has signed; signatures gathered by another process are re-read. */
  async function isActive(ctx: AgreementContext): Promise<boolean> {
    if (awaitingSignatures(ctx).length === 0) return true;
    for (const s of await store.agreements.charterSignatures(ctx.record.id)) ctx.signed.add(s.by);
    return awaitingSignatures(ctx).length === 0;
  }

  /** The stored chain checked once per process, with every hash, signature and checkpoint. */
  function checkChain(ctx: AgreementContext): Promise<VerifyResult> {
    ctx.chainCheck ??= (async () => {
      const doc = await exportLedger(store.agreements, ctx.record.id, now().toISOString());
      const result = await verifyLedger(doc);
      if (!result.ok) {
        app.log.error(
          { agreement: ctx.record.id, problem: result.message },
          `ALERT: the stored ledger of agreement ${ctx.record.id} is damaged; appends are refused`,
        );
      }
      return result;
    })();
    return ctx.chainCheck;
  }

  /** A statement's envelope and signature, checked against the agreement's participants. */
  async function checkStatement<T extends { agreement: string; by: string }>(
    ctx: AgreementContext,
    raw: unknown,
    schema: {
      safeParse(x: unknown): { success: true; data: T } | { success: false; error: import("zod").ZodError };
    },
  ): Promise<{ body: T; signature: string }> {
    const envelope = SignedStatement.safeParse(raw);
    if (!envelope.success) {
      throw new ApiError(
        400,
        "bad-request",
        `expected { body, signature }: ${describeIssues(envelope.error)}`,
      );
    }
    const body = schema.safeParse(envelope.data.body);
    if (!body.success) throw new ApiError(400, "malformed-statement", describeIssues(body.error));
    if (body.data.agreement !== ctx.record.id) {
      throw new ApiError(400, "wrong-agreement", `signed for agreement '${body.data.agreement}'`);
    }
    const key = ctx.keys.get(body.data.by);
    if (!key) throw new ApiError(403, "unknown-participant", `'${body.data.by}' is not a participant`);
    if (!(await verifyStatement(key, envelope.data.body, envelope.data.signature))) {
      throw new ApiError(403, "bad-signature", `the signature does not match ${body.data.by}'s key`);
    }
    return { body: body.data, signature: envelope.data.signature };
  }

  app.post<{ Params: { id: string } }>(
    "/api/agreements/:id/signatures",
    { bodyLimit: EVENT_BODY_LIMIT },
    async (request) => {
      const ctx = await context(request.params.id);
      const { body, signature } = await checkStatement(ctx, request.body, CharterSignatureBody);
      if (body.charterHash !== ctx.record.charterHash) {
        throw new ApiError(
          409,
          "wrong-charter",
          `the signature is for charter ${body.charterHash}; this agreement's charter is ${ctx.record.charterHash}`,
        );
      }
      await store.agreements.addCharterSignature(ctx.record.id, {
        by: body.by,
        signature,
        signedAt: now().toISOString(),
      });
      ctx.signed.add(body.by);
      const awaiting = awaitingSignatures(ctx);
      return { state: awaiting.length === 0 ? "active" : "proposed", signedBy: [...ctx.signed], awaiting };
    },
  );

  app.post<{ Params: { id: string } }>(
    "/api/agreements/:id/checkpoints",
    { bodyLimit: EVENT_BODY_LIMIT },
    async (request, reply) => {
      const ctx = await context(request.params.id);
      const { body, signature } = await checkStatement(ctx, request.body, CheckpointBody);
      const at =
        body.seq === 0
          ? ctx.record.charterHash
          : (await store.agreements.events(ctx.record.id, { afterSeq: body.seq - 1, limit: 1 }))[0]?.hash;
      if (at !== body.hash) {
        throw new ApiError(
          409,
          "unknown-head",
          `this ledger has no event ${body.seq} with hash ${body.hash}: countersign a head the server has`,
        );
      }
      await store.agreements.addCheckpoint(ctx.record.id, { body, signature });
      return reply.code(201).send({ stored: true, seq: body.seq, hash: body.hash });
    },
  );

  app.get<{ Params: { id: string } }>("/api/agreements/:id", async (request) => {
    const ctx = await context(request.params.id);
    const { record } = ctx;
    const head = (await store.agreements.head(record.id))!;
    const active = await isActive(ctx);
    return {
      id: record.id,
      title: record.title,
      charterHash: record.charterHash,
      charter: record.charter,
      state: active ? "active" : "proposed",
      signedBy: [...ctx.signed],
      awaiting: awaitingSignatures(ctx),
      events: head.seq,
      head: head.hash,
    };
  });

  app.get<{ Params: { id: string }; Querystring: { after?: string; limit?: string } }>(
    "/api/agreements/:id/events",
    async (request) => {
      const { record } = await context(request.params.id);
      const afterSeq = request.query.after === undefined ? 0 : Number(request.query.after);
      const limit = request.query.limit === undefined ? undefined : Number(request.query.limit);
      if (!Number.isInteger(afterSeq) || afterSeq < 0)
        throw new ApiError(400, "bad-request", "after must be a seq ≥ 0");
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
        throw new ApiError(400, "bad-request", "limit must be a whole number ≥ 1");
      }
      const events = await store.agreements.events(record.id, { afterSeq, limit });
      return { events: events.map(toWire) };
    },
  );

  app.post<{ Params: { id: string } }>(
    "/api/agreements/:id/events",
    { bodyLimit: EVENT_BODY_LIMIT },
    async (request, reply) => {
      const raw = request.body as Record<string, unknown> | undefined;
      if (raw && typeof raw === "object" && !Array.isArray(raw) && raw.signature === undefined && raw.body) {
        throw new ApiError(
          400,
          "unsigned",
          "the event has no signature: sign the canonical JSON of its body",
        );
      }
      const signed = SignedEvent.safeParse(raw);
      if (!signed.success) {
        throw new ApiError(
          400,
          "bad-request",
          `expected { body, signature }: ${describeIssues(signed.error)}`,
        );
      }
      if (signed.data.body.agreement !== request.params.id) {
        throw new ApiError(
          400,
          "wrong-agreement",
          `the event was signed for agreement '${String(signed.data.body.agreement)}', not '${request.params.id}'`,
        );
      }
      const ctx = await context(request.params.id);
      const body = EventBody.safeParse(signed.data.body);
      if (!body.success) throw new ApiError(400, "malformed-event", describeIssues(body.error));
      const who = findParticipant(ctx.charter, body.data.by);
      const key = ctx.keys.get(body.data.by);
      if (!who || !key) {
        throw new ApiError(
          403,
          "unknown-participant",
          `'${body.data.by}' is not a participant of this agreement`,
        );
      }
      // The signature covers the body exactly as sent (re-encoded canonically), extra fields included.
      if (!(await verifyText(key, canonicalJson(signed.data.body), signed.data.signature))) {
        throw new ApiError(403, "bad-signature", `the signature does not match ${who.id}'s key`);
      }
      const refusal = authorize(ctx.charter, ctx.compiled, body.data);
      if (refusal) throw new ApiError(refusal.status, refusal.error.replace(/_/g, "-"), refusal.message);
      if (!(await isActive(ctx))) {
        throw new ApiError(
          409,
          "not-active",
          `the agreement is proposed, not active: waiting for the charter signatures of ${awaitingSignatures(ctx).join(", ")}`,
        );
      }
      const chain = await checkChain(ctx);
      if (!chain.ok) {
        throw new ApiError(
          503,
          "ledger-damaged",
          `the stored ledger fails verification (${chain.message}); the server appends nothing until an operator restores it`,
        );
      }
      const result = await store.agreements
        .append(ctx.record.id, body.data, signed.data.signature)
        .catch(storeErrorToApi);
      if (!result.duplicate) feed.publish(ctx.record.id, result.event);
      return reply
        .code(result.duplicate ? 200 : 201)
        .send({ duplicate: result.duplicate, event: toWire(result.event) });
    },
  );

  app.get<{ Params: { id: string } }>("/api/agreements/:id/export", async (request) => {
    const { record } = await context(request.params.id);
    return exportLedger(store.agreements, record.id, now().toISOString());
  });

  async function statusOf(id: string, at?: string) {
    const ctx = await context(id);
    const events = await store.agreements.events(ctx.record.id);
    const status = projectStatus(ctx.charter, ctx.compiled, events, at ?? now().toISOString());
    const awaiting = awaitingSignatures(ctx);
    if (awaiting.length > 0 && !(await isActive(ctx))) {
      status.alerts.unshift({
        level: "warning",
        message: `proposed, not yet active: waiting for the charter signatures of ${awaitingSignatures(ctx).join(", ")}`,
      });
    }
    const chain = ctx.chainCheck && (await ctx.chainCheck);
    if (chain && !chain.ok) {
      status.alerts.unshift({ level: "critical", message: `the stored ledger is damaged: ${chain.message}` });
    }
    return { ...status, head: events.at(-1)?.hash ?? ctx.record.charterHash };
  }

  app.get<{ Params: { id: string }; Querystring: { at?: string } }>(
    "/api/agreements/:id/status",
    async (request) => {
      const at = request.query.at;
      if (at !== undefined && Number.isNaN(Date.parse(at))) {
        throw new ApiError(400, "bad-request", "at must be an ISO date-time");
      }
      return statusOf(request.params.id, at === undefined ? undefined : new Date(at).toISOString());
    },
  );

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    "/api/agreements/:id/events/stream",
    async (request, reply) => {
      const ctx = await context(request.params.id);
      const lastSeen = request.headers["last-event-id"] ?? request.query.after ?? "0";
      let cursor = Number(Array.isArray(lastSeen) ? lastSeen[0] : lastSeen);
      if (!Number.isInteger(cursor) || cursor < 0) cursor = 0;
      streamAgreement(reply, ctx.record.id, cursor, {
        store,
        feed,
        status: (id) => statusOf(id),
        toWire,
        open: openStreams,
        log: app.log,
      });
    },
  );

  // At start, check every stored chain (in the background): damage is reported as an alert at
  // once, and appends to a damaged chain are refused.
  app.addHook("onReady", async () => {
    void (async () => {
      for (const { id } of await store.agreements.list()) {
        const ctx = await contexts.get(id).catch(() => undefined);
        if (ctx && (await isActive(ctx))) await checkChain(ctx);
      }
    })().catch((error) => app.log.error(error));
  });

  // Open streams would keep the server from closing: end them when it does.
  app.addHook("onClose", async () => {
    for (const out of openStreams) out.end();
  });
};
