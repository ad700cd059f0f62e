/**
 * The live-status document of an agreement (`GET /api/agreements/:id/status`, `lockstep status
 * --format json`), as a schema: the types and the HTTP API's response schema come from here.
 */
import { z } from "zod";

export const MoveStatus = z.object({
  id: z.string(),
  title: z.string(),
  actor: z.string(),
  planned: z.number().describe("Share planned done by the end of the current phase"),
  plannedPhase: z.int().optional().describe("The phase the plan finishes the move"),
  done: z.number().describe("Share reported done"),
  verified: z.number().describe("Share verified"),
  state: z.enum(["not started", "in progress", "done", "verified", "verification failed", "reversed"]),
  overdueBy: z
    .int()
    .describe("Whole phases past the phase the plan wanted it (partly) done by; 0 when on time"),
  dueNow: z.boolean(),
  unlocked: z.boolean().describe("Every move it requires is fully verified"),
  doneInPhase: z.int().optional(),
  verifiedInPhase: z.int().optional(),
  lastReport: z.string().optional(),
});

export const PartyStatus = z.object({
  id: z.string(),
  name: z.string(),
  exposure: z.number(),
  worstExposure: z.number(),
  tolerance: z.number(),
  slack: z
    .number()
    .describe("The exposure row now, τ + u(κ⊙x̂) (not clamped: a party that is ahead shows by how much)"),
  worstSlack: z.number().describe("The exposure row now at the worst case of the value ranges"),
  over: z
    .boolean()
    .describe("Exposure now is above the tolerance (the row fails, beyond floating-point noise)"),
  worstOver: z.boolean().describe("Exposure at the worst case of the value ranges is above the tolerance"),
  margin: z.number().optional().describe("Incentive margin now, when the party has a move due this phase"),
  worstMargin: z.number().optional(),
  marginOver: z
    .boolean()
    .optional()
    .describe("The margin now is negative: walking away pays (beyond floating-point noise)"),
  worstMarginOver: z.boolean().optional(),
  utility: z.number().describe("Flow utility of the actual state, u_i(x)"),
});

export const Alert = z.object({
  level: z.enum(["info", "warning", "critical"]),
  message: z.string(),
});

export const AgreementStatus = z.object({
  agreement: z.string(),
  title: z.string(),
  plan: z.string(),
  asOf: z.string(),
  phase: z.int().describe("Current phase (0 before the calendar starts)"),
  plannedPhases: z.int(),
  events: z.int(),
  complete: z.boolean(),
  moves: z.array(MoveStatus),
  parties: z.array(PartyStatus),
  overdue: z.array(z.string()),
  unlocked: z.array(z.string()),
  openDisputes: z.array(
    z.object({ id: z.string(), by: z.string(), move: z.string().optional(), text: z.string() }),
  ),
  alerts: z.array(Alert),
});

export type MoveStatus = z.infer<typeof MoveStatus>;
export type PartyStatus = z.infer<typeof PartyStatus>;
export type Alert = z.infer<typeof Alert>;
export type AgreementStatus = z.infer<typeof AgreementStatus>;
