import type { Command } from "commander";
import { analyzePlan, toReport } from "../../analysis/analyze.ts";
import { defaultPlanName, resolvePlan } from "../../analysis/doctrines.ts";
import { CliError, EXIT } from "../errors.ts";
import { formatAnalysis } from "../format/analysis.ts";
import { loadScenario } from "../load.ts";

export function registerAnalyze(program: Command): void {
  program
    .command("analyze")
    .description("exposure, incentive margins and violations of a plan, per party and phase")
    .argument("<file>", "scenario file (YAML or JSON) or built-in scenario name")
    .option("--plan <name>", "a named plan of the scenario, 'simultaneous' or 'upfront:PARTY'")
    .option("--json", "print one JSON document")
    .action((file: string, options: { plan?: string; json?: boolean }) => {
      const { scenario, compiled } = loadScenario(file);
      const name = options.plan ?? defaultPlanName(compiled);
      const lookup = resolvePlan(compiled, name);
      if (!lookup.ok) throw new CliError(`--plan: ${lookup.message}`);
      const report = toReport(analyzePlan(compiled, lookup.plan));
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${formatAnalysis(report, `${scenario.id} — plan '${name}'`)}\n`);
      process.exitCode = report.feasible ? EXIT.ok : EXIT.infeasible;
    });
}
