/** The workbench's calls to the HTTP API. Errors arrive as `{ error, message, issues? }`. */
import type { Plan, ScenarioIssue } from "../../../src/model/index.ts";
import type { ComparisonReport, PlanReport } from "../../../src/planner/index.ts";
import type {
  Capabilities,
  JobState,
  ScenarioDocument,
  ScenarioList,
  ScenarioSummary,
} from "../../../src/server/schemas.ts";
import type { PlannerOptions } from "../workers/protocol.ts";
import { apiFetch, NEEDS_TOKEN } from "./auth.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ScenarioIssue[] = [],
  ) {
    super(message);
  }
}

/** One JSON request to the API; a refusal becomes an ApiError with the server's message. */
export async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await apiFetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      String(data.error ?? "error"),
      response.status === 401 ? NEEDS_TOKEN : String(data.message ?? response.statusText),
      (data.issues as ScenarioIssue[] | undefined) ?? [],
    );
  }
  return data as T;
}

/** The response documents, typed once: inferred from the server's zod schemas (type-only imports). */
export type {
  Capabilities,
  JobState,
  ScenarioDocument,
  ScenarioSummary,
} from "../../../src/server/schemas.ts";

export const api = {
  capabilities: () => call<Capabilities>("GET", "/api/capabilities"),
  list: (): Promise<ScenarioSummary[]> =>
    call<ScenarioList>("GET", "/api/scenarios").then((r) => r.scenarios),
  get: (id: string) => call<ScenarioDocument>("GET", `/api/scenarios/${encodeURIComponent(id)}`),
  create: (source: string, id?: string) => call<ScenarioDocument>("POST", "/api/scenarios", { source, id }),
  update: (id: string, source: string) =>
    call<ScenarioDocument>("PUT", `/api/scenarios/${encodeURIComponent(id)}`, { source }),
  remove: (id: string) => call<void>("DELETE", `/api/scenarios/${encodeURIComponent(id)}`),
  plan: (source: string, options: PlannerOptions) =>
    call<{ result: PlanReport }>("POST", "/api/plan", { source, ...options }).then((r) => r.result),
  compare: (source: string, options: PlannerOptions) =>
    call<{ result: ComparisonReport }>("POST", "/api/compare", { source, ...options }).then((r) => r.result),
  simulate: (source: string, plan: string | Plan, runs: number, seed: number) =>
    call<JobState>("POST", "/api/simulate", { source, plan, runs, seed }),
  cancelSimulation: (id: string) => call<JobState>("DELETE", `/api/simulate/${id}`),
};
