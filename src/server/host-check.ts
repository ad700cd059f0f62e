/**
 * The Host header check. A browser page from any site can make requests to a server on
 * localhost through DNS rebinding (its own name, re-pointed to 127.0.0.1); such requests carry the
 * page's name in `Host:`. The server answers only the names it is meant to be reached by —
 * loopback names, and whatever the operator allows — and 421 to anything else.
 */
import type { FastifyInstance } from "fastify";

export const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

/** The host part of a Host header: lower case, without the port or IPv6 brackets. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]"));
  const colon = value.lastIndexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.includes(host) || host.startsWith("127.") || host.endsWith(".localhost");
}

/** Answers 421 to requests whose Host is neither loopback nor one of `allowed`. */
export function checkHostHeader(app: FastifyInstance, allowed: readonly string[] = []): void {
  const names = new Set(allowed.map((h) => hostName(h)));
  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers.host;
    const name = header ? hostName(header) : "";
    if (isLoopback(name) || names.has(name)) return;
    return reply.code(421).send({
      error: "misdirected-request",
      message: `this server does not answer to the host name '${name}'; start it with --allow-host ${name || "NAME"} if it should`,
    });
  });
}
