/**
 * /api/simulate: a simulation is a job. POST starts it (202 with its id), GET reads its state,
 * GET …/events streams progress as server-sent events, DELETE cancels it.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { checkRequest, runSimulation } from "../../io/simulation-pool.ts";
import { Plan } from "../../model/index.ts";
import { HttpError, notFound } from "../errors.ts";
import type { JobRegistry } from "../jobs.ts";
import { resolveRequestedPlan } from "../plans.ts";
import type { ScenarioLibrary } from "../scenarios.ts";
import { errorResponses, IdParams, JobState, jsonResponse, SimulateBody } from "../schemas.ts";

export interface SimulationPluginOptions {
  library: ScenarioLibrary;
  jobs: JobRegistry;
}

const StartedJob = JobState.extend({
  plan: z.object({ name: z.string(), assignments: Plan }),
  events: z.string().describe("Where its progress streams as server-sent events"),
});

export const simulationPlugin: FastifyPluginAsyncZod<SimulationPluginOptions> = async (app, options) => {
  const { library, jobs } = options;
  const jobOf = (id: string) => jobs.get(id) ?? throwNotFound(id);

  app.post(
    "/api/simulate",
    {
      schema: {
        summary: "Start a simulation job",
        body: SimulateBody,
        response: {
          202: jsonResponse("Started; `location` names the job", StartedJob),
          ...errorResponses(400, 404, 409, 413, 415, 422, 429, 504),
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const loaded = await library.resolve(body);
      const { scenario } = loaded;
      const plan = await resolveRequestedPlan(loaded, body.plan, app.planner);
      const simulation = {
        scenario,
        plan: plan.assignments,
        planName: plan.name,
        runs: body.runs,
        seed: body.seed,
        workers: body.workers,
      };
      const problems = checkRequest(simulation);
      if (problems.length > 0) throw new HttpError(400, "bad-request", problems.join("; "));
      const job = jobs.start(body.runs, ({ signal, progress }) =>
        // every chunk on the pool's threads, never on the event loop
        runSimulation({
          ...simulation,
          offThread: true,
          signal,
          onProgress: (done, total) => progress(done, total),
        }),
      );
      return reply
        .code(202)
        .header("location", `/api/simulate/${job.id}`)
        .send({ ...job, plan, events: `/api/simulate/${job.id}/events` });
    },
  );

  app.get(
    "/api/simulate/:id",
    {
      schema: {
        summary: "A job's state and, when done, its result",
        params: IdParams,
        response: { 200: jsonResponse("The job", JobState), ...errorResponses(404) },
      },
    },
    async (request) => jobOf(request.params.id),
  );

  app.delete(
    "/api/simulate/:id",
    {
      schema: {
        summary: "Cancel a job",
        params: IdParams,
        response: {
          200: jsonResponse("The job, cancelled unless it had finished", JobState),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      jobs.cancel(jobOf(request.params.id).id);
      return jobOf(request.params.id);
    },
  );

  app.get(
    "/api/simulate/:id/events",
    {
      schema: {
        summary: "Progress as server-sent events: `progress`, then one of `done`, `failed`, `cancelled`",
        params: IdParams,
        response: {
          200: { description: "An event stream", content: { "text/event-stream": { schema: z.string() } } },
          ...errorResponses(404),
        },
      },
    },
    (request, reply) => {
      const job = jobOf(request.params.id);
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
    },
  );
};

function throwNotFound(id: string): never {
  throw notFound(`simulation job '${id}'`);
}
