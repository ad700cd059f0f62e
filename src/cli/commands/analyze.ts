import type { Command } from "commander";
import { analyzePlan, toReport } from "../../analysis/analyze.ts";
import { defaultPlanName } from "../../analysis/doctrines.ts";
import { EXIT } from "../errors.ts";
import { formatAnalysis } from "../format/analysis.ts";
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
      const report = toReport(analyzePlan(loaded.compiled, plan));
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${formatAnalysis(report, `${loaded.scenario.id} — plan '${name}'`)}\n`);
      process.exitCode = report.feasible ? EXIT.ok : EXIT.infeasible;
    });
}
