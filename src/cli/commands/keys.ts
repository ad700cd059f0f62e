/** `lockstep keys new`: an Ed25519 key pair for signing ledger events. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { generateKeyPair, keyFileText, PARTICIPANT_ID } from "../../ledger/index.ts";
import { CliError } from "../errors.ts";
import { cliIo } from "../io.ts";

export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("Ed25519 key pairs for signing agreement events");
  keys
    .command("new")
    .description("make a key pair; the public key goes into the agreement, the private key stays with you")
    .option("--out <file>", "write the pair to FILE (readable by you only) and print only the public key")
    .option("--as <participant>", "remember the participant id this key signs for")
    .action(async (options: { out?: string; as?: string }) => {
      if (options.as !== undefined && !PARTICIPANT_ID.test(options.as)) {
        throw new CliError(
          `--as: '${options.as}' is not a participant id (lowercase letters, digits, '-', '_')`,
        );
      }
      const pair = await generateKeyPair();
      const text = keyFileText(pair, options.as);
      if (!options.out) {
        cliIo().stdout.write(text);
        return;
      }
      try {
        writeFileSync(options.out, text, { mode: 0o600, flag: "wx" });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "EEXIST") throw new CliError(`${options.out}: exists; refusing to overwrite a key`);
        throw new CliError(`${options.out}: cannot write: ${(error as Error).message}`);
      }
      cliIo().stderr.write(`wrote ${options.out} (keep it private); public key:\n`);
      cliIo().stdout.write(`${JSON.stringify(pair.publicKey)}\n`);
    });
}
