/**
 * The re-plan document of an agreement (MODEL.md v2 §10; `GET /api/agreements/:id/replan`,
 * `lockstep replan --json`), as a schema: the types and the HTTP API's response schema come from here.
 */
import { z } from "zod";
import { Plan } from "../model/index.ts";
import { ContinuationReport, ContinuationStep } from "../planner/index.ts";

export const Break = z.object({
  kind: z.enum(["exposure", "margin", "reservation", "goal", "requires", "horizon"]),
  party: z.string().optional(),
  phase: z.int().optional(),
  message: z.string(),
});

export const ReplanReport = z.object({
  agreement: z.string(),
  title: z.string(),
  plan: z.string().describe("The adopted plan's name"),
  asOf: z.string(),
  phase: z.int().describe("k0: the current phase; the history x_1..x_k0 comes from the ledger"),
  horizon: z.int().describe("The most phases the whole trajectory may use in this re-plan"),
  history: z.object({
    done: z.record(z.string(), z.number()).describe("Share of each move done now, x_k0(m)"),
    verified: z.record(z.string(), z.number()).describe("Share a verifier has verified (credited at once)"),
  }),
  rest: z
    .object({
      holds: z.boolean().describe("The rest of the adopted plan, from the actual state, is feasible (§10)"),
      phases: z.int(),
      minSlack: z.number(),
      steps: z.array(ContinuationStep),
      breaks: z.array(Break).describe("What breaks, first to bite first"),
    })
    .describe("The adopted plan's remaining steps on top of the actual state; anything overdue due in k0+1"),
  continuation: ContinuationReport.describe(
    "The best continuation from the actual state, or what it would take",
  ),
  proposal: z
    .object({
      phases: Plan.describe("Phase 1 to k0 as done (shares later reversed left out), then the continuation"),
      left: z.array(z.string()).describe("Moves the plan leaves out, and why"),
    })
    .optional()
    .describe(
      "When a continuation is feasible: it as a whole plan on the charter's calendar, what an amendment proposes",
    ),
  summary: z.array(z.string()).describe("The answer in words"),
});

export type Break = z.infer<typeof Break>;
export type ReplanReport = z.infer<typeof ReplanReport>;
