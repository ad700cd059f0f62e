export { formatIssue, type ScenarioIssue } from "./errors.ts";
export {
  checkScenarioObject,
  isMapping,
  type Locator,
  notAMapping,
  type ParseResult,
  type PathKey,
  parseScenario,
  readYaml,
  schemaIssues,
} from "./parse.ts";
export { checkPlan, DOCTRINE_NAMES, defaultHorizon, rangeProblem } from "./references.ts";
export * from "./schema.ts";
export { didYouMean } from "./suggest.ts";
