/** Test helpers: a compiled scenario from inline YAML, failing loudly on invalid input. */
import { type CompiledScenario, compileScenario } from "../../src/analysis/compile.ts";
import { formatIssue } from "../../src/model/errors.ts";
import { parseScenario } from "../../src/model/parse.ts";

export function compileYaml(text: string): CompiledScenario {
  const result = parseScenario(text, "inline.yaml");
  if (!result.ok) throw new Error(result.issues.map((i) => formatIssue("inline.yaml", i)).join("\n"));
  return compileScenario(result.scenario);
}
