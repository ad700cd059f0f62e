/**
 * The planner, simulator and store are written alongside the server. Each is loaded when present,
 * so the workbench starts without them and says which capability is missing instead of crashing.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CompiledScenario } from "../analysis/compile.ts";
import type { SimulationRequest } from "../io/simulation-pool.ts";
import type { ComparisonReport, PlanOptions, PlanReport } from "../planner/index.ts";
import type { SimulationReport } from "../simulate/report.ts";

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

async function optional<T>(relative: string, required: string[]): Promise<Capability<T>> {
  const url = new URL(relative, import.meta.url);
  if (!existsSync(fileURLToPath(url)))
    return { reason: `${relative.replace(/^\.\.\//, "src/")} is not there yet` };
  try {
    const module = (await import(url.href)) as Record<string, unknown>;
    const missing = required.filter((name) => typeof module[name] !== "function");
    if (missing.length > 0) return { reason: `${relative} does not export ${missing.join(", ")} yet` };
    return { module: module as T };
  } catch (error) {
    return { reason: `${relative} failed to load: ${(error as Error).message.split("\n")[0]}` };
  }
}

export interface Capabilities {
  planner: Capability<PlannerModule>;
  plannerSchemas: Capability<SchemaModule>;
  simulation: Capability<SimulationPoolModule>;
  simulationSchemas: Capability<SchemaModule>;
}

export async function loadCapabilities(): Promise<Capabilities> {
  const [planner, plannerSchemas, simulation, simulationSchemas] = await Promise.all([
    optional<PlannerModule>("../planner/index.ts", ["findPlan", "comparePlans"]),
    optional<SchemaModule>("../planner/report.ts", []),
    optional<SimulationPoolModule>("../io/simulation-pool.ts", ["runSimulation"]),
    optional<SchemaModule>("../simulate/report.ts", []),
  ]);
  return { planner, plannerSchemas, simulation, simulationSchemas };
}
