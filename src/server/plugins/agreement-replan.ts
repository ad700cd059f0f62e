/**
 * GET /api/agreements/:id/replan — re-planning from the actual state (MODEL.md v2 §10): does the
 * rest of the adopted plan still hold, and the best continuation or what it would take. Computed
 * on request (it runs the planner), never per ledger batch.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { charterInForce, ReplanError, ReplanReport } from "../../ledger/index.ts";
import { ContinuationObjective, ContinuationOptionError } from "../../planner/index.ts";
import type { StoredEvent } from "../../store/index.ts";
import { HttpError } from "../errors.ts";
import { errorResponses, IdParams, jsonResponse } from "../schemas.ts";
import type { AgreementContext } from "./agreement-context.ts";

/** What the route needs from the agreements plugin. */
export interface ReplanSource {
  context(id: string): Promise<AgreementContext>;
  events(id: string): Promise<StoredEvent[]>;
  now(): Date;
}

/** A re-plan's solve is bounded by this budget (and its thread by the planner pool's wall-clock limit). */
export const REPLAN_TIME_LIMIT = 30;

const ReplanQuery = z.object({
  at: z
    .string()
    .refine((at) => !Number.isNaN(Date.parse(at)), "at must be an ISO date-time")
    .optional()
    .describe("ISO date-time; default now"),
  objective: ContinuationObjective.optional().describe("The continuation's objective; default fewest phases"),
  horizon: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe(
      "Most phases the whole trajectory may use (default: the scenario's, raised when the calendar has run past it)",
    ),
  timeLimitSeconds: z.coerce.number().gt(0).max(REPLAN_TIME_LIMIT).optional(),
});

type Routes = Parameters<FastifyPluginAsyncZod>[0];

export function registerReplan(app: Routes, source: ReplanSource): void {
  app.get(
    "/api/agreements/:id/replan",
    {
      schema: {
        summary: "Re-plan from the actual state: does the rest of the plan hold; the best continuation",
        params: IdParams,
        querystring: ReplanQuery,
        response: {
          200: jsonResponse("The re-plan document (docs/ledger.md, MODEL.md §10)", ReplanReport),
          ...errorResponses(400, 404, 422, 429, 504),
        },
      },
    },
    async (request) => {
      const ctx = await source.context(request.params.id);
      const { at, objective, horizon, timeLimitSeconds } = request.query;
      const now = at === undefined ? source.now().toISOString() : new Date(at).toISOString();
      const events = await source.events(ctx.record.id);
      try {
        // the plan in force at `now`: an activated amendment's, from its point on
        const charter = charterInForce(ctx.charter, ctx.record.charterHash, events, now);
        // on the planner threads (app.planner): 429 when too many are in flight, 504 past the limit
        return await app.planner.replan(charter, events, now, {
          objective,
          horizon,
          timeLimitSeconds: timeLimitSeconds ?? REPLAN_TIME_LIMIT,
        });
      } catch (error) {
        if (error instanceof ContinuationOptionError) throw new HttpError(400, "bad-request", error.message);
        if (error instanceof ReplanError) throw new HttpError(422, "cannot-replan", error.message);
        throw error;
      }
    },
  );
}
