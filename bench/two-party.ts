/**
 * The two-party agreement the ledger benchmarks append to (bench/ledger.ts, bench/streams.ts):
 * a two-move scenario, a key pair per party, its participants, signed notes, and the adoption with
 * both charter signatures (events are accepted only once every party has signed the charter),
 * either over HTTP or straight into a store.
 */
import { generateKeyPair, type KeyPairJwk } from "../src/ledger/crypto.ts";
import type { EventBody, SignedEvent } from "../src/ledger/events.ts";
import { signEvent } from "../src/ledger/sign.ts";
import { signCharter } from "../src/ledger/statements.ts";
import type { Store } from "../src/store/index.ts";

export const SCENARIO = `
parties: [{ id: a }, { id: b }]
moves:
  - { id: give, actor: a, value: { a: -1, b: 2 } }
  - { id: take, actor: b, value: { a: 2, b: -1 } }
plans: { both: { give: 1, take: 2 } }
`;
export const PLAN = "both";

const PARTIES = ["a", "b"] as const;
export type Keys = Record<(typeof PARTIES)[number], KeyPairJwk>;

export async function partyKeys(): Promise<Keys> {
  return { a: await generateKeyPair(), b: await generateKeyPair() };
}

/** One participant per party (`party-a`, `party-b`), each with its party's public key. */
export function participants(keys: Keys) {
  return PARTIES.map((p) => ({
    id: `party-${p}`,
    role: "party" as const,
    party: p,
    publicKey: keys[p].publicKey,
  }));
}

/** `n` notes signed in turn by the two parties, with event ids `${prefix}0`, `${prefix}1`, … */
export async function signedNotes(
  keys: Keys,
  agreement: string,
  n: number,
  prefix = "e",
): Promise<SignedEvent[]> {
  const out: SignedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const who = i % 2 ? "a" : "b";
    const body: EventBody = {
      v: 1,
      agreement,
      id: `${prefix}${i}`,
      by: `party-${who}`,
      at: new Date().toISOString(),
      type: "note",
      text: `progress report ${i}: ${"details ".repeat(8)}`,
    };
    out.push(await signEvent(body, keys[who].privateKey));
  }
  return out;
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`);
}

/** Adopts the agreement on the server at `base` (open access) and signs its charter as both parties. */
export async function adoptOverHttp(base: string, agreement: string, keys: Keys): Promise<void> {
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const adopted = await post("/api/agreements", {
    id: agreement,
    plan: PLAN,
    scenario: SCENARIO,
    participants: participants(keys),
  });
  await expectStatus(adopted, 201, "adopt");
  const { charterHash } = (await adopted.json()) as { charterHash: string };
  for (const p of PARTIES) {
    const signed = await signCharter(agreement, charterHash, `party-${p}`, keys[p].privateKey);
    await expectStatus(
      await post(`/api/agreements/${agreement}/signatures`, signed),
      200,
      `sign as party-${p}`,
    );
  }
}

/** Stores the agreement's charter (built by the caller) and both parties' signatures of it. */
export async function signInStore(
  store: Store,
  agreement: string,
  charterHash: string,
  keys: Keys,
): Promise<void> {
  for (const p of PARTIES) {
    const { signature } = await signCharter(agreement, charterHash, `party-${p}`, keys[p].privateKey);
    await store.agreements.addCharterSignature(agreement, {
      by: `party-${p}`,
      signature,
      signedAt: new Date().toISOString(),
    });
  }
}
