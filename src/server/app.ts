/**
 * The workbench server: the JSON API under /api and the built web app from web/dist, one process.
 * Routes are thin: each checks its body, calls the core, and returns data.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { PACKAGE_ROOT } from "../io/package-root.ts";
import { warmSolver } from "../planner/index.ts";
import { loadCapabilities } from "./capabilities.ts";
import { type ErrorBody, HttpError } from "./errors.ts";
import { checkHostHeader } from "./host-check.ts";
import { JobRegistry } from "./jobs.ts";
import { openApiDocument } from "./openapi.ts";
import { trackApiRoutes } from "./route-list.ts";
import { analysisRoutes } from "./routes/analysis.ts";
import { scenarioRoutes } from "./routes/scenarios.ts";
import { simulateRoutes } from "./routes/simulate.ts";
import { ScenarioLibrary } from "./scenarios.ts";
import { openScenarioRepository } from "./storage.ts";

export const WEB_DIST = join(PACKAGE_ROOT, "web", "dist");

/** Scenario files are small; a megabyte leaves room for generated ones and stops accidents. */
export const BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  /** SQLite file for saved scenarios; omitted (and no databaseUrl) keeps them in memory. */
  dbPath?: string;
  /** PostgreSQL URL, instead of dbPath. */
  databaseUrl?: string;
  logger?: boolean;
  /** Directory of the built web app; default web/dist. */
  webRoot?: string;
  bodyLimit?: number;
  /** Host names (besides loopback ones) the server answers to; others get 421. */
  allowedHosts?: string[];
  /** Most time a client may take to send a whole request, headers and body (default 30 s). */
  requestTimeoutMs?: number;
}

/** A slow body must not hold a connection and its buffers forever. */
export const REQUEST_TIMEOUT_MS = 30_000;

export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? BODY_LIMIT,
    requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
  });
  checkHostHeader(app, options.allowedHosts);
  const capabilities = await loadCapabilities();
  // One warm solver for the life of the server: load and compile HiGHS-wasm now, in the
  // background, rather than in the first request that plans. A failure shows in that request.
  warmSolver().catch(() => {});
  const storage = await openScenarioRepository(options);
  const library = new ScenarioLibrary(storage.scenarios);
  const jobs = new JobRegistry();
  const routes = trackApiRoutes(app);

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    const body = errorBody(error, app.initialConfig.bodyLimit ?? BODY_LIMIT);
    const status = error instanceof HttpError ? error.statusCode : (error.statusCode ?? 500);
    if (status >= 500 && !(error instanceof HttpError)) request.log.error(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0];
    const webRoot = options.webRoot ?? WEB_DIST;
    // Client-side routes of the web app all load its index page.
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
  app.addHook("onClose", async () => {
    jobs.cancelAll();
    await storage.close();
  });

  app.get("/api/openapi.json", async () =>
    openApiDocument(capabilities, {
      agreements: routes.some((r) => r.path.startsWith("/api/agreements")),
      sweeps: routes.some((r) => r.path.startsWith("/api/sweeps")),
    }),
  );
  app.get("/api/capabilities", async () => ({
    planner: { available: Boolean(capabilities.planner.module), reason: capabilities.planner.reason },
    simulation: {
      available: Boolean(capabilities.simulation.module),
      reason: capabilities.simulation.reason,
    },
    storage: { kind: storage.kind },
  }));
  scenarioRoutes(app, library);
  analysisRoutes(app, library, capabilities);
  simulateRoutes(app, library, capabilities, jobs);
  await storage.registerExtras(app);

  const webRoot = options.webRoot ?? WEB_DIST;
  await app.register(fastifyStatic, {
    root: webRoot,
    wildcard: false,
    serve: existsSync(webRoot),
    // Vite names every file under assets/ by a hash of its contents, so a browser may keep it for
    // good; everything else (index.html) must be revalidated so a new build is picked up.
    cacheControl: false,
    setHeaders: (response, path) => {
      response.setHeader("cache-control", isHashedAsset(path) ? IMMUTABLE : "no-cache");
    },
  });
  return app;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/** A file Vite wrote under assets/ with a content hash in its name (e.g. index-B1x9_aZ3.js). */
export function isHashedAsset(path: string): boolean {
  return /[\\/]assets[\\/][^\\/]+-[\w-]{8,}\.\w+$/.test(path);
}

/** What a client sees for any error: a code and a sentence, never a stack trace. */
function errorBody(error: FastifyError | HttpError, bodyLimit: number): ErrorBody {
  if (error instanceof HttpError) {
    return { error: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        error: "payload-too-large",
        message: `request body is larger than the limit of ${bodyLimit} bytes`,
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { error: "unsupported-media-type", message: "send the body as application/json" };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { error: "bad-request", message: "expected a JSON body" };
  }
  if (error.statusCode && error.statusCode < 500) {
    const message = error instanceof SyntaxError ? `body is not valid JSON: ${error.message}` : error.message;
    return { error: "bad-request", message };
  }
  return { error: "internal", message: "internal error; the server log has the details" };
}
