/** /api/scenarios: the library of built-in (read-only) and saved scenarios. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ScenarioLibrary } from "../scenarios.ts";
import {
  CreateScenarioBody,
  errorResponses,
  IdParams,
  jsonResponse,
  ScenarioDocument,
  ScenarioList,
  UpdateScenarioBody,
} from "../schemas.ts";

export const scenariosPlugin: FastifyPluginAsyncZod<{ library: ScenarioLibrary }> = async (
  app,
  { library },
) => {
  // the parsed scenario is the server's; clients get the document without it
  const document = async (pending: ReturnType<ScenarioLibrary["get"]>) => {
    const { scenario: _parsed, ...rest } = await pending;
    return rest;
  };

  app.get(
    "/api/scenarios",
    {
      schema: {
        summary: "List built-in and saved scenarios",
        response: { 200: jsonResponse("Built-ins first, then saved scenarios by id", ScenarioList) },
      },
    },
    async () => ({ scenarios: await library.list() }),
  );

  app.get(
    "/api/scenarios/:id",
    {
      schema: {
        summary: "A scenario with its source",
        params: IdParams,
        response: { 200: jsonResponse("The scenario", ScenarioDocument), ...errorResponses(404) },
      },
    },
    async (request) => document(library.get(request.params.id)),
  );

  app.post(
    "/api/scenarios",
    {
      schema: {
        summary: "Save a new scenario",
        body: CreateScenarioBody,
        response: {
          201: jsonResponse("Saved; `location` names it", ScenarioDocument),
          ...errorResponses(400, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const saved = await document(library.create(request.body.source, request.body.id));
      return reply.code(201).header("location", `/api/scenarios/${saved.id}`).send(saved);
    },
  );

  app.put(
    "/api/scenarios/:id",
    {
      schema: {
        summary: "Replace a saved scenario's source",
        params: IdParams,
        body: UpdateScenarioBody,
        response: {
          200: jsonResponse("Saved", ScenarioDocument),
          ...errorResponses(400, 403, 404, 413, 415, 422),
        },
      },
    },
    async (request) => document(library.update(request.params.id, request.body.source)),
  );

  app.delete(
    "/api/scenarios/:id",
    {
      schema: {
        summary: "Delete a saved scenario",
        params: IdParams,
        response: { 204: z.undefined().describe("Deleted"), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      await library.delete(request.params.id);
      return reply.code(204).send();
    },
  );
};
