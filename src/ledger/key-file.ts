/**
 * The key file a participant keeps: `{ participant?, publicKey, privateKey }`, both halves as
 * Ed25519 JWKs. `lockstep keys new` writes it and the web app reads and writes the same format, so
 * a key made in the browser signs from the CLI and the other way round.
 */
import { z } from "zod";
import { fromBase64, type KeyPairJwk } from "./crypto.ts";
import { PARTICIPANT_ID } from "./events.ts";

const keyBytes = (what: string) =>
  z.string().refine((text) => fromBase64(text)?.length === 32, `${what}: 32 bytes in base64url`);

export const KeyFile = z
  .object({
    participant: z.string().regex(PARTICIPANT_ID, "a participant id").optional(),
    publicKey: z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: keyBytes("x") }),
    privateKey: z.object({
      kty: z.literal("OKP"),
      crv: z.literal("Ed25519"),
      x: keyBytes("x"),
      d: keyBytes("d"),
    }),
  })
  // A file whose halves disagree would sign with a key the charter does not list.
  .refine((f) => f.publicKey.x === f.privateKey.x, {
    path: ["privateKey", "x"],
    message: "the private key does not belong to the public key",
  });
export type KeyFile = z.output<typeof KeyFile>;

export type KeyFileResult = { ok: true; key: KeyFile } | { ok: false; message: string };

/** Reads a key file's text; the message names the file and the field that is wrong. */
export function parseKeyFile(text: string, fileName: string): KeyFileResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${fileName}: not JSON: ${(error as Error).message}` };
  }
  const parsed = KeyFile.safeParse(json);
  if (parsed.success) return { ok: true, key: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join(".") : "the file";
  return {
    ok: false,
    message: `${fileName}: not a key file from 'lockstep keys new' (${where}: ${issue?.message ?? "invalid"})`,
  };
}

/** The text of a key file, exactly as `lockstep keys new` writes it. */
export function keyFileText(pair: KeyPairJwk, participant?: string): string {
  return `${JSON.stringify({ ...(participant ? { participant } : {}), ...pair }, null, 2)}\n`;
}
