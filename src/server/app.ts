/**
 * The workbench server: the JSON API under /api and the built web app from web/dist, one process.
 * Each area is a fastify plugin whose routes declare their zod schemas: fastify checks requests
 * against them (fastify-type-provider-zod) and @fastify/swagger publishes them as OpenAPI.
 * Routes are thin: each calls the core and returns data; errors go through one handler.
 */
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { join, resolve } from "node:path";
import fastifyCompress from "@fastify/compress";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { PACKAGE_ROOT } from "../io/package-root.ts";
import { openStore, openSweepStore, type Store, type StoreOptions } from "../store/index.ts";
import { AccessControl, type AccessOptions, enforceAccess } from "./access.ts";
import { handleError } from "./errors.ts";
import { checkHostHeader } from "./host-check.ts";
import { JobRegistry } from "./jobs.ts";
import { ServerPlanner, type ServerPlannerOptions } from "./planner.ts";
import { agreementsPlugin, type StreamOptions } from "./plugins/agreements.ts";
import { analysisPlugin } from "./plugins/analysis.ts";
import { registerOpenApi } from "./plugins/openapi.ts";
import { scenariosPlugin } from "./plugins/scenarios.ts";
import { simulationPlugin } from "./plugins/simulation.ts";
import { sweepsPlugin } from "./plugins/sweeps.ts";
import { type RateLimitOptions, registerRateLimit } from "./rate-limit.ts";
import { ScenarioLibrary } from "./scenarios.ts";
import { Capabilities, jsonResponse } from "./schemas.ts";

export const WEB_DIST = join(PACKAGE_ROOT, "web", "dist");
const VERSION = "0.1.0";

/** Scenario files are small; a megabyte leaves room for generated ones and stops accidents. */
export const BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  /** SQLite file for saved scenarios and agreements; with neither this nor databaseUrl, memory. */
  dbPath?: string;
  /** PostgreSQL URL (`postgres://…`), instead of dbPath. */
  databaseUrl?: string;
  logger?: boolean;
  /** Directory of the built web app; default web/dist. */
  webRoot?: string;
  bodyLimit?: number;
  /** Host names (besides loopback ones) the server answers to; others get 421. */
  allowedHosts?: string[];
  /** Most time a client may take to send a whole request, headers and body (default 30 s). */
  requestTimeoutMs?: number;
  /** An open store to use instead (the caller closes it); tests and benchmarks share theirs. */
  store?: Store;
  /** The clock for agreements' status and adoption (tests pin it). */
  now?: () => Date;
  /** Who may call what: `open`, an `adminToken` (random when absent), `publicRead` (src/server/access.ts). */
  access?: AccessOptions;
  /** Requests per minute per token or address (`serve` turns this on; off when absent). */
  rateLimit?: RateLimitOptions;
  /** Most simulation jobs running at once (default 2); more get 429. */
  maxJobs?: number;
  /** A simulation job's wall-clock limit (default 5 min): then it is stopped, partial, `failed`. */
  jobTimeLimitMs?: number;
  /** Event streams: shared or per-subscriber status, and the caps on open streams. */
  streams?: StreamOptions;
  /**
   * The planner threads: how many, the most planner requests in flight (more get 429), a cap on
   * each one's wall-clock limit (past it: 504), and whether to start them with the server.
   */
  planner?: ServerPlannerOptions;
  /** Compress responses (brotli or gzip, as the client accepts); default true (`serve --no-compress`). */
  compress?: boolean;
}

/** A slow body must not hold a connection and its buffers forever. */
export const REQUEST_TIMEOUT_MS = 30_000;

export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? BODY_LIMIT,
    requestTimeout,
    // Given to Node's server itself too: its headers timeout then defaults to at most the request
    // timeout (left at Node's 60 s, above the request timeout, a dripping body was never cut off:
    // test/access/limits.test.ts), and it looks for overdue requests often (not every 30 s).
    http: {
      requestTimeout,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, requestTimeout / 4)),
    },
  });
  app.setErrorHandler(handleError);
  closeConnectionsWhenDone(app);
  checkHostHeader(app, options.allowedHosts);
  const access = new AccessControl(options.access);
  app.decorate("access", access);
  // counted before the access check, so refused requests count too
  if (options.rateLimit) await registerRateLimit(app, access, options.rateLimit);
  enforceAccess(app, access);
  app.setValidatorCompiler(validatorCompiler);
  // Responses are plain JSON: their schemas document them (and the tests check them), while
  // serving a large report does not pay for a second pass over it.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // Before every route and the static files, so it sees all their replies (@fastify/compress's
  // README: registered ahead of @fastify/static).
  const compress = options.compress ?? true;
  if (compress) await registerCompression(app);
  await registerOpenApi(app, VERSION);

  // Every solve runs on the planner threads, each with one warm solver for its life
  // (src/io/planner-pool.ts); `lockstep serve` starts them with the server.
  const planner = new ServerPlanner(options.planner);
  app.decorate("planner", planner);
  const store = options.store ?? (await openStore(storeOptions(options)));
  // sweeps are run by `lockstep sweep` into the database; a store passed in has none to show
  const sweeps = await openSweepStore(options.store ? { sqlitePath: ":memory:" } : storeOptions(options));
  // large scenario texts are parsed on a thread, not on the event loop
  const library = new ScenarioLibrary(store.scenarios, (source, name) => planner.parse(source, name));
  const jobs = new JobRegistry(options.maxJobs, options.jobTimeLimitMs);
  app.addHook("onClose", async () => {
    jobs.cancelAll();
    await planner.close();
    await sweeps.close();
    if (!options.store) await store.close();
  });

  registerCapabilities(app, store);
  await app.register(scenariosPlugin, { library });
  await app.register(analysisPlugin, { library });
  await app.register(simulationPlugin, { library, jobs });
  await app.register(agreementsPlugin, {
    store,
    library,
    access,
    now: options.now,
    streams: options.streams,
  });
  await app.register(sweepsPlugin, { store: sweeps });
  await registerWebApp(app, options.webRoot ?? WEB_DIST, compress);
  return app;
}

/**
 * Closing, Node's server ends the keep-alive connections idle at that moment and waits for every
 * other one until its client drops it. Two kinds held `close()` for nothing: a connection that has
 * not sent a request (a client's spare one: undici opens one beside an event stream, browsers open
 * them ahead of need), which undici drops after 4 s and a browser after minutes; and one whose
 * response ends after the close began (a request in flight, an event stream ended by its
 * plugin), which stays open for keep-alive: undici keeps it for the server's keep-alive hint, 71 s.
 * So the first kind is closed at once, and the second as soon as its response has gone out.
 */
function closeConnectionsWhenDone(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  let closing = false;
  app.server.on("connection", (socket: Socket) => {
    unused.add(socket);
    socket.once("close", () => unused.delete(socket));
  });
  app.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    unused.delete(request.socket);
    response.once("finish", () => {
      if (closing) request.socket.end();
    });
  });
  app.addHook("preClose", async () => {
    closing = true;
    for (const socket of unused) socket.destroy();
  });
}

/** PostgreSQL when a URL is given, else the SQLite file, else a throw-away SQLite in memory. */
function storeOptions(options: ServerOptions): StoreOptions {
  if (options.databaseUrl) return { databaseUrl: options.databaseUrl };
  return { sqlitePath: options.dbPath ?? ":memory:" };
}

function registerCapabilities(app: FastifyInstance, store: Store): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/capabilities",
    {
      schema: {
        summary: "What this server offers, and where it keeps its data",
        response: { 200: jsonResponse("Capabilities", Capabilities) },
      },
    },
    async () => ({
      planner: { available: true },
      simulation: { available: true },
      storage: { kind: store.dialect },
    }),
  );
}

/**
 * Brotli or gzip, whichever the client prefers, for every reply of at least 1 KiB whose type
 * compresses: JSON, HTML, JavaScript, CSS and the solver's WebAssembly. The plugin leaves
 * `text/event-stream` alone (a compressor would hold events back until its buffer fills), and
 * brotli runs at quality 4 (the plugin's default for on-the-fly compression: quality 11 costs
 * seconds on the 3.5 MB wasm).
 */
async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, { encodings: ["br", "gzip"], threshold: 1024 });
}

/**
 * The built web app, with every client-side route answered by its index page. With compression
 * on, the build's own FILE.br / FILE.gz (web/vite.config.ts writes them) are sent as they are, so
 * no script is compressed per request; a file without them is compressed on the fly as before.
 */
async function registerWebApp(app: FastifyInstance, webRoot: string, compress: boolean): Promise<void> {
  await app.register(fastifyStatic, {
    root: webRoot,
    wildcard: false,
    serve: existsSync(webRoot),
    preCompressed: compress,
    // Vite names every file under assets/ by a hash of its contents, so a browser may keep it for
    // good; everything else (index.html) must be revalidated so a new build is picked up.
    cacheControl: false,
    setHeaders: (response, path) => {
      response.setHeader("cache-control", isHashedAsset(path) ? IMMUTABLE : "no-cache");
      // the reply depends on accept-encoding (@fastify/compress says so for what it encodes; a
      // precompressed file skips it, so say it here for every file)
      if (compress) response.setHeader("vary", "accept-encoding");
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0];
    if (request.method === "GET" && !path.startsWith("/api/")) {
      if (existsSync(resolve(webRoot, "index.html"))) return reply.sendFile("index.html");
      return reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .send(
          "The web app is not built: run `npm run build:web` (or start with `npm start`). The API is under /api.\n",
        );
    }
    return reply.code(404).send({ error: "not-found", message: `no route ${request.method} ${path}` });
  });
}

declare module "fastify" {
  interface FastifyInstance {
    /** The server's access control: its admin token, and whether it is open or public-read. */
    access: AccessControl;
    /** Where every planner request of every route runs: off the event loop, with limits. */
    planner: ServerPlanner;
  }
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * A file Vite wrote under assets/ with a content hash in its name (e.g. index-B1x9_aZ3.js), or its
 * precompressed variant (index-B1x9_aZ3.js.br).
 */
export function isHashedAsset(path: string): boolean {
  return /[\\/]assets[\\/][^\\/]+-[\w-]{8,}\.\w+(\.br|\.gz)?$/.test(path);
}
