import type { Command } from "commander";
import { analysisDocument, analyzePerspectives, analyzePlan, defaultPlanName } from "../../analysis/index.ts";
import { EXIT } from "../errors.ts";
import { formatAnalysis } from "../format/analysis.ts";
import { formatPerspectives } from "../format/perspectives.ts";
import { cliIo, setExitCode } from "../io.ts";
import { loadScenario } from "../load.ts";
import { choosePlan } from "../plan-choice.ts";

export function registerAnalyze(program: Command): void {
  program
    .command("analyze")
    .description("exposure, incentive margins and violations of a plan, per party and phase")
    .argument("<file>", "scenario file (YAML or JSON) or built-in scenario name")
    .option("--plan <name>", "a named plan of the scenario, 'simultaneous', 'upfront:PARTY' or 'optimal'")
    .option("--json", "print one JSON document")
    .action(async (file: string, options: { plan?: string; json?: boolean }) => {
      const loaded = loadScenario(file);
      const name = options.plan ?? defaultPlanName(loaded.compiled);
      const plan = await choosePlan(loaded, name);
      const analysis = analyzePlan(loaded.compiled, plan);
      const views = analyzePerspectives(loaded.compiled, analysis);
      const report = analysisDocument(loaded.compiled, analysis, views);
      if (options.json) cliIo().stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const text = formatAnalysis(report, `${loaded.scenario.id} — plan '${name}'`, loaded.scenario.unit);
        cliIo().stdout.write(`${text}${views ? `\n\n${formatPerspectives(views)}` : ""}\n`);
      }
      setExitCode(report.feasible ? EXIT.ok : EXIT.infeasible);
    });
}
