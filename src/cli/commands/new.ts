import { existsSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { readScenarioSource, SourceNotFound } from "../../io/scenario-files.ts";
import { CliError } from "../errors.ts";
import { cliIo } from "../io.ts";

const SLUG = /^[a-z0-9][a-z0-9_-]*$/;

/** What `lockstep new NAME` writes when no --from is given: the smallest useful scenario. */
export const STARTER = `# A new Lockstep scenario. Values are per-phase flows relative to the status quo; an actor's own
# cost is negative for the actor. See docs/modelling-guide.md, or start from a built-in instead:
# 'lockstep scenarios' lists them and 'lockstep new NAME --from korea-2018' copies one.
id: NAME
title: A short title
description: One line saying what is exchanged for what
sources: []
unit: what one unit of value means, in words

parties:
  - id: a
    name: Party A
    tolerance: 0.5    # the shortfall A can bear if the deal collapses
  - id: b
    name: Party B
    tolerance: 0

moves:
  - id: a-step
    actor: a
    title: What A does
    value: { a: -1, b: 2 }
    reversible: 0.5   # share of its cost A gets back if the deal collapses
    verify: { lag: 0, by: "who checks it" }
  - id: b-step
    actor: b
    title: What B does
    value: { a: 2, b: -0.5 }
    verify: { lag: 0 }

plans:
  one-then-other:
    a-step: 1
    b-step: 2
`;

/** Sets the scenario's `id:` line to `name`, keeping every comment; adds the line if there is none. */
export function withId(text: string, name: string): string {
  const line = /^id:[^\n]*$/m;
  if (line.test(text)) return text.replace(line, `id: ${name}`);
  // No top-level id: put one after the leading comment block, so the header stays on top.
  const lines = text.split("\n");
  let at = 0;
  while (at < lines.length && (lines[at].startsWith("#") || lines[at].trim() === "")) at++;
  lines.splice(at, 0, `id: ${name}`);
  return lines.join("\n");
}

export function registerNew(program: Command): void {
  program
    .command("new")
    .description("start a scenario file NAME.yaml in the current directory, optionally from a built-in")
    .argument(
      "<name>",
      "the new scenario's id (lower-case letters, digits, '-' or '_'); the file is NAME.yaml",
    )
    .option("--from <scenario>", "built-in scenario name (see 'lockstep scenarios') or a file to copy")
    .action((rawName: string, options: { from?: string }) => {
      const name = rawName.replace(/\.ya?ml$/i, "");
      if (!SLUG.test(name)) {
        throw new CliError(
          `new: '${rawName}' is not a valid scenario id: expected lower-case letters, digits, '-' or '_' (e.g. 'my-deal')`,
        );
      }
      const target = `${name}.yaml`;
      if (existsSync(target)) {
        throw new CliError(`new: ${target} already exists; choose another name or remove the file first`);
      }
      let text = STARTER;
      let origin = "a starter template";
      if (options.from !== undefined) {
        try {
          const source = readScenarioSource(options.from);
          text = source.text;
          origin = source.builtin ? `built-in '${options.from}'` : options.from;
        } catch (error) {
          if (error instanceof SourceNotFound) throw new CliError(`--from: ${error.message}`);
          throw new CliError(`--from: cannot read ${options.from}: ${(error as Error).message}`);
        }
      }
      try {
        writeFileSync(target, withId(text, name), { flag: "wx" });
      } catch (error) {
        throw new CliError(`new: cannot write ${target}: ${(error as Error).message}`);
      }
      cliIo().stdout.write(
        `wrote ${resolve(target)} from ${origin}\nnext: edit it, then 'lockstep validate ${target}' and 'lockstep analyze ${target}'\n`,
      );
    });
}
