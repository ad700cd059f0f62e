/**
 * The document of a re-plan's continuation (MODEL.md v2 §10), as a schema: types and the HTTP
 * API's response schema come from here.
 */
import { z } from "zod";
import { PlanStats, PlanStatus, Relaxation } from "./report.ts";

/** The objectives a continuation can be chosen by (MODEL.md §5). */
export const ContinuationObjective = z.enum(["phases", "slack", "welfare", "maxmin", "nash"]);
export type ContinuationObjective = z.infer<typeof ContinuationObjective>;

export const ContinuationStep = z.object({
  phase: z.int().describe("A phase after the current one (k0)"),
  move: z.string(),
  share: z.number().describe("Share of the move done in that phase (1 for an indivisible move)"),
});
export type ContinuationStep = z.infer<typeof ContinuationStep>;

export const ContinuationReport = z.object({
  feasible: z.boolean(),
  status: PlanStatus,
  objective: ContinuationObjective,
  from: z.int().describe("k0: the continuation plans phases k0+1..; the history up to k0 is fixed"),
  phases: z.int().describe("T: the last phase of the whole trajectory (0 when there is none)"),
  steps: z
    .array(ContinuationStep)
    .describe("What the continuation does, phase by phase; when infeasible, what the relaxation's does"),
  minSlack: z.number().nullable().describe("Least row after k0 that depends on a value (MODEL.md §5)"),
  gap: z.number().optional(),
  objectiveValue: z.number().optional(),
  relaxation: Relaxation.optional().describe("When no continuation is feasible: what it would take"),
  binding: z.array(z.string()).optional().describe("When infeasible: why, in words"),
  notes: z.array(z.string()),
  stats: PlanStats,
});
export type ContinuationReport = z.infer<typeof ContinuationReport>;
