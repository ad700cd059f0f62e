/**
 * /api/analyze, /api/plan, /api/compare: thin wrappers over the analysis core and the planner.
 * Every solve runs on the planner threads (app.planner), never on the event loop: 429 when too
 * many are in flight, 504 past the wall-clock limit.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AnalysisReport, analysisDocument, analyzePlan } from "../../analysis/index.ts";
import { Plan } from "../../model/index.ts";
import {
  ComparisonReport,
  checkPlanOptions,
  PlanOptionError,
  type PlanOptions,
  PlanReport,
} from "../../planner/index.ts";
import { HttpError } from "../errors.ts";
import { resolveRequestedPlan } from "../plans.ts";
import type { ScenarioLibrary } from "../scenarios.ts";
import { AnalyzeBody, CompareBody, errorResponses, jsonResponse, PlanBody } from "../schemas.ts";

const Analyzed = z.object({
  scenarioId: z.string().optional(),
  plan: z.object({ name: z.string(), assignments: Plan }),
  analysis: AnalysisReport,
});
const Planned = z.object({ scenarioId: z.string().optional(), result: PlanReport });
const Compared = z.object({ scenarioId: z.string().optional(), result: ComparisonReport });

export const analysisPlugin: FastifyPluginAsyncZod<{ library: ScenarioLibrary }> = async (
  app,
  { library },
) => {
  app.post(
    "/api/analyze",
    {
      schema: {
        summary: "Exposure, incentive margins and violations of one plan",
        body: AnalyzeBody,
        response: {
          200: jsonResponse("The plan and its analysis", Analyzed),
          ...errorResponses(400, 404, 409, 413, 415, 422, 429, 504),
        },
      },
    },
    async (request) => {
      const loaded = await library.resolve(request.body);
      const { scenario, compiled } = loaded;
      const plan = await resolveRequestedPlan(loaded, request.body.plan, app.planner);
      const analysis = analysisDocument(compiled, analyzePlan(compiled, plan.assignments));
      return { scenarioId: scenario.id, plan, analysis };
    },
  );

  app.post(
    "/api/plan",
    {
      schema: {
        summary: "Find the best plan for an objective, or what it would take when none exists",
        body: PlanBody,
        response: {
          200: jsonResponse("The planner's report", Planned),
          ...errorResponses(400, 404, 413, 415, 422, 429, 504),
        },
      },
    },
    async (request) => {
      const { body } = request;
      const options: PlanOptions = {
        // checked just below, with a did-you-mean the schema's enum could not give
        objective: body.objective as PlanOptions["objective"],
        robust: body.robust,
        frontier: body.frontier,
        timeLimitSeconds: body.timeLimitSeconds,
      };
      try {
        checkPlanOptions(options);
      } catch (error) {
        if (error instanceof PlanOptionError) throw new HttpError(400, "bad-request", error.message);
        throw error;
      }
      const { scenario } = await library.resolve(body);
      return { scenarioId: scenario.id, result: await app.planner.plan(scenario, options) };
    },
  );

  app.post(
    "/api/compare",
    {
      schema: {
        summary: "The doctrines, the scenario's plans and the optimum side by side",
        body: CompareBody,
        response: {
          200: jsonResponse("The comparison", Compared),
          ...errorResponses(400, 404, 413, 415, 422, 429, 504),
        },
      },
    },
    async (request) => {
      const { scenario } = await library.resolve(request.body);
      return { scenarioId: scenario.id, result: await app.planner.compare(scenario) };
    },
  );
};
