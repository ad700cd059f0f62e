/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that check requests and scenario
 * files (`z.toJSONSchema`), so the description cannot drift from the code.
 */
import { z } from "zod";
import { AnalysisReport } from "../analysis/report.ts";
import { Plan, Scenario } from "../model/schema.ts";
import { SweepList, SweepStatus } from "../sweep/report-schema.ts";
import * as agreements from "./agreement-schemas.ts";
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

const agreementErrors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [String(code), { description: agreementErrorText[code], ...json("ApiError") }]),
  );
const agreementErrorText: Record<number, string> = {
  400: "Malformed request, or an event that is unsigned, for another agreement or malformed",
  403: "Not a participant, a bad signature, or a step the signer may not take",
  404: "No such agreement (or scenario, when adopting by id)",
  409: "The id is taken, or the event conflicts with the ledger",
  413: "Request body too large",
};

/** The ledger's routes (plugins/agreements.ts), present when the server has a database. */
function agreementPaths(): Record<string, unknown> {
  const ok = (name: string) => json(name);
  const status = {
    description: "The live status projection (docs/ledger.md) plus `head`, the hash of the last event",
    ...json("AgreementStatus"),
  };
  return {
    "/api/agreements": {
      get: { summary: "List adopted agreements", responses: { 200: ok("AgreementList") } },
      post: {
        summary: "Adopt a plan as an agreement (its charter)",
        requestBody: { required: true, ...json("AdoptRequest") },
        responses: { 201: ok("AdoptedAgreement"), ...agreementErrors(400, 404, 409, 413) },
      },
    },
    "/api/agreements/{id}": {
      parameters: idParam,
      get: {
        summary: "An agreement's charter and the head of its ledger",
        responses: { 200: ok("AgreementDocument"), ...agreementErrors(404) },
      },
    },
    "/api/agreements/{id}/events": {
      parameters: idParam,
      get: {
        summary: "The ledger's events in order",
        parameters: [
          {
            name: "after",
            in: "query",
            schema: { type: "integer", minimum: 0 },
            description: "seq to start after",
          },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1 } },
        ],
        responses: { 200: ok("LedgerEventList"), ...agreementErrors(400, 404) },
      },
      post: {
        summary: "Append a signed event",
        requestBody: { required: true, ...json("PostedEvent") },
        responses: {
          200: { description: "Already in the ledger (a duplicate)", ...json("AppendedEvent") },
          201: { description: "Appended", ...json("AppendedEvent") },
          ...agreementErrors(400, 403, 404, 409, 413),
        },
      },
    },
    "/api/agreements/{id}/signatures": {
      parameters: idParam,
      post: {
        summary: "Sign the charter hash as a participant; active once every party has",
        requestBody: { required: true, ...json("PostedCharterSignature") },
        responses: { 200: ok("SignatureState"), ...agreementErrors(400, 403, 404, 409, 413) },
      },
    },
    "/api/agreements/{id}/checkpoints": {
      parameters: idParam,
      post: {
        summary: "Countersign a head of the chain (seq, hash, time) as a participant",
        requestBody: { required: true, ...json("PostedCheckpoint") },
        responses: { 201: ok("StoredCheckpoint"), ...agreementErrors(400, 403, 404, 409, 413) },
      },
    },
    "/api/agreements/{id}/events/stream": {
      parameters: idParam,
      get: {
        summary: "The ledger as server-sent events: `ledger` per event, then `status` after each",
        parameters: [{ name: "after", in: "query", schema: { type: "integer", minimum: 0 } }],
        responses: {
          200: { description: "An event stream", content: { "text/event-stream": {} } },
          ...agreementErrors(404),
        },
      },
    },
    "/api/agreements/{id}/export": {
      parameters: idParam,
      get: {
        summary: "The whole ledger as one document, for offline verification",
        responses: {
          200: {
            description: "The export (docs/ledger.md)",
            content: { "application/json": { schema: { type: "object" } } },
          },
          ...agreementErrors(404),
        },
      },
    },
    "/api/agreements/{id}/status": {
      parameters: idParam,
      get: {
        summary: "Phase, moves planned against done and verified, exposure now, alerts",
        parameters: [{ name: "at", in: "query", schema: { type: "string", format: "date-time" } }],
        responses: { 200: status, ...agreementErrors(400, 404) },
      },
    },
  };
}

export interface DocumentOptions {
  /** Whether the agreement routes are registered (they need a database). */
  agreements?: boolean;
  /** Whether the sweep routes are registered (plugins/sweeps.ts; they need a database). */
  sweeps?: boolean;
}

function sweepPaths(): JsonSchema {
  return {
    "/api/sweeps": {
      get: {
        summary: "Sweeps stored in this server's database, newest first",
        responses: { 200: json("SweepList") },
      },
    },
    "/api/sweeps/{id}": {
      parameters: idParam,
      get: {
        summary: "A sweep's progress and its report so far (poll while it runs)",
        responses: { 200: json("SweepStatus"), ...errors(404) },
      },
    },
  };
}

export function openApiDocument(capabilities: Capabilities, options: DocumentOptions = {}): JsonSchema {
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
      ...(options.agreements ? agreementPaths() : {}),
      ...(options.sweeps ? sweepPaths() : {}),
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
        ...(options.agreements
          ? {
              AdoptRequest: jsonSchema(agreements.AdoptRequest, "input"),
              PostedEvent: jsonSchema(agreements.PostedEvent, "input"),
              AgreementList: jsonSchema(agreements.AgreementList, "output"),
              AdoptedAgreement: jsonSchema(agreements.AdoptedAgreement, "output"),
              AgreementDocument: jsonSchema(agreements.AgreementDocument, "output"),
              LedgerEventList: jsonSchema(agreements.LedgerEventList, "output"),
              AppendedEvent: jsonSchema(agreements.AppendedEvent, "output"),
              AgreementStatus: jsonSchema(agreements.AgreementStatusDocument, "output"),
              PostedCharterSignature: jsonSchema(agreements.PostedCharterSignature, "input"),
              PostedCheckpoint: jsonSchema(agreements.PostedCheckpoint, "input"),
              SignatureState: jsonSchema(agreements.SignatureState, "output"),
              StoredCheckpoint: jsonSchema(agreements.StoredCheckpointReply, "output"),
            }
          : {}),
        ...(options.sweeps
          ? { SweepList: jsonSchema(SweepList, "output"), SweepStatus: jsonSchema(SweepStatus, "output") }
          : {}),
        ...extra,
      },
    },
  };
}
