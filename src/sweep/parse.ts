/**
 * Sweep text → a checked sweep, with every problem at once as FILE:LINE:COL issues. The same YAML
 * and zod machinery as scenario files (model/parse.ts), so errors read the same way.
 */
import type { ScenarioIssue } from "../model/index.ts";
import {
  isMapping,
  type Locator,
  notAMapping,
  type PathKey,
  readYaml,
  schemaIssues,
} from "../model/index.ts";
import { Sweep, type Sweep as SweepType, Variable } from "./schema.ts";

export type SweepParseResult =
  | { ok: true; sweep: SweepType; locator: Locator }
  | { ok: false; issues: ScenarioIssue[] };

function knownFields(path: readonly PathKey[]): string[] {
  const [head] = path;
  if (path.length === 0) return Object.keys(Sweep.shape);
  if (head === "vary" && path.length === 2) return Object.keys(Variable.shape);
  if (head === "measure" && path.length === 1) return ["analysis", "safety", "optimum", "simulation"];
  return [];
}

export function parseSweep(text: string): SweepParseResult {
  const read = readYaml(text);
  if (!read.ok) return read;
  const { raw } = read;
  if (!isMapping(raw)) return { ok: false, issues: [notAMapping("scenario, measure and vary")] };
  const parsed = Sweep.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: schemaIssues(parsed.error, read.locator, knownFields) };
  return { ok: true, sweep: parsed.data, locator: read.locator };
}
