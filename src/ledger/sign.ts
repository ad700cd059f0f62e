/** Signing an event body as a participant: the signature covers the body's canonical JSON. */
import { canonicalJson } from "./canonical.ts";
import { importPrivateKey, signText } from "./crypto.ts";
import type { EventBody, SignedEvent } from "./events.ts";

export async function signEvent(body: EventBody, privateKey: JsonWebKey | CryptoKey): Promise<SignedEvent> {
  const key = privateKey instanceof CryptoKey ? privateKey : await importPrivateKey(privateKey);
  return { body, signature: await signText(key, canonicalJson(body)) };
}
