/**
 * The API routes a server registered, recorded as they are added (fastify has no route listing
 * other than a printed tree). The OpenAPI document uses it to include the optional agreement
 * routes exactly when they are there, and a test checks that every route is documented.
 */
import type { FastifyInstance } from "fastify";

export interface ApiRoute {
  method: string;
  /** OpenAPI style: `/api/scenarios/{id}`. */
  path: string;
}

const registered = new WeakMap<FastifyInstance, ApiRoute[]>();

/** Call before any route is added. HEAD routes fastify adds for GETs are left out. */
export function trackApiRoutes(app: FastifyInstance): ApiRoute[] {
  const routes: ApiRoute[] = [];
  registered.set(app, routes);
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/")) return;
    const path = route.url.replace(/:([A-Za-z_]\w*)/g, "{$1}");
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") routes.push({ method: method.toLowerCase(), path });
    }
  });
  return routes;
}

export function apiRoutes(app: FastifyInstance): ApiRoute[] {
  return registered.get(app) ?? [];
}
