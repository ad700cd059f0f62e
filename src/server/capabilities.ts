/**
 * The planner, simulator and store are written alongside the server. Each is loaded when present,
 * so the workbench starts without them and says which capability is missing instead of crashing.
 */
import type { CompiledScenario } from "../analysis/compile.ts";
import type { SimulationRequest } from "../io/simulation-pool.ts";
import * as simulation from "../io/simulation-pool.ts";
import type { ComparisonReport, PlanOptions, PlanReport } from "../planner/index.ts";
import * as planner from "../planner/index.ts";
import * as plannerSchemas from "../planner/report.ts";
import type { SimulationReport } from "../simulate/report.ts";
import * as simulationSchemas from "../simulate/report.ts";

/** Type-only imports above: the modules themselves are loaded at run time, when present. */
export interface PlannerModule {
  findPlan(compiled: CompiledScenario, options?: PlanOptions): Promise<PlanReport>;
  comparePlans(compiled: CompiledScenario, options?: PlanOptions): Promise<ComparisonReport>;
  /** Throws PlanOptionError for options a user got wrong. */
  checkPlanOptions?(options: PlanOptions): void;
  PlanOptionError?: new (...args: never[]) => Error;
}

export interface SimulationPoolModule {
  runSimulation(request: SimulationRequest): Promise<SimulationReport>;
  /** Problems with runs, seed or workers, in words (empty when fine). */
  checkRequest?(request: SimulationRequest): string[];
}

/** A module's zod schemas, used only to describe responses in the OpenAPI document. */
export type SchemaModule = Record<string, unknown>;

export interface Capability<T> {
  module?: T;
  /** Why it is not available, in words for the user. */
  reason?: string;
}

export interface Capabilities {
  planner: Capability<PlannerModule>;
  plannerSchemas: Capability<SchemaModule>;
  simulation: Capability<SimulationPoolModule>;
  simulationSchemas: Capability<SchemaModule>;
}

export async function loadCapabilities(): Promise<Capabilities> {
  return {
    planner: { module: planner },
    plannerSchemas: { module: plannerSchemas },
    simulation: { module: simulation },
    simulationSchemas: { module: simulationSchemas },
  };
}
