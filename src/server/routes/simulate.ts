/**
 * /api/simulate: a simulation is a job. POST starts it (202 with its id), GET reads its state,
 * GET …/events streams progress as server-sent events, DELETE cancels it.
 */
import type { FastifyInstance } from "fastify";
import type { Capabilities } from "../capabilities.ts";
import { HttpError, notFound } from "../errors.ts";
import type { JobRegistry } from "../jobs.ts";
import { choosePlan, unavailable } from "../plans.ts";
import type { ScenarioLibrary } from "../scenarios.ts";
import { SimulateBody } from "../schemas.ts";
import { parseBody } from "../validate.ts";

/** The pool may report progress as a count or as `{ done, total }`; both are accepted. */
function progressOf(report: unknown, total: number): number | undefined {
  if (typeof report === "number") return report;
  if (typeof report === "object" && report !== null) {
    const { done, completed, runs } = report as Record<string, unknown>;
    const value = [done, completed, runs].find((v) => typeof v === "number");
    if (typeof value === "number") return Math.min(value, total);
  }
  return undefined;
}

export function simulateRoutes(
  app: FastifyInstance,
  library: ScenarioLibrary,
  capabilities: Capabilities,
  jobs: JobRegistry,
): void {
  app.post("/api/simulate", async (request, reply) => {
    const body = parseBody(SimulateBody, request.body);
    const pool = capabilities.simulation.module;
    if (!pool) throw unavailable("Simulation", capabilities.simulation.reason);
    const { scenario, compiled } = await library.resolve(body);
    const plan = await choosePlan(compiled, body.plan, capabilities);
    const simulation = {
      scenario,
      plan: plan.assignments,
      planName: plan.name,
      runs: body.runs,
      seed: body.seed,
      workers: body.workers,
    };
    const problems = pool.checkRequest?.(simulation) ?? [];
    if (problems.length > 0) throw new HttpError(400, "bad-request", problems.join("; "));
    const job = jobs.start(body.runs, async ({ signal, progress }) =>
      pool.runSimulation({
        ...simulation,
        signal,
        onProgress: (report: unknown) => {
          const done = progressOf(report, body.runs);
          if (done !== undefined) progress(done, body.runs);
        },
      }),
    );
    return reply
      .code(202)
      .header("location", `/api/simulate/${job.id}`)
      .send({ ...job, plan, events: `/api/simulate/${job.id}/events` });
  });

  app.get<{ Params: { id: string } }>("/api/simulate/:id", async (request) => {
    const job = jobs.get(request.params.id);
    if (!job) throw notFound(`simulation job '${request.params.id}'`);
    return job;
  });

  app.delete<{ Params: { id: string } }>("/api/simulate/:id", async (request) => {
    if (!jobs.cancel(request.params.id)) throw notFound(`simulation job '${request.params.id}'`);
    return jobs.get(request.params.id);
  });

  app.get<{ Params: { id: string } }>("/api/simulate/:id/events", (request, reply) => {
    const job = jobs.get(request.params.id);
    if (!job) throw notFound(`simulation job '${request.params.id}'`);
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const send = (event: string, data: unknown) =>
      out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send("progress", job.progress);
    if (job.status !== "running") {
      send(job.status, job);
      out.end();
      return;
    }
    const stop = jobs.watch(
      job.id,
      (progress) => send("progress", progress),
      (state) => {
        send(state.status, state);
        out.end();
      },
    );
    request.raw.on("close", stop);
  });
}
