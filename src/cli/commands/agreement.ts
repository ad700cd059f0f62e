/** `lockstep agreement adopt|show|list`: adopt a scenario's plan as an agreement on a server. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { Charter } from "../../ledger/index.ts";
import { charterHash, MIN_PHASE_DAYS, normalisePublicKey, signCharter } from "../../ledger/index.ts";
import { agreementUrl, givenToken, readKeyFile, readToken, requestJson } from "../agreement-client.ts";
import { CliError } from "../errors.ts";
import { cliIo } from "../io.ts";
import { loadScenario } from "../load.ts";

interface AdoptOptions {
  server: string;
  plan: string;
  participants: string;
  id?: string;
  title?: string;
  start?: string;
  phaseDays?: string;
  token?: string;
}

function readParticipants(path: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${path}: cannot read participants: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { participants?: unknown })?.participants;
  if (!Array.isArray(list))
    throw new CliError(`${path}: expected a list of participants (or { participants: [...] })`);
  // a participant may name a key file instead of pasting its public key
  return list.map((p: Record<string, unknown>) => {
    if (typeof p?.keyFile !== "string") return p;
    const { keyFile, ...rest } = p;
    try {
      const key = JSON.parse(readFileSync(keyFile, "utf8")) as { publicKey?: unknown };
      return { ...rest, publicKey: key.publicKey };
    } catch (error) {
      throw new CliError(
        `${path}: participant ${String(p.id)}: cannot read ${keyFile}: ${(error as Error).message}`,
      );
    }
  });
}

export function registerAgreement(program: Command): void {
  const agreement = program
    .command("agreement")
    .description("adopt and inspect agreements on a Lockstep server");

  agreement
    .command("adopt")
    .description("adopt a scenario's plan as an agreement with its participants and their public keys")
    .argument("<scenario>", "scenario file or built-in name")
    .requiredOption("--server <url>", "the Lockstep server, e.g. http://127.0.0.1:8080")
    .requiredOption("--plan <name>", "the plan to adopt (a named plan, 'simultaneous' or 'upfront:PARTY')")
    .requiredOption(
      "--participants <file>",
      "YAML/JSON list: id, name, role (party|verifier|observer), party, moves, publicKey or keyFile",
    )
    .option("--id <slug>", "agreement id (default: a UUID)")
    .option("--title <text>", "title (default: the scenario's)")
    .option("--start <time>", "when phase 1 starts (ISO date-time; default now)")
    .option("--phase-days <days>", "length of a phase in days (default 30)")
    .option("--token <token>", "the admin token (default: $LOCKSTEP_TOKEN)")
    .action(async (scenario: string, options: AdoptOptions) => {
      const loaded = loadScenario(scenario);
      const phaseDays = options.phaseDays === undefined ? undefined : Number(options.phaseDays);
      if (phaseDays !== undefined && !(phaseDays >= MIN_PHASE_DAYS && phaseDays <= 3650))
        throw new CliError(`--phase-days: expected a number of days from 1/24 (one hour) to 3650`);
      if (options.start !== undefined && Number.isNaN(Date.parse(options.start))) {
        throw new CliError(`--start: not a date-time: '${options.start}'`);
      }
      const request = {
        id: options.id,
        title: options.title,
        scenario: loaded.source.text,
        scenarioName: loaded.source.file.split("/").pop(),
        plan: options.plan,
        start: options.start === undefined ? undefined : new Date(options.start).toISOString(),
        phaseDays,
        participants: readParticipants(options.participants),
      };
      const { body } = await requestJson<{ id: string; charterHash: string; awaiting: string[] }>(
        agreementUrl(options.server, ""),
        { method: "POST", body: request, token: givenToken(options.token) },
      );
      cliIo().stdout.write(
        `proposed agreement ${body.id}; charter hash ${body.charterHash}\n` +
          `it becomes active when each party has signed the charter: ${body.awaiting.join(", ")}\n` +
          `  lockstep agreement sign --server ${options.server} --agreement ${body.id} --key KEYFILE\n`,
      );
    });

  agreement
    .command("sign")
    .description(
      "check an agreement's charter and sign its hash with your key (the agreement is active once every party has)",
    )
    .requiredOption("--server <url>", "the Lockstep server")
    .requiredOption("--agreement <id>", "agreement id")
    .requiredOption("--key <file>", "your key file from 'lockstep keys new'")
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .option("--token <token>", "the admin token or a read token (default: $LOCKSTEP_TOKEN)")
    .action(
      async (options: { server: string; agreement: string; key: string; as?: string; token?: string }) => {
        const key = readKeyFile(options.key);
        const by = options.as ?? key.participant;
        if (!by) throw new CliError("--as: say which participant you are (the key file does not name one)");
        // reading the charter needs a token: the participant's own, from signing a challenge
        const token = await readToken(options.server, options.agreement, {
          token: options.token,
          key,
          as: by,
        });
        const { body: doc } = await requestJson<{ charter: Charter; charterHash: string }>(
          agreementUrl(options.server, options.agreement),
          { token },
        );
        // Sign only what was checked here: the hash of the charter as received, with our own key in it.
        const hash = await charterHash(doc.charter);
        if (hash !== doc.charterHash) {
          throw new CliError(
            `the server's charter hash ${doc.charterHash} is not the hash of its charter (${hash})`,
          );
        }
        const me = doc.charter.participants.find((p) => p.id === by);
        if (!me) throw new CliError(`${by} is not a participant of ${options.agreement}`);
        if (normalisePublicKey(me.publicKey)?.x !== normalisePublicKey(key.publicKey)?.x) {
          throw new CliError(
            `the charter lists another public key for ${by} than the one in ${options.key}: not signing`,
          );
        }
        const signed = await signCharter(options.agreement, hash, by, key.privateKey);
        const { body } = await requestJson<{ state: string; awaiting: string[] }>(
          agreementUrl(options.server, options.agreement, "/signatures"),
          { method: "POST", body: signed, token },
        );
        cliIo().stdout.write(
          `${by} signed charter ${hash} (plan ${doc.charter.plan.name}, ${doc.charter.participants.length} participants); ` +
            (body.state === "active"
              ? "the agreement is active\n"
              : `waiting for: ${body.awaiting.join(", ")}\n`),
        );
      },
    );

  agreement
    .command("list")
    .description("list the agreements on a server")
    .requiredOption("--server <url>", "the Lockstep server")
    .option("--token <token>", "the admin token (default: $LOCKSTEP_TOKEN)")
    .option("--archived", "also list the agreements their parties archived")
    .action(async (options: { server: string; token?: string; archived?: boolean }) => {
      const url = `${agreementUrl(options.server, "")}${options.archived ? "?archived=1" : ""}`;
      const { body } = await requestJson<{
        agreements: Array<{ id: string; title: string; createdAt: string; archived?: boolean }>;
      }>(url, { token: givenToken(options.token) });
      if (body.agreements.length === 0) cliIo().stdout.write("no agreements\n");
      for (const a of body.agreements)
        cliIo().stdout.write(
          `${a.id}  ${a.title}  (adopted ${a.createdAt}${a.archived ? "; archived" : ""})\n`,
        );
    });
}
