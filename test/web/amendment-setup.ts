/**
 * An agreement with a pending amendment, for the Chromium tests of the agreement page's charter
 * versions (amend.test.ts, and the layout walk in layouts.test.ts): test/ledger's freeze-deal,
 * adopted 40 days ago and active, the freeze reported done, and version 2 (plan delayed-relief)
 * proposed and signed by north over HTTP, so it waits for south.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { adoptAndSign, type Cast, http, signedEvent, type Who } from "../ledger/helpers.ts";

export const AGREEMENT = "freeze-deal";
export const AMENDED_PLAN = {
  name: "delayed-relief",
  phases: { freeze: 1, relief: 3, handover: { "4": 0.5, "5": 0.5 } },
};

async function post(url: string, event: unknown): Promise<{ hash: string }> {
  const answer = await http(`${url}/api/agreements/${AGREEMENT}/events`, "POST", event);
  if (answer.status !== 201) throw new Error(`event: ${answer.status} ${JSON.stringify(answer.json)}`);
  return (answer.json as { event: { hash: string } }).event;
}

/** Sets the agreement up on the server at `url`; returns the charter's hash and the amendment's. */
export async function adoptWithPendingAmendment(
  url: string,
  cast: Cast,
): Promise<{ charterHash: string; amendmentHash: string }> {
  const adopted = await adoptAndSign(url, cast, {
    start: new Date(Date.now() - 40 * 86_400_000).toISOString(),
  });
  if (adopted.status !== 201) throw new Error(`adopt: ${adopted.status} ${JSON.stringify(adopted.json)}`);
  const charterHash = String(adopted.json.charterHash);
  await post(url, await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }));
  const proposed = await post(
    url,
    await signedEvent(cast, "north-gov", {
      type: "amendment.proposed",
      version: 2,
      previous: charterHash,
      plan: AMENDED_PLAN,
      text: "relief needs a vote",
    }),
  );
  await post(
    url,
    await signedEvent(cast, "north-gov", { type: "amendment.signed", amendment: proposed.hash }),
  );
  return { charterHash, amendmentHash: proposed.hash };
}

/** `who`'s key file in `dir`, as `lockstep keys new` writes it, for the page's "Load a key file". */
export function writeKeyFile(dir: string, cast: Cast, who: Who): string {
  const path = join(dir, `${who}.key.json`);
  writeFileSync(path, JSON.stringify({ participant: who, ...cast.keys[who] }));
  return path;
}
