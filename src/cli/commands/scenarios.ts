import type { Command } from "commander";
import { builtinNames, parseSource, readScenarioSource } from "../../io/scenario-files.ts";
import { renderTable } from "../format/table.ts";
import { cliIo } from "../io.ts";

/** One row of `lockstep scenarios --json`. */
export interface BuiltinSummary {
  name: string;
  title?: string;
  description?: string;
  parties: string[];
  moves: number;
  plans: string[];
  /** Set when the built-in file does not validate (a packaging bug; `lockstep validate NAME` says why). */
  invalid?: boolean;
}

export function builtinSummaries(): BuiltinSummary[] {
  return builtinNames().map((name) => {
    const result = parseSource(readScenarioSource(name));
    if (!result.ok) return { name, parties: [], moves: 0, plans: [], invalid: true };
    const s = result.scenario;
    return {
      name,
      title: s.title,
      description: s.description,
      parties: s.parties.map((p) => p.id),
      moves: s.moves.length,
      plans: Object.keys(s.plans),
    };
  });
}

export function registerScenarios(program: Command): void {
  program
    .command("scenarios")
    .description("list the built-in scenarios; any command accepts their names where it takes a file")
    .option("--json", "print one JSON document")
    .action((options: { json?: boolean }) => {
      const rows = builtinSummaries();
      if (options.json) {
        cliIo().stdout.write(`${JSON.stringify({ scenarios: rows }, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        cliIo().stdout.write("No built-in scenarios are installed.\n");
        return;
      }
      const table = renderTable(
        ["name", "parties", "description"],
        rows.map((r) => [
          r.name,
          r.invalid ? "-" : r.parties.join(","),
          r.invalid
            ? `(does not validate: run 'lockstep validate ${r.name}')`
            : (r.description ?? r.title ?? ""),
        ]),
        3,
      );
      cliIo().stdout.write(
        `${table}\n\nUse a name wherever a file is expected, e.g. 'lockstep analyze ${rows[0].name}'; ` +
          `'lockstep new NAME --from ${rows[0].name}' copies one to edit.\n`,
      );
    });
}
