/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that check requests and scenario
 * files (`z.toJSONSchema`), so the description cannot drift from the code.
 */
import { z } from "zod";
import { AnalysisReport } from "../analysis/report.ts";
import { Plan, Scenario } from "../model/schema.ts";
import type { Capabilities } from "./capabilities.ts";
import * as api from "./schemas.ts";

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { "application/json": { schema: ref(name) } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [String(code), { description: errorText[code], ...json("ApiError") }]),
  );
const errorText: Record<number, string> = {
  400: "Malformed request",
  403: "Built-in scenarios are read-only",
  404: "No such scenario or job",
  409: "Conflict",
  413: "Request body too large",
  422: "The scenario has problems (each with line and column); nothing was saved",
  501: "Capability not available in this build",
};
const idParam = [{ name: "id", in: "path", required: true, schema: { type: "string" } }];

/** Extra response schemas of capabilities that are present (planner and simulator reports). */
function capabilitySchemas(capabilities: Capabilities): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  const pick = (module: Record<string, unknown> | undefined, name: string) => {
    const schema = module?.[name];
    if (schema instanceof z.ZodType) out[name] = jsonSchema(schema, "output");
  };
  pick(capabilities.plannerSchemas.module, "PlanReport");
  pick(capabilities.plannerSchemas.module, "ComparisonReport");
  pick(capabilities.simulationSchemas.module, "SimulationReport");
  return out;
}

export function openApiDocument(capabilities: Capabilities): JsonSchema {
  const extra = capabilitySchemas(capabilities);
  const orAny = (name: string) => (extra[name] ? ref(name) : {});
  return {
    openapi: "3.1.0",
    info: {
      title: "Lockstep workbench API",
      version: "0.1.0",
      description:
        "Design, stress-test and track phased, reciprocal agreements. Errors: `{ error, message, issues? }`.",
    },
    paths: {
      "/api/scenarios": {
        get: { summary: "List built-in and saved scenarios", responses: { 200: json("ScenarioList") } },
        post: {
          summary: "Save a new scenario",
          requestBody: { required: true, ...json("CreateScenarioBody") },
          responses: { 201: json("ScenarioDocument"), ...errors(400, 409, 413, 422) },
        },
      },
      "/api/scenarios/{id}": {
        parameters: idParam,
        get: {
          summary: "A scenario with its source",
          responses: { 200: json("ScenarioDocument"), ...errors(404) },
        },
        put: {
          summary: "Replace a saved scenario's source",
          requestBody: { required: true, ...json("UpdateScenarioBody") },
          responses: { 200: json("ScenarioDocument"), ...errors(400, 403, 404, 413, 422) },
        },
        delete: {
          summary: "Delete a saved scenario",
          responses: { 204: { description: "Deleted" }, ...errors(403, 404) },
        },
      },
      "/api/analyze": {
        post: {
          summary: "Exposure, incentive margins and violations of one plan",
          requestBody: { required: true, ...json("AnalyzeBody") },
          responses: {
            200: {
              description: "The analysis",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      scenarioId: { type: "string" },
                      plan: {
                        type: "object",
                        properties: { name: { type: "string" }, assignments: ref("Plan") },
                      },
                      analysis: ref("AnalysisReport"),
                    },
                  },
                },
              },
            },
            ...errors(400, 404, 422),
          },
        },
      },
      "/api/plan": {
        post: {
          summary: "Find the best plan for an objective, or what it would take when none exists",
          requestBody: { required: true, ...json("PlanBody") },
          responses: {
            200: {
              description: "The planner's report",
              content: { "application/json": { schema: orAny("PlanReport") } },
            },
            ...errors(400, 404, 422, 501),
          },
        },
      },
      "/api/compare": {
        post: {
          summary: "The doctrines and the optimum side by side",
          requestBody: { required: true, ...json("CompareBody") },
          responses: {
            200: {
              description: "The comparison",
              content: { "application/json": { schema: orAny("ComparisonReport") } },
            },
            ...errors(400, 404, 422),
          },
        },
      },
      "/api/simulate": {
        post: {
          summary: "Start a simulation job",
          requestBody: { required: true, ...json("SimulateBody") },
          responses: { 202: json("JobState"), ...errors(400, 404, 422, 501) },
        },
      },
      "/api/simulate/{id}": {
        parameters: idParam,
        get: {
          summary: "A job's state and, when done, its result",
          responses: { 200: json("JobState"), ...errors(404) },
        },
        delete: { summary: "Cancel a job", responses: { 200: json("JobState"), ...errors(404) } },
      },
      "/api/simulate/{id}/events": {
        parameters: idParam,
        get: {
          summary: "Progress as server-sent events: `progress`, then one of `done`, `failed`, `cancelled`",
          responses: {
            200: { description: "An event stream", content: { "text/event-stream": {} } },
            ...errors(404),
          },
        },
      },
      "/api/capabilities": {
        get: {
          summary: "Which optional capabilities this build has",
          responses: { 200: json("Capabilities") },
        },
      },
      "/api/openapi.json": {
        get: { summary: "This document", responses: { 200: { description: "OpenAPI 3.1" } } },
      },
    },
    components: {
      schemas: {
        Scenario: jsonSchema(Scenario, "input"),
        Plan: jsonSchema(Plan, "input"),
        AnalysisReport: jsonSchema(AnalysisReport, "output"),
        ApiError: jsonSchema(api.ApiError, "output"),
        ScenarioSummary: jsonSchema(api.ScenarioSummary, "output"),
        ScenarioDocument: jsonSchema(api.ScenarioDocument, "output"),
        ScenarioList: jsonSchema(api.ScenarioList, "output"),
        CreateScenarioBody: jsonSchema(api.CreateScenarioBody, "input"),
        UpdateScenarioBody: jsonSchema(api.UpdateScenarioBody, "input"),
        AnalyzeBody: jsonSchema(api.AnalyzeBody, "input"),
        PlanBody: jsonSchema(api.PlanBody, "input"),
        CompareBody: jsonSchema(api.CompareBody, "input"),
        SimulateBody: jsonSchema(api.SimulateBody, "input"),
        JobState: jsonSchema(api.JobState, "output"),
        Capabilities: jsonSchema(api.Capabilities, "output"),
        ...extra,
      },
    },
  };
}
