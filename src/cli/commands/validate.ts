import type { Command } from "commander";
import { CliError, EXIT } from "../errors.ts";
import { cliIo } from "../io.ts";
import { loadScenario } from "../load.ts";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check scenario files and report every problem with its line and column")
    .argument("<files...>", "scenario files (YAML or JSON) or built-in scenario names")
    .action((files: string[]) => {
      // every file is checked, so one run reports on a whole directory; any bad file makes it exit 2
      let bad = 0;
      for (const file of files) {
        try {
          const { source, scenario } = loadScenario(file);
          const plans = Object.keys(scenario.plans).length;
          cliIo().stdout.write(
            `${source.file}: ok — ${scenario.parties.length} parties, ${scenario.moves.length} moves, ${plans} plan${plans === 1 ? "" : "s"}\n`,
          );
        } catch (error) {
          if (!(error instanceof CliError) || files.length === 1) throw error;
          cliIo().stderr.write(`${error.message}\n`);
          bad += 1;
        }
      }
      if (bad > 0) throw new CliError(`${bad} of ${files.length} files have problems`, EXIT.badInput);
    });
}
