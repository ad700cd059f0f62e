export { type Analysis, analyzePlan, analyzeSchedule, toReport } from "./analyze.ts";
export { type CompiledScenario, compileScenario } from "./compile.ts";
export * from "./continuation.ts";
export { beliefCorrections } from "./corrections.ts";
export { defaultPlanName, doctrineNames, resolvePlan, simultaneousPlan, upfrontPlan } from "./doctrines.ts";
export * from "./exposure.ts";
export * from "./figures.ts";
export {
  analysisDocument,
  analyzePerspectives,
  credibility,
  credibleTo,
  mutuallyCredible,
  type PerspectiveAnalysis,
  type RowComparison,
} from "./perspectives.ts";
export * from "./perspectives-report.ts";
export * from "./report.ts";
export { partiesOver, type RowLookup, rowIndex } from "./report-rows.ts";
export {
  breakingPoints,
  breaksInsideRange,
  breakText,
  type RowsOfPlan,
  robustnessReport,
  safety,
  tornadoOrder,
} from "./robustness.ts";
export * from "./rows.ts";
export * from "./schedule.ts";
export { forEachValidityBreak, isValidSchedule, type ValidityBreak } from "./validity.ts";
export { type CompiledView, compileViews, hasViews, viewScenario } from "./views.ts";
