/**
 * Sweep files on disk: read the sweep, find the scenario it names (a path relative to the sweep
 * file, or a built-in name), check both, and give the sweep document with its id. Every problem
 * comes back as FILE:LINE:COL text, the way scenario errors read.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { formatIssue } from "../model/index.ts";
import { checkSweep, parseSweep, type SweepDocument, sweepDocument } from "../sweep/index.ts";
import { parseSource, readScenarioSource, SourceNotFound } from "./scenario-files.ts";

/** Bad sweep input: the message is ready to print (exit status 2). */
export class SweepInputError extends Error {}

export interface LoadedSweep {
  /** Derived from the document: the same file gives the same id, so a re-run resumes. */
  id: string;
  document: SweepDocument;
}

/** The id of a sweep document: a hash of its JSON, so any change to it starts a new sweep. */
export function sweepId(document: SweepDocument): string {
  return createHash("sha256").update(JSON.stringify(document)).digest("hex").slice(0, 16);
}

function problemsText(file: string, lines: string[]): string {
  const count = `${lines.length} problem${lines.length === 1 ? "" : "s"} found`;
  return `${lines.join("\n")}\n${file}: ${count}`;
}

export function loadSweepFile(file: string): LoadedSweep {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new SweepInputError(`${file}: cannot read: ${(error as Error).message}`);
  }
  const parsed = parseSweep(text);
  if (!parsed.ok) {
    throw new SweepInputError(
      problemsText(
        file,
        parsed.issues.map((i) => formatIssue(file, i)),
      ),
    );
  }
  const { sweep, locator } = parsed;
  const where = (path: (string | number)[], message: string) =>
    formatIssue(file, { path: path.join("."), code: "sweep", message, ...locator.locate(path) });
  let source: ReturnType<typeof readScenarioSource>;
  try {
    const relative = resolve(dirname(file), sweep.scenario);
    try {
      source = readScenarioSource(relative);
    } catch {
      source = readScenarioSource(sweep.scenario);
    }
  } catch (error) {
    if (error instanceof SourceNotFound) {
      throw new SweepInputError(problemsText(file, [where(["scenario"], error.message)]));
    }
    throw error;
  }
  const scenario = parseSource(source);
  if (!scenario.ok) {
    throw new SweepInputError(
      problemsText(
        source.file,
        scenario.issues.map((i) => formatIssue(source.file, i)),
      ),
    );
  }
  const problems = checkSweep(sweep, scenario.scenario);
  if (problems.length > 0) {
    throw new SweepInputError(
      problemsText(
        file,
        problems.map((p) => where(p.path, p.message)),
      ),
    );
  }
  const document = sweepDocument(sweep, scenario.scenario, scenario.scenario.id ?? sweep.scenario);
  return { id: sweepId(document), document };
}
