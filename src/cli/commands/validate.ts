import type { Command } from "commander";
import { loadScenario } from "../load.ts";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a scenario file and report every problem with its line and column")
    .argument("<file>", "scenario file (YAML or JSON) or built-in scenario name")
    .action((file: string) => {
      const { source, scenario } = loadScenario(file);
      const plans = Object.keys(scenario.plans).length;
      process.stdout.write(
        `${source.file}: ok — ${scenario.parties.length} parties, ${scenario.moves.length} moves, ${plans} plan${plans === 1 ? "" : "s"}\n`,
      );
    });
}
