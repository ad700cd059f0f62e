/**
 * The server's check of an event's Ed25519 signature, on libuv's thread pool. WebCrypto's verify
 * (src/ledger/crypto.ts, which the browser and the CLI use too) runs on the calling thread in Node
 * 20: about a millisecond of the event loop per appended event, which a burst of appends takes
 * from every other request. node:crypto's `verify` with a callback does the same check off it.
 * Same answer as `verifyText`: the signature must be 64 bytes of base64 (standard or URL-safe).
 */
import { KeyObject, verify } from "node:crypto";
import { fromBase64 } from "../ledger/index.ts";

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

export function verifyOffLoop(publicKey: CryptoKey, text: string, signature: string): Promise<boolean> {
  const bytes = fromBase64(signature);
  if (bytes?.length !== 64) return Promise.resolve(false);
  let key = keyObjects.get(publicKey);
  if (!key) {
    key = KeyObject.from(publicKey);
    keyObjects.set(publicKey, key);
  }
  const data = Buffer.from(text, "utf8");
  return new Promise((resolve) => {
    verify(null, data, key, bytes, (error, ok) => resolve(!error && ok));
  });
}
