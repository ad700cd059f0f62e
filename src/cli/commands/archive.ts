/**
 * `lockstep archive`: ask, as a party, to archive (hide) an agreement. The statement names the
 * charter hash computed here from the charter as received and the head the server reports, so a
 * party asks to archive exactly the agreement (and ledger) it has seen. Archived once every party
 * has asked (docs/ledger.md, "Archiving").
 */
import type { Command } from "commander";
import { type Charter, charterHash, signArchive } from "../../ledger/index.ts";
import { agreementUrl, readKeyFile, readToken, requestJson } from "../agreement-client.ts";
import { CliError } from "../errors.ts";
import { cliIo } from "../io.ts";

interface ArchiveOptions {
  server: string;
  agreement: string;
  key: string;
  as?: string;
  token?: string;
}

export function registerArchive(program: Command): void {
  program
    .command("archive")
    .description(
      "ask, as a party, to archive (hide) an agreement: once every party has, the server lists it only with --archived and takes no new events; its ledger stays readable and verifiable",
    )
    .requiredOption("--server <url>", "the Lockstep server")
    .requiredOption("--agreement <id>", "agreement id")
    .requiredOption("--key <file>", "your key file (a party's participant)")
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .option("--token <token>", "the admin token or a read token (default: $LOCKSTEP_TOKEN)")
    .action(async (options: ArchiveOptions) => {
      const key = readKeyFile(options.key);
      const by = options.as ?? key.participant;
      if (!by) throw new CliError("--as: say which participant you are (the key file does not name one)");
      const token = await readToken(options.server, options.agreement, { token: options.token, key, as: by });
      const { body: doc } = await requestJson<{
        charter: Charter;
        charterHash: string;
        events: number;
        head: string;
      }>(agreementUrl(options.server, options.agreement), { token });
      const hash = await charterHash(doc.charter);
      if (hash !== doc.charterHash) {
        throw new CliError(
          `the server's charter hash ${doc.charterHash} is not the hash of its charter (${hash})`,
        );
      }
      const signed = await signArchive(
        {
          agreement: options.agreement,
          charterHash: hash,
          seq: doc.events,
          hash: doc.head,
          at: new Date().toISOString(),
          by,
        },
        key.privateKey,
      );
      const { body } = await requestJson<{ state: string; awaiting: string[] }>(
        agreementUrl(options.server, options.agreement, "/archive"),
        { method: "POST", body: signed, token },
      );
      cliIo().stdout.write(
        `${by} asked to archive ${options.agreement} at event ${doc.events} (head ${doc.head}); ` +
          (body.state === "archived"
            ? "the agreement is archived: hidden from the list (agreement list --archived shows it), no new events\n"
            : `waiting for: ${body.awaiting.join(", ")}\n`),
      );
    });
}
