/**
 * Request rate limits (@fastify/rate-limit): so many API requests a minute per token, and per
 * client address for requests without a valid token. A forged or garbled token counts against its
 * address, so making up tokens does not buy more requests. Over the limit: 429
 * `too-many-requests` with `retry-after`. The web app's files are not counted.
 */
import { createHash } from "node:crypto";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type AccessControl, bearerToken } from "./access.ts";
import { HttpError } from "./errors.ts";

export interface RateLimitOptions {
  /** Requests per window for one token or address. */
  max: number;
  /** The window, in milliseconds (default one minute). */
  windowMs?: number;
}

/** The key a request is counted under: its valid token (hashed), else its address. */
export function rateKey(access: AccessControl, request: FastifyRequest): string {
  try {
    const token = bearerToken(request);
    if (token && access.caller(token).kind !== "anonymous") {
      return `token:${createHash("sha256").update(token).digest("hex").slice(0, 32)}`;
    }
  } catch {
    // an invalid token: counted against the address
  }
  return `address:${request.ip}`;
}

export async function registerRateLimit(
  app: FastifyInstance,
  access: AccessControl,
  options: RateLimitOptions,
): Promise<void> {
  const windowMs = options.windowMs ?? 60_000;
  await app.register(rateLimit, {
    global: true,
    max: options.max,
    timeWindow: windowMs,
    keyGenerator: (request) => rateKey(access, request),
    allowList: (request) => !request.url.startsWith("/api/"),
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        "too-many-requests",
        `more than ${context.max} requests in ${Math.round(windowMs / 1000)} s from this ${
          context.ban ? "client" : "token or address"
        }: try again in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
}
