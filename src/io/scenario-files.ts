/**
 * Scenario files on disk: the built-in library and user files, read with their names so errors
 * can point at them. The only place scenario text meets the file system.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type ParseResult, parseScenario } from "../model/index.ts";
import { PACKAGE_ROOT } from "./package-root.ts";

export const BUILTIN_DIR = join(PACKAGE_ROOT, "scenarios");

export interface ScenarioSource {
  /** What errors name: the path as the user typed it, or `scenarios/NAME.yaml` for a built-in. */
  file: string;
  text: string;
  builtin: boolean;
}

export function builtinNames(): string[] {
  if (!existsSync(BUILTIN_DIR)) return [];
  return readdirSync(BUILTIN_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ""))
    .sort();
}

export function builtinPath(name: string): string | undefined {
  for (const ext of [".yaml", ".yml"]) {
    const path = join(BUILTIN_DIR, name + ext);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export class SourceNotFound extends Error {}

/** A path to a file, or the name of a built-in scenario. */
export function readScenarioSource(fileOrName: string): ScenarioSource {
  if (existsSync(fileOrName))
    return { file: fileOrName, text: readFileSync(fileOrName, "utf8"), builtin: false };
  const path = builtinPath(fileOrName);
  if (path) return { file: `scenarios/${basename(path)}`, text: readFileSync(path, "utf8"), builtin: true };
  const names = builtinNames();
  throw new SourceNotFound(
    `${fileOrName}: no such file, and no built-in scenario of that name (built-ins: ${names.join(", ") || "none"})`,
  );
}

export function parseSource(source: ScenarioSource): ParseResult {
  return parseScenario(source.text, basename(source.file));
}
