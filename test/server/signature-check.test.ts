/**
 * The server's off-loop signature check (src/server/signature-check.ts) gives the same answer as
 * the ledger's WebCrypto one on good, altered, truncated and malformed signatures.
 */
import { describe, expect, it } from "vitest";
import {
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  signText,
  verifyText,
} from "../../src/ledger/crypto.ts";
import { verifyOffLoop } from "../../src/server/signature-check.ts";

describe("verifyOffLoop", () => {
  it("agrees with verifyText", async () => {
    const pair = await generateKeyPair();
    const other = await generateKeyPair();
    const key = (await importPublicKey(pair.publicKey))!;
    const otherKey = (await importPublicKey(other.publicKey))!;
    const text = '{"by":"north-gov","text":"ünïcode ✓"}';
    const good = await signText(await importPrivateKey(pair.privateKey), text);
    const urlSafe = good.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const flipped = `${good[0] === "A" ? "B" : "A"}${good.slice(1)}`;
    const cases: Array<[CryptoKey, string, string, boolean]> = [
      [key, text, good, true],
      [key, text, urlSafe, true],
      [key, `${text} `, good, false],
      [otherKey, text, good, false],
      [key, text, flipped, false],
      [key, text, good.slice(0, 40), false],
      [key, text, "not base64 at all!", false],
      [key, text, "", false],
    ];
    for (const [k, t, signature, expected] of cases) {
      expect(await verifyText(k, t, signature)).toBe(expected);
      expect(await verifyOffLoop(k, t, signature)).toBe(expected);
    }
  });
});
