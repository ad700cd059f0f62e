/** The key-file format shared by `lockstep keys new` and the web app: read back, and refused with a reason. */
import { describe, expect, it } from "vitest";
import { generateKeyPair } from "../../src/ledger/crypto.ts";
import { keyFileText, parseKeyFile } from "../../src/ledger/key-file.ts";

describe("key files", () => {
  it("reads back what it writes, with the participant it names", async () => {
    const pair = await generateKeyPair();
    const read = parseKeyFile(keyFileText(pair, "north-gov"), "north.key.json");
    expect(read).toEqual({ ok: true, key: { participant: "north-gov", ...pair } });
  });

  it("refuses text that is not JSON, a file without a private key, and halves of two different keys", async () => {
    const [a, b] = await Promise.all([generateKeyPair(), generateKeyPair()]);
    const notJson = parseKeyFile("{", "k.json");
    expect(notJson.ok).toBe(false);
    expect(!notJson.ok && notJson.message).toMatch(/^k\.json: not JSON/);
    const publicOnly = parseKeyFile(JSON.stringify({ publicKey: a.publicKey }), "pub.json");
    expect(!publicOnly.ok && publicOnly.message).toContain("privateKey");
    const mixed = parseKeyFile(
      JSON.stringify({ publicKey: a.publicKey, privateKey: b.privateKey }),
      "mixed.json",
    );
    expect(!mixed.ok && mixed.message).toContain("the private key does not belong to the public key");
  });
});
