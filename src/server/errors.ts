/**
 * The server's one error type and the one handler that turns every failure into
 * `{ error, message, issues? }`: HttpError for what a route refuses, fastify's own errors (body
 * too large, not JSON), request validation against the route's zod schemas, and the store's
 * conflicts. Anything else is a plain 500 without a stack trace.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { ScenarioIssue } from "../model/index.ts";
import { StoreError } from "../store/index.ts";

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    /** Stable machine-readable code, e.g. `invalid-scenario`. */
    readonly code: string,
    message: string,
    readonly issues?: ScenarioIssue[],
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: string;
  message: string;
  issues?: ScenarioIssue[];
}

export const notFound = (what: string) => new HttpError(404, "not-found", `${what} not found`);
export const badRequest = (message: string) => new HttpError(400, "bad-request", message);

/** The store's refusals (an id taken, no such row, an id that is not a slug, an archived agreement) as HTTP errors. */
export function fromStoreError(error: StoreError): HttpError {
  if (error.code === "archived") return new HttpError(409, "archived", error.message);
  const status = error.code === "conflict" ? 409 : error.code === "not_found" ? 404 : 400;
  const code =
    error.code === "not_found" ? "not-found" : error.code === "invalid" ? "bad-request" : "conflict";
  return new HttpError(status, code, error.message);
}

/** A request that does not match its route's schema: the first problem in the message, all as issues. */
function validationError(error: FastifyError & { validation: unknown[] }): HttpError {
  const where = (error as { validationContext?: string }).validationContext ?? "body";
  const issues = (error.validation as { instancePath: string; keyword: string; message?: string }[]).map(
    (issue) => ({
      path: issue.instancePath.replace(/^\//, "").replaceAll("/", "."),
      code: issue.keyword.replace(/_/g, "-"),
      message: issue.message ?? "invalid",
    }),
  );
  const first = issues[0];
  const what = where === "body" ? "request body" : where;
  return new HttpError(
    400,
    "bad-request",
    `invalid ${what}: ${first?.path ? `${first.path}: ` : ""}${first?.message ?? "invalid"}`,
    issues,
  );
}

export function toHttpError(error: unknown, bodyLimit: number): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof StoreError) return fromStoreError(error);
  if (hasZodFastifySchemaValidationErrors(error)) return validationError(error);
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HttpError(
        413,
        "payload-too-large",
        `request body is larger than the limit of ${bodyLimit} bytes`,
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HttpError(415, "unsupported-media-type", "send the body as application/json");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new HttpError(400, "bad-request", "expected a JSON body");
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const message =
      error instanceof SyntaxError ? `body is not valid JSON: ${error.message}` : fastifyError.message;
    return new HttpError(status, "bad-request", message);
  }
  return new HttpError(500, "internal", "internal error; the server log has the details");
}

export function errorBody(error: HttpError): ErrorBody {
  return { error: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
}

/** The handler every route shares (set once on the root instance; plugins inherit it). */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const limit = request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0;
  const http = toHttpError(error, limit);
  if (http.statusCode >= 500) request.log.error(error);
  return reply.code(http.statusCode).send(errorBody(http));
}
