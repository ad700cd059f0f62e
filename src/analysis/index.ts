export { type Analysis, analyzePlan, analyzeSchedule, EPSILON, toReport } from "./analyze.ts";
export { type CompiledScenario, compileScenario } from "./compile.ts";
export { defaultPlanName, doctrineNames, resolvePlan, simultaneousPlan, upfrontPlan } from "./doctrines.ts";
export * from "./figures.ts";
export * from "./report.ts";
export * from "./schedule.ts";
