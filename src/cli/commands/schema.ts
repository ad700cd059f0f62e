import type { Command } from "commander";
import { scenarioJsonSchema } from "../../model/index.ts";
import { cliIo } from "../io.ts";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of scenario files (for editor autocompletion)")
    .action(() => {
      cliIo().stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
