/**
 * Sweeps in the workbench: the sweeps stored in the server's database (run there by `lockstep
 * sweep`, locally or through the queue) with their progress and the report so far. Read-only; the
 * page polls while a sweep runs.
 */
import type { FastifyPluginAsync } from "fastify";
import type { SweepStore } from "../../store/index.ts";
import {
  heatmap,
  type PointResult,
  type SweepDocument,
  type SweepStatus,
  sweepReport,
} from "../../sweep/index.ts";
import { HttpError } from "../errors.ts";

export const sweepsPlugin: FastifyPluginAsync<{ store: SweepStore }> = async (app, { store }) => {
  app.get("/api/sweeps", async () => ({ sweeps: await store.list() }));

  app.get<{ Params: { id: string } }>("/api/sweeps/:id", async (request): Promise<SweepStatus> => {
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
