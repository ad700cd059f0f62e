/**
 * The planner's public face, shared by the CLI, the server and the browser worker. Nothing here
 * touches Node: the solver (HiGHS, WebAssembly) is imported lazily on the first solve.
 */
export { choosePlan, OPTIMAL, type PlanChoice } from "./choose.ts";
export { type CompareOptions, type Comparison, comparePlans, UnknownPlanError } from "./compare.ts";
export * from "./continuation-report.ts";
export {
  ContinuationOptionError,
  type ContinuationOptions,
  continuationHorizon,
  continuationSteps,
  findContinuation,
  relaxationOfRows,
} from "./continue.ts";
export { type ExportFormat, exportNames, phasesOf, writeModel } from "./export.ts";
export {
  checkPlanOptions,
  DEFAULT_TIME_LIMIT,
  findPlan,
  PlanOptionError,
  type PlanOptions,
  type PlanProgress,
  type PlanResult,
} from "./find.ts";
export { type Milp, MilpBuilder } from "./milp.ts";
export { interimFeasible, progressOf } from "./progress.ts";
export { applyRelaxation } from "./relax.ts";
export * from "./report.ts";
export {
  configureSolver,
  type MilpSolver,
  type SolveOptions,
  type SolveResult,
  type SolverConfig,
  solveWithHighs,
  warmSolver,
} from "./solver.ts";
