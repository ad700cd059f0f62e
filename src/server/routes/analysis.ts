/** /api/analyze, /api/plan, /api/compare: thin wrappers over the analysis core and the planner. */
import type { FastifyInstance } from "fastify";
import { analyzePlan, toReport } from "../../analysis/analyze.ts";
import type { CompiledScenario } from "../../analysis/compile.ts";
import { doctrineNames, resolvePlan } from "../../analysis/doctrines.ts";
import { analysisDocument, credibleTo } from "../../analysis/perspectives.ts";
import { robustnessReport } from "../../analysis/robustness.ts";
import { type PlanOptions, progressOf } from "../../planner/index.ts";
import type { Capabilities } from "../capabilities.ts";
import { HttpError } from "../errors.ts";
import { choosePlan, unavailable } from "../plans.ts";
import type { ScenarioLibrary } from "../scenarios.ts";
import { AnalyzeBody, CompareBody, PlanBody } from "../schemas.ts";
import { parseBody } from "../validate.ts";

export function analysisRoutes(
  app: FastifyInstance,
  library: ScenarioLibrary,
  capabilities: Capabilities,
): void {
  app.post("/api/analyze", async (request) => {
    const body = parseBody(AnalyzeBody, request.body);
    const { scenario, compiled } = await library.resolve(body);
    const plan = await choosePlan(compiled, body.plan, capabilities);
    const analysis = analysisDocument(compiled, analyzePlan(compiled, plan.assignments));
    return { scenarioId: scenario.id, plan, analysis };
  });

  app.post("/api/plan", async (request) => {
    const body = parseBody(PlanBody, request.body);
    const planner = capabilities.planner.module;
    if (!planner) throw unavailable("Finding the best plan", capabilities.planner.reason);
    const { scenario, compiled } = await library.resolve(body);
    const options = {
      objective: body.objective as PlanOptions["objective"],
      robust: body.robust,
      timeLimitSeconds: body.timeLimitSeconds,
    };
    try {
      planner.checkPlanOptions?.(options);
    } catch (error) {
      throw new HttpError(400, "bad-request", (error as Error).message);
    }
    return { scenarioId: scenario.id, result: await planner.findPlan(compiled, options) };
  });

  app.post("/api/compare", async (request) => {
    const body = parseBody(CompareBody, request.body);
    const { scenario, compiled } = await library.resolve(body);
    const planner = capabilities.planner.module;
    if (planner) return { scenarioId: scenario.id, result: await planner.comparePlans(compiled, {}) };
    // Without the planner the doctrines and the file's own plans can still be compared.
    return {
      scenarioId: scenario.id,
      result: { scenario: scenario.id ?? "scenario", rows: compareWithoutPlanner(compiled) },
      note: `the optimum is missing: ${capabilities.planner.reason ?? "planner not available"}`,
    };
  });
}

/** Rows shaped like the planner's comparison rows, for every plan but the optimum. */
function compareWithoutPlanner(compiled: CompiledScenario) {
  const names = [...doctrineNames(compiled), ...Object.keys(compiled.scenario.plans)];
  return names.flatMap((name) => {
    const lookup = resolvePlan(compiled, name);
    if (!lookup.ok) return [];
    const analysis = analyzePlan(compiled, lookup.plan);
    const report = toReport(analysis);
    const credible = credibleTo(compiled, analysis);
    const parties = Object.entries(report.parties);
    return [
      {
        name,
        kind: compiled.scenario.plans[name] ? "named" : "doctrine",
        feasible: report.feasible,
        phases: report.phases,
        minSlack: report.minSlack,
        worstExposure: Object.fromEntries(parties.map(([id, f]) => [id, Math.max(...f.exposure)])),
        final: Object.fromEntries(parties.map(([id, f]) => [id, f.final])),
        progress: progressOf(compiled, analysis.schedule),
        plan: lookup.plan,
        safety: robustnessReport(compiled, analysis).safety,
        firstViolation: report.violations[0]?.message,
        ...(credible ? { credibleTo: credible } : {}),
      },
    ];
  });
}
