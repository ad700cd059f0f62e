/** /api/scenarios: the library of built-in (read-only) and saved scenarios. */
import type { FastifyInstance } from "fastify";
import type { ScenarioLibrary } from "../scenarios.ts";
import { CreateScenarioBody, UpdateScenarioBody } from "../schemas.ts";
import { parseBody } from "../validate.ts";

export function scenarioRoutes(app: FastifyInstance, library: ScenarioLibrary): void {
  app.get("/api/scenarios", async () => ({ scenarios: await library.list() }));

  app.get<{ Params: { id: string } }>("/api/scenarios/:id", async (request) => {
    const { scenario: _parsed, ...document } = await library.get(request.params.id);
    return document;
  });

  app.post("/api/scenarios", async (request, reply) => {
    const body = parseBody(CreateScenarioBody, request.body);
    const { scenario: _parsed, ...document } = await library.create(body.source, body.id);
    return reply.code(201).header("location", `/api/scenarios/${document.id}`).send(document);
  });

  app.put<{ Params: { id: string } }>("/api/scenarios/:id", async (request) => {
    const body = parseBody(UpdateScenarioBody, request.body);
    const { scenario: _parsed, ...document } = await library.update(request.params.id, body.source);
    return document;
  });

  app.delete<{ Params: { id: string } }>("/api/scenarios/:id", async (request, reply) => {
    await library.delete(request.params.id);
    return reply.code(204).send();
  });
}
