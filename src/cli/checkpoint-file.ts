/**
 * A participant's own copy of the checkpoints it signed (a JSON list of `{ body, signature }`), so
 * that `ledger verify --checkpoints FILE` can detect a cut or forked ledger even if the operator
 * also removed the checkpoints from the server.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { CliError } from "./errors.ts";

export function readCheckpoints(path: string): unknown[] {
  if (!existsSync(path)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${path}: cannot read checkpoints: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new CliError(`${path}: expected a JSON list of checkpoints`);
  return parsed;
}

export function keepCheckpoint(path: string, checkpoint: unknown): void {
  const list = readCheckpoints(path);
  list.push(checkpoint);
  writeFileSync(path, `${JSON.stringify(list, null, 2)}\n`);
}
