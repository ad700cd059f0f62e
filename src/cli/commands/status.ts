/** `lockstep status`: an agreement's live status from a server. */
import type { Command } from "commander";
import type { AgreementStatus, ReplanReport } from "../../ledger/index.ts";
import { agreementUrl, readKeyFile, readToken, requestJson } from "../agreement-client.ts";
import { CliError } from "../errors.ts";
import { renderReplan } from "../format/replan.ts";
import { renderStatus } from "../format/status.ts";
import { cliIo } from "../io.ts";
import { fetchReplan } from "./replan.ts";

interface StatusOptions {
  server: string;
  agreement: string;
  at?: string;
  format: string;
  token?: string;
  key?: string;
  as?: string;
  replan: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description(
      "show where an agreement stands: phase, planned vs actual, exposure, overdue and unlocked moves",
    )
    .requiredOption("--server <url>", "the Lockstep server, e.g. http://127.0.0.1:8080")
    .requiredOption("--agreement <id>", "agreement id")
    .option("--at <time>", "status as of an ISO date-time (default now)")
    .option("--format <format>", "text or json", "text")
    .option("--token <token>", "the admin token or a read token (default: $LOCKSTEP_TOKEN)")
    .option("--key <file>", "read as a participant: sign the server's challenge with this key file")
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .option("--no-replan", "leave out the re-plan (does the rest of the plan hold; the best continuation)")
    .action(async (options: StatusOptions) => {
      if (options.format !== "text" && options.format !== "json") {
        throw new CliError(`--format: expected text or json, got '${options.format}'`);
      }
      if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) {
        throw new CliError(`--at: not a date-time: '${options.at}'`);
      }
      const query = options.at ? `?at=${encodeURIComponent(new Date(options.at).toISOString())}` : "";
      const token = await readToken(options.server, options.agreement, {
        token: options.token,
        key: options.key === undefined ? undefined : readKeyFile(options.key),
        as: options.as,
      });
      const { body } = await requestJson<AgreementStatus & { head: string }>(
        agreementUrl(options.server, options.agreement, `/status${query}`),
        { token },
      );
      // MODEL.md §10: whether the rest of the plan still holds from the actual state, and the best
      // continuation; computed on request by the server's re-plan route (it runs the planner)
      // (the status stands on its own: a re-plan the server cannot give is a note, not a failure)
      let replan: ReplanReport | undefined;
      let replanError: string | undefined;
      if (options.replan) {
        try {
          replan = await fetchReplan({
            server: options.server,
            agreement: options.agreement,
            at: options.at,
            token,
          });
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          replanError = error.message;
        }
      }
      if (options.format === "json") {
        const doc = replan ? { ...body, replan } : replanError ? { ...body, replanError } : body;
        cliIo().stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      const tail = replan ? `\n${renderReplan(replan)}` : replanError ? `\nNo re-plan: ${replanError}\n` : "";
      cliIo().stdout.write(renderStatus(body) + tail);
    });
}
