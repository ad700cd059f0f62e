/**
 * Request and response bodies of the HTTP API, as zod schemas. Requests are checked with them and
 * the OpenAPI document is generated from them, next to the scenario and analysis schemas.
 */
import { z } from "zod";
import { Plan } from "../model/index.ts";
import { SimulationReport } from "../simulate/index.ts";

export const ScenarioIssue = z.object({
  path: z.string(),
  line: z.int().optional(),
  column: z.int().optional(),
  code: z.string(),
  message: z.string(),
});

export const ApiError = z.object({
  error: z.string().describe("Stable machine-readable code, e.g. 'invalid-scenario'"),
  message: z.string(),
  issues: z.array(ScenarioIssue).optional(),
});

export const ScenarioSummary = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().describe("First sentence of the scenario's description"),
  builtin: z.boolean().describe("Built-in scenarios are read-only"),
  parties: z.int(),
  moves: z.int(),
  valid: z.boolean().describe("False when a saved scenario no longer parses (saved before a schema change)"),
});

export const ScenarioDocument = ScenarioSummary.extend({
  source: z.string().describe("The scenario text (YAML or JSON) as written"),
});

export const ScenarioList = z.object({ scenarios: z.array(ScenarioSummary) });

export const CreateScenarioBody = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a slug: lower-case letters, digits, '-' or '_'")
    .optional()
    .describe("Id to save under; default the scenario's own id"),
  source: z.string().min(1).describe("Scenario text, YAML or JSON"),
});

export const UpdateScenarioBody = z.strictObject({ source: z.string().min(1) });

/** Every analysis request names its scenario by id or carries it inline (the editor's unsaved text). */
const ScenarioRef = {
  scenarioId: z.string().optional().describe("A built-in or saved scenario id"),
  source: z.string().optional().describe("Scenario text, instead of scenarioId"),
};

export const AnalyzeBody = z.strictObject({
  ...ScenarioRef,
  plan: z
    .union([z.string(), Plan])
    .optional()
    .describe("A plan name ('simultaneous', 'upfront:PARTY', a named plan) or a plan object"),
});

export const PlanBody = z.strictObject({
  ...ScenarioRef,
  objective: z
    .string()
    .optional()
    .describe(
      "The planner's objective (phases, slack, welfare, maxmin, nash, progress, safety); default: fewest phases, then slack",
    ),
  robust: z.boolean().optional().describe("Every value at the worst end of its range"),
  frontier: z
    .boolean()
    .optional()
    .describe(
      "With the safety objective (the default when set): also the largest θ* for each number of phases, from the fewest feasible to the horizon",
    ),
  timeLimitSeconds: z.number().gt(0).max(600).optional(),
});

export const CompareBody = z.strictObject({ ...ScenarioRef });

export const SimulateBody = z.strictObject({
  ...ScenarioRef,
  plan: z.union([z.string(), Plan]).optional(),
  runs: z.int().min(1).max(1_000_000).default(2000),
  seed: z.int().min(0).max(0xffff_ffff).default(1),
  workers: z.int().min(1).max(16).optional(),
});

export const JobState = z.object({
  id: z.string(),
  status: z.enum(["running", "done", "failed", "cancelled"]),
  progress: z.object({ done: z.number(), total: z.number() }),
  result: SimulationReport.optional().describe(
    "The report, when done (partial when cancelled or stopped at the time limit)",
  ),
  error: z.string().optional(),
});

export const Capabilities = z.object({
  planner: z.object({ available: z.boolean(), reason: z.string().optional() }),
  simulation: z.object({ available: z.boolean(), reason: z.string().optional() }),
  storage: z.object({ kind: z.string() }),
});

export type ScenarioSummary = z.infer<typeof ScenarioSummary>;
export type ScenarioDocument = z.infer<typeof ScenarioDocument>;
export type ScenarioList = z.infer<typeof ScenarioList>;
export type Capabilities = z.infer<typeof Capabilities>;
export type CreateScenarioBody = z.infer<typeof CreateScenarioBody>;
export type AnalyzeBody = z.infer<typeof AnalyzeBody>;
export type SimulateBody = z.infer<typeof SimulateBody>;
export type JobState = z.infer<typeof JobState>;

/** Path parameters of the routes under `/:id`. */
export const IdParams = z.object({ id: z.string().describe("The scenario's, job's or agreement's id") });

const errorText: Record<number, string> = {
  400: "Malformed request: the body, a parameter or a value does not fit",
  401: "No token, or a token that is forged, garbled or expired (docs/ledger.md, access control)",
  403: "Not allowed: a built-in scenario is read-only; a participant may not take that step",
  404: "No such scenario, plan, job or agreement",
  409: "Conflict with what is stored (an id taken, an event out of order), or no feasible plan",
  413: "Request body too large",
  415: "The body is not JSON",
  421: "The Host header names a host this server does not answer to",
  422: "The scenario has problems (each with its line and column); nothing was saved or run",
  429: "Too many requests from this address or token (wait as `retry-after` says), or too many simulations or planner requests in flight",
  503: "The stored ledger fails verification (nothing is appended until an operator restores it), or too many event streams are open",
  504: "The planner ran past this server's wall-clock limit for the request; its thread was stopped",
};

/** Documented error answers of a route: each is `{ error, message, issues? }`. */
export function errorResponses(...codes: (keyof typeof errorText)[]) {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      { description: errorText[code], content: { "application/json": { schema: ApiError } } },
    ]),
  );
}

/** A documented JSON answer with a description (OpenAPI requires one per response). */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } };
}
