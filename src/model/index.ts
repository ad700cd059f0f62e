export { formatIssue, type ScenarioIssue } from "./errors.ts";
export { checkScenarioObject, type ParseResult, parseScenario } from "./parse.ts";
export { checkPlan, defaultHorizon, rangeProblem } from "./references.ts";
export * from "./schema.ts";
