import type { Command } from "commander";
import { comparePlans } from "../../planner/index.ts";
import { formatComparison } from "../format/plan.ts";
import { cliIo } from "../io.ts";
import { loadScenario } from "../load.ts";
import { plannerError, plannerOptions } from "./plan.ts";

interface CompareFlags {
  horizon?: string;
  timeLimit?: string;
  robust?: boolean;
  only?: string;
  json?: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("doctrines, the scenario's plans and the optimum side by side")
    .argument("<file>", "scenario file (YAML or JSON) or built-in scenario name")
    .option("--horizon <n>", "most phases the optimal plan may use (default: the scenario's horizon)")
    .option("--time-limit <seconds>", "time limit for finding the optimal plan")
    .option("--robust", "the optimal plan must hold for every value in the scenario's ranges")
    .option("--only <names>", "comma-separated rows to show, e.g. 'simultaneous,upfront:us,optimal'")
    .option("--json", "print one JSON document")
    .action(async (file: string, flags: CompareFlags) => {
      const { compiled } = loadScenario(file);
      const plans = flags.only
        ?.split(",")
        .map((name) => name.trim())
        .filter(Boolean);
      const report = await comparePlans(compiled, { ...plannerOptions(flags), plans }).catch(plannerError);
      if (flags.json) cliIo().stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else cliIo().stdout.write(`${formatComparison(report, compiled.partyIds)}\n`);
    });
}
