/**
 * The watcher's own record of an agreement, one JSON file per agreement in the state directory.
 * It is written to a temporary file and renamed, so a watcher killed mid-write leaves the previous
 * record intact rather than a half-written one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describeIssues, WatchState } from "../ledger/index.ts";
import { CliError } from "./errors.ts";
import { cliIo } from "./io.ts";

/** Default state directory: `$XDG_STATE_HOME/lockstep/watch`, else `~/.local/state/lockstep/watch`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = cliIo().env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "lockstep", "watch");
}

/** The state file of one agreement (its id, made safe as a file name). */
export function statePath(dir: string, agreement: string): string {
  return join(dir, `${encodeURIComponent(agreement)}.json`);
}

export function readWatchState(path: string): WatchState | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${path}: cannot read the watch state: ${(error as Error).message}`);
  }
  const state = WatchState.safeParse(parsed);
  if (!state.success) {
    throw new CliError(`${path}: not a lockstep watch state: ${describeIssues(state.error)}`);
  }
  return state.data;
}

export function writeWatchState(path: string, state: WatchState): void {
  mkdirSync(join(path, ".."), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
