/** `lockstep ledger export` (from a server) and `lockstep ledger verify FILE` (offline). */
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { EXPORT_FORMAT, type LedgerExport, verifyLedger } from "../../ledger/index.ts";
import { agreementUrl, readKeyFile, readToken, requestJson } from "../agreement-client.ts";
import { readCheckpoints } from "../checkpoint-file.ts";
import { CliError } from "../errors.ts";
import { cliIo, setExitCode } from "../io.ts";
import { registerLedgerWatch } from "./ledger-watch.ts";

export function registerLedger(program: Command): void {
  const ledger = program.command("ledger").description("export and verify an agreement's signed ledger");

  ledger
    .command("export")
    .description("download an agreement's ledger (charter, events, hashes, signatures) as JSON")
    .requiredOption("--server <url>", "the Lockstep server, e.g. http://127.0.0.1:8080")
    .requiredOption("--agreement <id>", "agreement id")
    .option("--out <file>", "write to FILE instead of standard output")
    .option("--token <token>", "the admin token or a read token (default: $LOCKSTEP_TOKEN)")
    .option("--key <file>", "read as a participant: sign the server's challenge with this key file")
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .action(
      async (options: {
        server: string;
        agreement: string;
        out?: string;
        token?: string;
        key?: string;
        as?: string;
      }) => {
        const token = await readToken(options.server, options.agreement, {
          token: options.token,
          key: options.key === undefined ? undefined : readKeyFile(options.key),
          as: options.as,
        });
        const { body } = await requestJson<LedgerExport>(
          agreementUrl(options.server, options.agreement, "/export"),
          { token },
        );
        const text = `${JSON.stringify(body, null, 2)}\n`;
        if (!options.out) {
          cliIo().stdout.write(text);
          return;
        }
        writeFileSync(options.out, text);
        cliIo().stderr.write(`wrote ${options.out}: ${body.events.length} events, head ${body.head}\n`);
      },
    );

  ledger
    .command("verify")
    .description("check every hash and signature of an exported ledger; exit 1 and name the first bad event")
    .argument("<file>", "a file from 'lockstep ledger export'")
    .option("--head <hash>", "the head hash you recorded earlier: also detects events cut from the end")
    .option(
      "--checkpoints <file>",
      "checkpoints you kept (from 'event --checkpoints'): each must be in the ledger",
    )
    .option(
      "--charter <hash>",
      "a charter or amendment hash you signed (repeatable): the ledger must contain it",
      (hash: string, list: string[] = []) => [...list, hash],
    )
    .action(async (file: string, options: { head?: string; checkpoints?: string; charter?: string[] }) => {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        throw new CliError(`${file}: cannot read a ledger export: ${(error as Error).message}`);
      }
      if ((doc as { format?: unknown } | null)?.format !== EXPORT_FORMAT) {
        throw new CliError(`${file}: not a ledger export (expected "format": "${EXPORT_FORMAT}")`);
      }
      const kept = options.checkpoints ? readCheckpoints(options.checkpoints) : [];
      const result = await verifyLedger(doc, options.head, kept, options.charter ?? []);
      if (result.ok) {
        const { current, pending } = result.versions;
        const versions =
          current.version > 1 || pending
            ? `charter version ${current.version} in force (plan ${current.plan.name}${current.activatedSeq ? `, since event ${current.activatedSeq}` : ""})` +
              (pending
                ? `, version ${pending.version} pending (waiting for ${pending.awaiting.join(", ")})`
                : "") +
              "; "
            : "";
        cliIo().stdout.write(
          `${file}: ok — charter signed by ${result.signedBy.join(", ")}; ${versions}${result.events} events, ` +
            `every hash and signature checks; ${result.checkpoints} checkpoints found in the chain; head ${result.head}\n`,
        );
        return;
      }
      cliIo().stdout.write(`${file}: TAMPERED — ${result.message}\n`);
      if (result.checked > 0) cliIo().stdout.write(`(the ${result.checked} events before it check)\n`);
      setExitCode(1);
    });

  registerLedgerWatch(ledger);
}
