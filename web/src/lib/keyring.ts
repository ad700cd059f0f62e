/**
 * The participants' signing keys, held by this browser tab only. A key arrives from a key file in
 * the CLI's format (`lockstep keys new`) or is made here, in which case its file is downloaded for
 * the participant to keep. The private half is imported as a non-extractable CryptoKey and kept in
 * this module's memory: it is never written to storage and never sent; only signatures leave.
 * A reload forgets every key.
 */
import { useEffect, useState } from "preact/hooks";
import {
  type Charter,
  generateKeyPair,
  importPrivateKey,
  keyFileText,
  type Participant,
  parseKeyFile,
} from "../../../src/ledger/index.ts";
import { download } from "./export.ts";

export interface HeldKey {
  /** The public key's x (base64url): what the charter lists for a participant. */
  publicX: string;
  /** The participant the key file names, if any. */
  participant?: string;
  /** Where the key came from, for the list of loaded keys. */
  source: string;
  /** Signs only; cannot be exported again. */
  signingKey: CryptoKey;
}

const held = new Map<string, HeldKey>();
const listeners = new Set<() => void>();
const changed = () => {
  for (const listener of listeners) listener();
};

/** Reads a key file the user chose and holds its key. Throws an Error with a readable message. */
export async function loadKeyFile(file: File): Promise<HeldKey> {
  if (file.size > 64 * 1024) throw new Error(`${file.name}: too large for a key file`);
  const parsed = parseKeyFile(await file.text(), file.name);
  if (!parsed.ok) throw new Error(parsed.message);
  const key: HeldKey = {
    publicX: parsed.key.publicKey.x,
    participant: parsed.key.participant,
    source: file.name,
    signingKey: await importPrivateKey(parsed.key.privateKey),
  };
  held.set(key.publicX, key);
  changed();
  return key;
}

/** Makes a key pair here, downloads its key file and holds the key; returns the public JWK. */
export async function makeKey(participant: string): Promise<{ publicKey: JsonWebKey; key: HeldKey }> {
  const pair = await generateKeyPair();
  const fileName = `${participant}.key.json`;
  download(fileName, keyFileText(pair, participant), "application/json");
  const key: HeldKey = {
    publicX: String(pair.publicKey.x),
    participant,
    source: `${fileName} (made here)`,
    signingKey: await importPrivateKey(pair.privateKey),
  };
  held.set(key.publicX, key);
  changed();
  return { publicKey: pair.publicKey, key };
}

export function heldKey(publicX: string | undefined): HeldKey | undefined {
  return publicX === undefined ? undefined : held.get(publicX);
}

export function forgetKeys(): void {
  held.clear();
  changed();
}

/** A participant whose key this tab holds, with the key. */
export interface Signer {
  participant: Participant;
  key: HeldKey;
}

/** The charter's participants whose key this tab holds, with the key. */
export function signersOf(charter: Charter): Signer[] {
  return charter.participants.flatMap((participant) => {
    const key = held.get(participant.publicKey.x);
    return key ? [{ participant, key }] : [];
  });
}

/** Re-renders the caller when a key is loaded, made or forgotten; returns the keys held. */
export function useKeyring(): HeldKey[] {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return [...held.values()];
}
