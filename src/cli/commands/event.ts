/**
 * `lockstep event KIND`: sign an event with your key and submit it to an agreement. The event id
 * is chosen here, so a retry after a dropped connection is recognised by the server, not doubled.
 */
import type { Command } from "commander";
import { countersignHead, describeIssues, EventBody, signEvent } from "../../ledger/index.ts";
import { agreementUrl, givenToken, readKeyFile, requestJson } from "../agreement-client.ts";
import { keepCheckpoint } from "../checkpoint-file.ts";
import { CliError } from "../errors.ts";
import { cliIo } from "../io.ts";

const KINDS = {
  done: "move.done",
  verified: "move.verified",
  failed: "move.verification_failed",
  reversed: "move.reversed",
  dispute: "dispute.raised",
  resolve: "dispute.resolved",
  note: "note",
} as const;

interface EventOptions {
  server?: string;
  agreement: string;
  key: string;
  as?: string;
  move?: string;
  fraction?: string;
  report?: string;
  text?: string;
  dispute?: string;
  id?: string;
  print?: boolean;
  checkpoints?: string;
  token?: string;
}

const RETRIES = 3;

export function registerEvent(program: Command): void {
  program
    .command("event")
    .description("sign and submit an event to an agreement's ledger")
    .argument("<kind>", `one of: ${Object.keys(KINDS).join(", ")}`)
    .option("--server <url>", "the Lockstep server, e.g. http://127.0.0.1:8080")
    .requiredOption("--agreement <id>", "agreement id")
    .requiredOption("--key <file>", "your key file from 'lockstep keys new'")
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .option("--move <id>", "the move (done, verified, failed, reversed; optional for dispute)")
    .option("--fraction <share>", "for 'done' on a divisible move: the share done so far, in (0, 1]")
    .option("--report <text>", "verification report (required for 'failed')")
    .option("--text <text>", "what to say (note, dispute, resolve; optional for done and reversed)")
    .option("--dispute <id>", "dispute id (dispute, resolve)")
    .option("--id <event-id>", "event id (default: a new UUID); resubmitting the same id is safe")
    .option("--print", "print the signed event instead of submitting it")
    .option("--checkpoints <file>", "also keep the signed checkpoint of the new head in FILE (a JSON list)")
    .option(
      "--token <token>",
      "a token to send along (default: $LOCKSTEP_TOKEN; events need only your signature)",
    )
    .action(async (kind: string, options: EventOptions) => {
      const type = KINDS[kind as keyof typeof KINDS];
      if (!type) throw new CliError(`unknown event kind '${kind}' (kinds: ${Object.keys(KINDS).join(", ")})`);
      const key = readKeyFile(options.key);
      const by = options.as ?? key.participant;
      if (!by) throw new CliError("--as: say which participant you are (the key file does not name one)");
      let fraction: number | undefined;
      if (options.fraction !== undefined) {
        fraction = Number(options.fraction);
        if (!(fraction > 0 && fraction <= 1))
          throw new CliError(`--fraction: expected a share in (0, 1], got '${options.fraction}'`);
      }
      const candidate = {
        v: 1,
        agreement: options.agreement,
        id: options.id ?? crypto.randomUUID(),
        by,
        at: new Date().toISOString(),
        type,
        move: options.move,
        fraction,
        report: options.report,
        text: options.text,
        dispute: options.dispute,
      };
      const body = EventBody.safeParse(
        Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined)),
      );
      if (!body.success) throw new CliError(`event ${kind}: ${describeIssues(body.error)}`);
      const signed = await signEvent(body.data, key.privateKey);
      if (options.print) {
        cliIo().stdout.write(`${JSON.stringify(signed, null, 2)}\n`);
        return;
      }
      if (!options.server) throw new CliError("--server: give the server to submit to (or --print)");
      const url = agreementUrl(options.server, options.agreement, "/events");
      const token = givenToken(options.token);
      for (let attempt = 1; ; attempt++) {
        try {
          const { body: answer } = await requestJson<{
            duplicate: boolean;
            event: { seq: number; hash: string };
          }>(url, {
            method: "POST",
            body: signed,
            token,
          });
          const verb = answer.duplicate ? "was already recorded" : "recorded";
          cliIo().stdout.write(
            `${kind} ${verb} as event ${answer.event.seq} (id ${signed.body.id}); hash ${answer.event.hash}\n`,
          );
          // countersign the head the server answered with: a later export that lacks it fails to verify
          const checkpoint = await countersignHead(options.agreement, answer.event, by, key.privateKey);
          await requestJson(agreementUrl(options.server, options.agreement, "/checkpoints"), {
            method: "POST",
            body: checkpoint,
            token,
          });
          if (options.checkpoints) keepCheckpoint(options.checkpoints, checkpoint);
          return;
        } catch (error) {
          // only an unreachable server is worth retrying; a refusal will not change
          const unreachable = error instanceof CliError && error.message.startsWith("cannot reach");
          if (!unreachable || attempt >= RETRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
        }
      }
    });
}
