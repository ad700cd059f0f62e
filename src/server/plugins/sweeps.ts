/**
 * Sweeps in the workbench: the sweeps stored in the server's database (run there by `lockstep
 * sweep`, locally or through the queue) with their progress and the report so far. Read-only; the
 * page polls while a sweep runs.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { SweepStore } from "../../store/index.ts";
import {
  heatmap,
  type PointResult,
  type SweepDocument,
  type SweepStatus,
  sweepReport,
} from "../../sweep/index.ts";
import { SweepList, SweepStatus as SweepStatusSchema } from "../../sweep/report-schema.ts";
import { HttpError } from "../errors.ts";
import { errorResponses, IdParams, jsonResponse } from "../schemas.ts";

export const sweepsPlugin: FastifyPluginAsyncZod<{ store: SweepStore }> = async (app, { store }) => {
  app.get(
    "/api/sweeps",
    {
      schema: {
        summary: "Sweeps stored in this server's database, newest first",
        response: { 200: jsonResponse("The sweeps", SweepList) },
      },
    },
    async () => ({ sweeps: await store.list() }),
  );

  const schema = {
    summary: "A sweep's progress and its report so far (poll while it runs)",
    params: IdParams,
    response: { 200: jsonResponse("The sweep", SweepStatusSchema), ...errorResponses(404) },
  };
  app.get("/api/sweeps/:id", { schema }, async (request): Promise<SweepStatus> => {
    const { id } = request.params;
    const text = await store.sweepDocument(id);
    if (!text) throw new HttpError(404, "not-found", `no sweep '${id}'`);
    const document = JSON.parse(text) as SweepDocument;
    const points = (await store.points(id)).map((p) => JSON.parse(p.result) as PointResult);
    const report = sweepReport(document, points);
    const metric = report.feasibility ?? Object.keys(report.tornado)[0];
    return {
      id,
      title: document.sweep.title ?? `${document.scenarioName} sweep`,
      points: document.points,
      done: points.length,
      report,
      heatmap: document.sweep.vary.length >= 2 && metric ? heatmap(document, points, 0, 1, metric) : null,
    };
  });
};
