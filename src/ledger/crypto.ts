/**
 * Hashing and Ed25519 signatures through WebCrypto (`crypto.subtle`), which Node 20 and browsers
 * both provide, so the same code signs in the CLI, checks on the server and verifies in the page.
 * Keys travel as JWK (the public key may also be given as raw base64).
 */
const encoder = new TextEncoder();
const ED25519 = { name: "Ed25519" } as const;

export interface KeyPairJwk {
  publicKey: JsonWebKey;
  privateKey: JsonWebKey;
}

export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

/** Standard or URL-safe base64, with or without padding; undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) return undefined;
  try {
    const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

export async function generateKeyPair(): Promise<KeyPairJwk> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  const pub = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const priv = await crypto.subtle.exportKey("jwk", pair.privateKey);
  // only the fields that define the key, so the JWK is the same wherever it is pasted
  return {
    publicKey: { kty: "OKP", crv: "Ed25519", x: pub.x },
    privateKey: { kty: "OKP", crv: "Ed25519", x: priv.x, d: priv.d },
  };
}

/** A public key as given by a user (JWK, or the 32 raw bytes in base64) in canonical JWK form. */
export function normalisePublicKey(key: unknown): JsonWebKey | undefined {
  if (typeof key === "string") {
    const raw = fromBase64(key.trim());
    if (raw?.length !== 32) return undefined;
    return {
      kty: "OKP",
      crv: "Ed25519",
      x: toBase64(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
    };
  }
  if (typeof key !== "object" || key === null) return undefined;
  const jwk = key as Record<string, unknown>;
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") return undefined;
  const raw = fromBase64(jwk.x);
  if (raw?.length !== 32) return undefined;
  return { kty: "OKP", crv: "Ed25519", x: jwk.x };
}

/** Imports a public key for verifying; undefined when the key is not a valid Ed25519 key. */
export async function importPublicKey(jwk: JsonWebKey): Promise<CryptoKey | undefined> {
  try {
    return await crypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, ED25519, true, [
      "verify",
    ]);
  } catch {
    return undefined;
  }
}

export async function importPrivateKey(jwk: JsonWebKey): Promise<CryptoKey> {
  return crypto.subtle.importKey("jwk", jwk, ED25519, false, ["sign"]);
}

export async function signText(privateKey: CryptoKey, text: string): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.sign(ED25519, privateKey, encoder.encode(text))));
}

export async function verifyText(publicKey: CryptoKey, text: string, signature: string): Promise<boolean> {
  const bytes = fromBase64(signature);
  if (bytes?.length !== 64) return false;
  try {
    return await crypto.subtle.verify(ED25519, publicKey, bytes, encoder.encode(text));
  } catch {
    return false;
  }
}
