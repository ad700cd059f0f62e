/**
 * `lockstep amend`: propose charter version N+1 (a new plan) for an agreement, and `lockstep amend
 * sign`: accept the pending amendment. Both first fetch the ledger and verify it here, so the
 * proposal chains to, and the signature names, version hashes this participant checked itself
 * (docs/ledger.md, amendments). Proposing also signs the new version as the proposer.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type { Command } from "commander";
import { compileScenario } from "../../analysis/index.ts";
import {
  amendedPlanProblems,
  type CharterVersion,
  compileCharter,
  describeIssues,
  EventBody,
  parseAmendedPlan,
  signEvent,
} from "../../ledger/index.ts";
import type { Plan, Scenario } from "../../model/index.ts";
import { choosePlan as choose } from "../../planner/index.ts";
import { readKeyFile, readToken } from "../agreement-client.ts";
import { sendEvent, verifiedLedger } from "../amendment-client.ts";
import { CliError } from "../errors.ts";
import { cliIo } from "../io.ts";
import { loadScenario } from "../load.ts";

interface Common {
  server: string;
  agreement: string;
  key: string;
  as?: string;
  token?: string;
  checkpoints?: string;
}

interface ProposeOptions extends Common {
  plan: string;
  scenario?: string;
  name?: string;
  text?: string;
}

const PLAN_FILE = /\.(ya?ml|json)$/i;

/** A plan file: a YAML or JSON mapping of moves to phases, as under `plans:` in a scenario file. */
function readPlanFile(path: string, scenario: Scenario): Plan {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`${path}: cannot read: ${(error as Error).message}`);
  }
  const read = parseAmendedPlan(text, scenario, path);
  if (!read.ok) throw new CliError(read.message);
  return read.phases;
}

/** `--plan` as a file, or as a plan name of `--scenario FILE` or of the charter's own scenario. */
async function amendedPlan(options: ProposeOptions, charterScenario: Scenario) {
  if (PLAN_FILE.test(options.plan) && existsSync(options.plan) && !options.scenario) {
    const name = options.name ?? basename(options.plan, extname(options.plan));
    return { name, phases: readPlanFile(options.plan, charterScenario) };
  }
  const compiled = options.scenario
    ? loadScenario(options.scenario).compiled
    : compileScenario(charterScenario);
  const choice = await choose(compiled, options.plan);
  if (!choice.ok) throw new CliError(`--plan: ${choice.message}`);
  const problem = amendedPlanProblems(charterScenario, choice.plan)[0];
  if (problem) {
    throw new CliError(
      `--plan ${options.plan}: does not fit the agreement's scenario: ${problem.at.join(".")}: ${problem.message}`,
    );
  }
  return { name: options.name ?? options.plan, phases: choice.plan };
}

function who(options: Common) {
  const key = readKeyFile(options.key);
  const by = options.as ?? key.participant;
  if (!by) throw new CliError("--as: say which participant you are (the key file does not name one)");
  return { key, by };
}

function describe(v: Pick<CharterVersion, "version" | "hash" | "plan">): string {
  return `version ${v.version} (plan ${v.plan.name}, hash ${v.hash})`;
}

export function registerAmend(program: Command): void {
  program
    .command("amend")
    .description(
      "propose a new plan for an agreement (charter version N+1), or with 'sign' accept the pending one; it governs once every party has signed it",
    )
    .argument("[sign]", "'sign': check the pending amendment and sign its hash")
    .requiredOption("--server <url>", "the Lockstep server, e.g. http://127.0.0.1:8080")
    .requiredOption("--agreement <id>", "agreement id")
    .requiredOption("--key <file>", "your key file from 'lockstep keys new' (a party's)")
    .option("--as <participant>", "your participant id (default: the one in the key file)")
    .option("--token <token>", "a token for reading the agreement (default: sign a challenge with --key)")
    .option(
      "--checkpoints <file>",
      "your checkpoints file: the ledger is checked against it, and the new heads are added to it",
    )
    .option(
      "--plan <file|name>",
      "to propose: a plan file (.yaml/.json), or a plan name of --scenario or of the agreement's scenario",
    )
    .option(
      "--scenario <file>",
      "take --plan NAME from this scenario file (its moves must be the agreement's)",
    )
    .option("--name <name>", "the new plan's name (default: the plan's name or the file's)")
    .option("--text <text>", "why, in words (kept in the ledger)")
    .option("--hash <hash>", "with 'sign': sign only if the pending amendment has this hash")
    .action(async (action: string | undefined, options: ProposeOptions & { hash?: string }) => {
      if (action !== undefined && action !== "sign") {
        throw new CliError(`lockstep amend: unknown action '${action}' (give none to propose, or 'sign')`);
      }
      const { key, by } = who(options);
      const token = await readToken(options.server, options.agreement, { token: options.token, key, as: by });
      if (action === "sign") {
        cliIo().stdout.write(await signPending(options, by, key, token, options.hash));
        return;
      }
      if (!options.plan) throw new CliError("--plan: give the new plan (a plan file or a plan name)");
      cliIo().stdout.write(await propose(options, by, key, token));
    });
}

/** Proposes version N+1 with the plan `--plan` names, and signs it as the proposer. */
async function propose(
  options: ProposeOptions,
  by: string,
  key: ReturnType<typeof readKeyFile>,
  token: string | undefined,
): Promise<string> {
  const { doc, versions } = await verifiedLedger(options.server, options.agreement, token, {
    by,
    key,
    checkpoints: options.checkpoints,
  });
  const plan = await amendedPlan(options, compileCharter(doc.charter).scenario);
  const { current } = versions;
  const body = EventBody.safeParse({
    v: 1,
    agreement: options.agreement,
    id: crypto.randomUUID(),
    by,
    at: new Date().toISOString(),
    type: "amendment.proposed",
    version: current.version + 1,
    previous: current.hash,
    plan,
    ...(options.text ? { text: options.text } : {}),
  });
  if (!body.success) throw new CliError(`the amendment: ${describeIssues(body.error)}`);
  const proposed = await sendEvent(
    options.server,
    options.agreement,
    await signEvent(body.data, key.privateKey),
    key,
    token,
    options.checkpoints,
  );
  // proposing is agreeing: the proposer signs the new version's hash at once
  const signed = await signPending(options, by, key, token, proposed.hash);
  return (
    `${by} proposed version ${current.version + 1} (plan ${plan.name}) as event ${proposed.seq}; its hash is ${proposed.hash}\n` +
    `${describe(current)} governs until every party has signed it\n${signed}`
  );
}

/** Verifies the ledger, checks the pending amendment (and its hash, when given) and signs it. */
async function signPending(
  options: Common,
  by: string,
  key: ReturnType<typeof readKeyFile>,
  token: string | undefined,
  expected?: string,
): Promise<string> {
  const { versions } = await verifiedLedger(options.server, options.agreement, token, {
    by,
    key,
    checkpoints: options.checkpoints,
  });
  const { pending, current } = versions;
  if (!pending)
    throw new CliError(`${options.agreement} has no pending amendment; ${describe(current)} governs`);
  if (expected !== undefined && pending.hash !== expected) {
    throw new CliError(`the pending amendment is ${describe(pending)}, not ${expected}: not signing`);
  }
  if (pending.signedBy.includes(by)) {
    return `${by} has already signed ${describe(pending)}; waiting for: ${pending.awaiting.join(", ")}\n`;
  }
  const body = EventBody.parse({
    v: 1,
    agreement: options.agreement,
    id: crypto.randomUUID(),
    by,
    at: new Date().toISOString(),
    type: "amendment.signed",
    amendment: pending.hash,
  });
  const event = await sendEvent(
    options.server,
    options.agreement,
    await signEvent(body, key.privateKey),
    key,
    token,
    options.checkpoints,
  );
  const awaiting = pending.awaiting.filter((id) => id !== by);
  return (
    `${by} signed ${describe(pending)} as event ${event.seq}; ` +
    (awaiting.length === 0
      ? `version ${pending.version} governs from event ${event.seq} on\n`
      : `waiting for: ${awaiting.join(", ")}\n`)
  );
}
