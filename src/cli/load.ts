/** Loads a scenario for a command: reads, parses, and turns problems into one CliError. */
import { type CompiledScenario, compileScenario } from "../analysis/index.ts";
import {
  parseSource,
  readScenarioSource,
  type ScenarioSource,
  SourceNotFound,
} from "../io/scenario-files.ts";
import type { Scenario } from "../model/index.ts";
import { formatIssue } from "../model/index.ts";
import { CliError } from "./errors.ts";

export interface LoadedScenario {
  source: ScenarioSource;
  scenario: Scenario;
  compiled: CompiledScenario;
}

export function loadScenario(fileOrName: string): LoadedScenario {
  let source: ScenarioSource;
  try {
    source = readScenarioSource(fileOrName);
  } catch (error) {
    if (error instanceof SourceNotFound) throw new CliError(error.message);
    throw new CliError(`${fileOrName}: cannot read: ${(error as Error).message}`);
  }
  const result = parseSource(source);
  if (!result.ok) {
    const lines = result.issues.map((issue) => formatIssue(source.file, issue));
    const count = `${result.issues.length} problem${result.issues.length === 1 ? "" : "s"} found`;
    throw new CliError(`${lines.join("\n")}\n${source.file}: ${count}`);
  }
  return { source, scenario: result.scenario, compiled: compileScenario(result.scenario) };
}
