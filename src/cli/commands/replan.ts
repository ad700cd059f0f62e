/**
 * `lockstep replan --agreement ID`: re-planning from the actual state (MODEL.md §10) — does the
 * rest of the adopted plan still hold, and the best continuation, or what it would take. From a
 * server, or directly from a local database.
 */
import type { Command } from "commander";
import {
  charterInForce,
  compileCharter,
  ReplanError,
  type ReplanReport,
  replanAgreement,
} from "../../ledger/index.ts";
import { type ContinuationObjective, ContinuationOptionError } from "../../planner/index.ts";
import { agreementUrl, readKeyFile, readToken, requestJson } from "../agreement-client.ts";
import { agreementSource, type SourceOptions } from "../agreement-source.ts";
import { CliError } from "../errors.ts";
import { renderReplan } from "../format/replan.ts";
import { cliIo, setExitCode } from "../io.ts";

export interface ReplanOptions extends SourceOptions {
  agreement: string;
  at?: string;
  objective?: string;
  horizon?: string;
  timeLimit?: string;
  /** A bearer token for the server (admin or read token); see `readToken`. */
  token?: string;
  key?: string;
  as?: string;
}

const OBJECTIVES = ["phases", "slack", "welfare", "maxmin", "nash"];

function positive(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new CliError(`${flag}: expected a positive ${integer ? "whole number" : "number"}, got '${text}'`);
  }
  return n;
}

/** The re-plan, from the server or the database the options name. */
export async function fetchReplan(options: ReplanOptions): Promise<ReplanReport> {
  if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) {
    throw new CliError(`--at: not a date-time: '${options.at}'`);
  }
  if (options.objective !== undefined && !OBJECTIVES.includes(options.objective)) {
    throw new CliError(
      `--objective: re-planning supports ${OBJECTIVES.join(", ")}; got '${options.objective}'`,
    );
  }
  const horizon = positive("--horizon", options.horizon, true);
  const timeLimit = positive("--time-limit", options.timeLimit, false);
  const at = options.at === undefined ? undefined : new Date(options.at).toISOString();
  const source = agreementSource(options);
  if (source.kind === "server") {
    const query = new URLSearchParams();
    if (at) query.set("at", at);
    if (options.objective) query.set("objective", options.objective);
    if (horizon !== undefined) query.set("horizon", String(horizon));
    if (timeLimit !== undefined) query.set("timeLimitSeconds", String(Math.min(timeLimit, 30)));
    const q = query.size > 0 ? `?${query}` : "";
    const token = await readToken(source.server, options.agreement, {
      token: options.token,
      key: options.key === undefined ? undefined : readKeyFile(options.key),
      as: options.as,
    });
    const { body } = await requestJson<ReplanReport>(
      agreementUrl(source.server, options.agreement, `/replan${q}`),
      { token },
    );
    return body;
  }
  // loaded here, not at the top: `status` and `replan --server` reach a server and never need
  // the store's modules (kysely and the SQL layer, about 0.07 CPU-s of a start)
  const { openStore } = await import("../../store/index.ts");
  const store = await openStore(source).catch((error: Error) => {
    throw new CliError(`cannot open the database: ${error.message}`);
  });
  try {
    const record = await store.agreements.get(options.agreement);
    if (!record) throw new CliError(`agreement '${options.agreement}' not found in the database`);
    const events = await store.agreements.events(record.id);
    const now = at ?? new Date().toISOString();
    return await replanAgreement(
      // the plan in force at that time: an activated amendment's, from its point on
      charterInForce(record.charter, record.charterHash, events, now),
      compileCharter(record.charter),
      events,
      now,
      {
        objective: options.objective as ContinuationObjective | undefined,
        horizon,
        timeLimitSeconds: timeLimit,
      },
    );
  } catch (error) {
    if (error instanceof ContinuationOptionError || error instanceof ReplanError)
      throw new CliError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

export function registerReplan(program: Command): void {
  program
    .command("replan")
    .description(
      "re-plan an agreement from its actual state: does the rest of the plan still hold, and the best continuation or what it would take",
    )
    .requiredOption("--agreement <id>", "agreement id")
    .option("--server <url>", "the Lockstep server, e.g. http://127.0.0.1:8080")
    .option("--db <file>", "read the agreement from this SQLite database instead of a server")
    .option("--database-url <url>", "read the agreement from this PostgreSQL database instead of a server")
    .option("--at <time>", "as of an ISO date-time (default now)")
    .option("--objective <name>", `the continuation's objective: ${OBJECTIVES.join(", ")}`, undefined)
    .option(
      "--horizon <phases>",
      "most phases the whole trajectory may use (default: the scenario's, raised when late)",
    )
    .option("--time-limit <seconds>", "solver time limit (default 60 locally, at most 30 on a server)")
    .option("--token <token>", "with --server: the admin token or a read token (default: $LOCKSTEP_TOKEN)")
    .option(
      "--key <file>",
      "with --server: read as a participant, signing the server's challenge with this key",
    )
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .option("--json", "print the re-plan document as JSON")
    .action(async (options: ReplanOptions & { json?: boolean }) => {
      const report = await fetchReplan(options);
      cliIo().stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReplan(report));
      if (report.continuation.status === "time-limit" || report.continuation.status === "solver-error") {
        setExitCode(3);
      }
    });
}
