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
import { projectStatus } from "../../ledger/status.ts";
import { exportLedger, type Store, type StoredEvent, StoreError } from "../../store/index.ts";
import { AgreementContexts } from "./agreement-context.ts";
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
      .send({ id: record.id, title: record.title, charterHash: record.charterHash, charter: record.charter });
  });

  app.get<{ Params: { id: string } }>("/api/agreements/:id", async (request) => {
    const { record } = await context(request.params.id);
    const head = (await store.agreements.head(record.id))!;
    return {
      id: record.id,
      title: record.title,
      charterHash: record.charterHash,
      charter: record.charter,
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

  // Open streams would keep the server from closing: end them when it does.
  app.addHook("onClose", async () => {
    for (const out of openStreams) out.end();
  });
};
