/**
 * A live agreement on docs/model.md §10's example (fixtures/late-move.yaml), adopted on a real server
 * over HTTP, signed by both parties, with a1 reported a phase late: the calendar started 45 days ago
 * with 30-day phases, so a1 (received now) counts in phase 2 instead of 1.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateKeyPair, type KeyPairJwk } from "../../src/ledger/crypto.ts";
import type { EventBody } from "../../src/ledger/events.ts";
import { signEvent } from "../../src/ledger/sign.ts";
import { signCharter } from "../../src/ledger/statements.ts";
import { http } from "../ledger/helpers.ts";

export const LATE_FILE = fileURLToPath(new URL("./fixtures/late-move.yaml", import.meta.url));
const DAY = 86_400_000;

export interface LateAgreement {
  id: string;
  keys: Record<"a-gov" | "b-gov" | "inspector", KeyPairJwk>;
  /** When the calendar started: phase 1 is [start, start + 30 days). */
  start: number;
}

export async function adoptLate(base: string, id = "late-deal"): Promise<LateAgreement> {
  const keys = {
    "a-gov": await generateKeyPair(),
    "b-gov": await generateKeyPair(),
    inspector: await generateKeyPair(),
  };
  const start = Date.now() - 45 * DAY;
  const created = await http(`${base}/api/agreements`, "POST", {
    id,
    scenario: readFileSync(LATE_FILE, "utf8"),
    scenarioName: "late-move.yaml",
    plan: "adopted",
    start: new Date(start).toISOString(),
    phaseDays: 30,
    participants: [
      { id: "a-gov", role: "party", party: "a", publicKey: keys["a-gov"].publicKey },
      { id: "b-gov", role: "party", party: "b", publicKey: keys["b-gov"].publicKey },
      { id: "inspector", role: "verifier", moves: "all", publicKey: keys.inspector.publicKey },
    ],
  });
  if (created.status !== 201) throw new Error(`adopt: ${JSON.stringify(created.json)}`);
  for (const who of ["a-gov", "b-gov"] as const) {
    const signed = await signCharter(id, String(created.json.charterHash), who, keys[who].privateKey);
    const answer = await http(`${base}/api/agreements/${id}/signatures`, "POST", signed);
    if (answer.status !== 200) throw new Error(`sign as ${who}: ${JSON.stringify(answer.json)}`);
  }
  const body = {
    v: 1,
    agreement: id,
    id: "a1-done",
    by: "a-gov",
    at: new Date().toISOString(),
    type: "move.done",
    move: "a1",
  } as EventBody;
  const posted = await http(
    `${base}/api/agreements/${id}/events`,
    "POST",
    await signEvent(body, keys["a-gov"].privateKey),
  );
  if (posted.status !== 201) throw new Error(`event: ${JSON.stringify(posted.json)}`);
  return { id, keys, start };
}
