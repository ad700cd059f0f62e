/**
 * Who may call what (docs/ledger.md, "Access control"). Three kinds of caller:
 *
 * - the **operator**, holding the admin token printed by `lockstep serve` (or everyone, with
 *   `--open`): scenarios, planning, simulation, adoption, and reading every agreement;
 * - a **participant** of one agreement, holding a short-lived read token obtained by signing a
 *   challenge with the key the charter names: reading that agreement and nothing else;
 * - **anyone**: the web app's files, capabilities, the OpenAPI document, the challenge and
 *   session routes, and the writes a participant's signature authorises (events, charter
 *   signatures, checkpoints), which the routes check themselves. `--public-read` adds the
 *   agreements' GETs.
 *
 * Tokens and challenges are stateless: an HMAC under a secret made at start names what they allow
 * and until when, so nothing is stored per session and a restart ends every session. A challenge
 * answered once is remembered until it expires, so a signature cannot be replayed.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { HttpError } from "./errors.ts";

export interface AccessOptions {
  /** Everything is allowed to everyone (`serve --open`): a single-user workbench on one's own machine. */
  open?: boolean;
  /** The operator's token; a random one when neither this nor `open` is given. */
  adminToken?: string;
  /** Agreements' GETs need no token (`serve --public-read`). */
  publicRead?: boolean;
  /** How long a participant's read token lasts (default 15 minutes). */
  readTokenTtlMs?: number;
  /** How long a challenge may be answered (default 2 minutes). */
  challengeTtlMs?: number;
}

export const READ_TOKEN_TTL_MS = 15 * 60_000;
export const CHALLENGE_TTL_MS = 2 * 60_000;

/** What a route needs: nothing, the admin token, or a right to read one agreement. */
export type AccessRule =
  | { kind: "public" }
  | { kind: "admin" }
  | { kind: "agreement-read"; agreement: string }
  | { kind: "agreement-list" };

/** The caller a request's token names. */
export type Caller =
  | { kind: "anonymous" }
  | { kind: "admin" }
  | { kind: "participant"; agreement: string; participant: string };

const PUBLIC_API = new Set(["/api/capabilities", "/api/openapi.json"]);

/**
 * The rule for a route, from its method and URL pattern (fastify's `routeOptions.url`), so a route
 * added later under /api/agreements/:id gets the agreement's rule without saying so.
 */
export function ruleFor(method: string, route: string | undefined, params: unknown): AccessRule {
  if (!route?.startsWith("/api/") || PUBLIC_API.has(route) || route.startsWith("/api/docs")) {
    return { kind: "public" };
  }
  const read = method === "GET" || method === "HEAD";
  if (route === "/api/agreements") return read ? { kind: "agreement-list" } : { kind: "admin" };
  if (route.startsWith("/api/agreements/:id")) {
    // writes under an agreement are statements its participants sign; the route checks them
    if (!read) return { kind: "public" };
    const id = (params as { id?: unknown } | undefined)?.id;
    return { kind: "agreement-read", agreement: typeof id === "string" ? id : "" };
  }
  return { kind: "admin" };
}

const b64url = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");

export class AccessControl {
  readonly open: boolean;
  readonly publicRead: boolean;
  readonly adminToken: string;
  private readonly secret = randomBytes(32);
  private readonly readTokenTtlMs: number;
  private readonly challengeTtlMs: number;
  /** Challenges already exchanged for a token, with when they expire. */
  private readonly used = new Map<string, number>();

  constructor(options: AccessOptions = {}) {
    this.open = options.open ?? false;
    this.publicRead = options.publicRead ?? false;
    this.adminToken = options.adminToken ?? newAdminToken();
    this.readTokenTtlMs = options.readTokenTtlMs ?? READ_TOKEN_TTL_MS;
    this.challengeTtlMs = options.challengeTtlMs ?? CHALLENGE_TTL_MS;
  }

  private mac(text: string): string {
    return createHmac("sha256", this.secret).update(text).digest("base64url");
  }

  /** A fresh challenge for one agreement: `NONCE.EXPIRES.MAC`, opaque to the client. */
  issueChallenge(agreement: string): { challenge: string; expiresAt: string } {
    const expires = Date.now() + this.challengeTtlMs;
    const head = `${b64url(randomBytes(18))}.${expires}`;
    return {
      challenge: `${head}.${this.mac(`challenge\n${agreement}\n${head}`)}`,
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /** Refuses a challenge this server did not issue for this agreement, one expired or one already used. */
  checkChallenge(agreement: string, challenge: string): void {
    const parts = challenge.split(".");
    const expires = Number(parts[1]);
    if (
      parts.length !== 3 ||
      !sameText(parts[2], this.mac(`challenge\n${agreement}\n${parts[0]}.${parts[1]}`))
    ) {
      throw new HttpError(
        401,
        "invalid-challenge",
        "this server did not issue that challenge for this agreement: ask for a new one",
      );
    }
    const now = Date.now();
    if (!(expires > now)) {
      throw new HttpError(401, "challenge-expired", "the challenge has expired: ask for a new one");
    }
    for (const [used, until] of this.used) if (until <= now) this.used.delete(used);
    if (this.used.has(challenge)) {
      throw new HttpError(
        401,
        "challenge-used",
        "that challenge has been answered already: ask for a new one",
      );
    }
  }

  /** Marks a checked challenge as answered (after its signature verified). */
  spendChallenge(challenge: string): void {
    this.used.set(challenge, Number(challenge.split(".")[1]));
  }

  /** A read token for one participant of one agreement: `PAYLOAD.MAC`, PAYLOAD naming both and the expiry. */
  issueReadToken(agreement: string, participant: string): { token: string; expiresAt: string } {
    const expires = Date.now() + this.readTokenTtlMs;
    const payload = b64url(JSON.stringify({ a: agreement, p: participant, exp: expires }));
    return {
      token: `${payload}.${this.mac(`read\n${payload}`)}`,
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /** Who a bearer token names; 401 for a token that is forged, garbled or expired. */
  caller(token: string | undefined): Caller {
    if (token === undefined || token === "") return { kind: "anonymous" };
    if (sameText(token, this.adminToken)) return { kind: "admin" };
    const [payload, mac, extra] = token.split(".");
    if (!payload || !mac || extra !== undefined || !sameText(mac, this.mac(`read\n${payload}`))) {
      throw new HttpError(
        401,
        "invalid-token",
        "the token is not one this server issued (or the server restarted)",
      );
    }
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      a: string;
      p: string;
      exp: number;
    };
    if (!(claims.exp > Date.now())) {
      throw new HttpError(
        401,
        "token-expired",
        "the read token has expired: sign a new challenge (POST /api/agreements/ID/challenge)",
      );
    }
    return { kind: "participant", agreement: claims.a, participant: claims.p };
  }

  /** Throws 401 or 403 unless the caller may do what the rule asks. */
  authorize(rule: AccessRule, caller: Caller): void {
    if (rule.kind === "public" || this.open || caller.kind === "admin") return;
    if (rule.kind === "agreement-list" && this.publicRead) return;
    if (rule.kind === "agreement-read") {
      if (this.publicRead) return;
      if (caller.kind === "participant") {
        if (caller.agreement === rule.agreement) return;
        throw new HttpError(
          403,
          "forbidden",
          `your read token is for agreement '${caller.agreement}', not '${rule.agreement}'`,
        );
      }
      throw new HttpError(
        401,
        "unauthorized",
        "reading an agreement needs a token: the admin token, or a participant's read token from signing a challenge (POST /api/agreements/ID/challenge, then /session)",
      );
    }
    if (caller.kind === "participant") {
      throw new HttpError(
        403,
        "forbidden",
        "a participant's read token only reads its agreement; this needs the admin token",
      );
    }
    throw new HttpError(
      401,
      "unauthorized",
      "this needs the admin token that `lockstep serve` printed (Authorization: Bearer TOKEN), or a server started with --open",
    );
  }
}

function newAdminToken(): string {
  return randomBytes(24).toString("base64url");
}

/** Constant-time comparison, so a token cannot be guessed a character at a time from response times. */
function sameText(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The bearer token of a request: the Authorization header, or `?access_token=` (EventSource cannot set headers). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new HttpError(401, "invalid-token", "the Authorization header must be 'Bearer TOKEN'");
    }
    return match[1];
  }
  const query = (request.query as { access_token?: unknown } | undefined)?.access_token;
  return typeof query === "string" ? query : undefined;
}

/** Checks every request against its route's rule before anything else runs; the caller is kept on the request. */
export function enforceAccess(app: FastifyInstance, access: AccessControl): void {
  app.decorateRequest("caller", undefined);
  // preParsing, not onRequest: after the rate limit (a route-level onRequest hook) has counted
  // the request, before its body is read
  app.addHook("preParsing", async (request, reply, payload) => {
    const rule = ruleFor(request.method, request.routeOptions.url, request.params);
    try {
      if (rule.kind === "public" || access.open) {
        // nothing to check: a stale or garbled token on an open route is not worth refusing
        request.caller = lenientCaller(access, request);
        return payload;
      }
      const caller = access.caller(bearerToken(request));
      access.authorize(rule, caller);
      request.caller = caller;
      return payload;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.statusCode === 401) reply.header("www-authenticate", `Bearer realm="lockstep"`);
      return reply.code(error.statusCode).send({ error: error.code, message: error.message });
    }
  });
}

function lenientCaller(access: AccessControl, request: FastifyRequest): Caller {
  try {
    return access.caller(bearerToken(request));
  } catch {
    return { kind: "anonymous" };
  }
}

declare module "fastify" {
  interface FastifyRequest {
    /** Who made the request, from its token (set by enforceAccess). */
    caller?: Caller;
  }
}
