/**
 * The CLI's side of the agreements API: JSON over HTTP, with a server's refusal or an unreachable
 * server turned into one CliError message (exit 2) instead of a stack trace.
 */
import { readFileSync } from "node:fs";
import { normalisePublicKey, signReadChallenge } from "../ledger/index.ts";
import { CliError } from "./errors.ts";
import { cliIo } from "./io.ts";

export function agreementUrl(server: string, agreement: string, path = ""): string {
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new CliError(`--server: not a URL: '${server}' (e.g. http://127.0.0.1:8080)`);
  }
  const root = base.toString().replace(/\/+$/, "");
  return `${root}/api/agreements${agreement ? `/${encodeURIComponent(agreement)}` : ""}${path}`;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export async function requestJson<T>(
  url: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<ApiResponse<T>> {
  let response: Response;
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new CliError(`cannot reach ${new URL(url).origin}: ${cause}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`${url}: the server answered ${response.status} with something that is not JSON`);
  }
  if (!response.ok) {
    const { error, message } = body as { error?: string; message?: string };
    const hint =
      response.status === 401
        ? " (give --token, set LOCKSTEP_TOKEN, or --key with a participant's key file)"
        : "";
    throw new CliError(
      `the server refused (${response.status} ${error ?? "error"}): ${message ?? text}${hint}`,
    );
  }
  return { status: response.status, body: body as T };
}

/** A key file written by `lockstep keys new`. */
export interface KeyFile {
  participant?: string;
  publicKey: JsonWebKey;
  privateKey: JsonWebKey;
}

export function readKeyFile(path: string): KeyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${path}: cannot read a key file: ${(error as Error).message}`);
  }
  const file = parsed as Partial<KeyFile>;
  if (!file || typeof file !== "object" || !normalisePublicKey(file.publicKey) || !file.privateKey?.d) {
    throw new CliError(
      `${path}: not a key file from 'lockstep keys new' (needs publicKey and privateKey JWKs)`,
    );
  }
  return file as KeyFile;
}

/** How a command proves who it is: --token, else a participant's key file, else LOCKSTEP_TOKEN. */
export interface Credentials {
  token?: string;
  key?: KeyFile;
  /** The participant the key belongs to (default: the one the key file names). */
  as?: string;
}

/** The token given by --token or LOCKSTEP_TOKEN (the admin token, or a read token obtained earlier). */
export function givenToken(
  token: string | undefined,
  env: NodeJS.ProcessEnv = cliIo().env,
): string | undefined {
  return token ?? (env.LOCKSTEP_TOKEN || undefined);
}

/**
 * A bearer token for reading one agreement: --token as given; else, with a key file, a read token
 * obtained by signing the server's challenge (docs/ledger.md, access control); else LOCKSTEP_TOKEN;
 * else none (a server with --open or --public-read needs none).
 */
export async function readToken(
  server: string,
  agreement: string,
  credentials: Credentials,
): Promise<string | undefined> {
  if (credentials.token) return credentials.token;
  if (credentials.key) {
    const participant = credentials.as ?? credentials.key.participant;
    if (!participant)
      throw new CliError("--as: say which participant you are (the key file does not name one)");
    const { body: challenge } = await requestJson<{ challenge: string }>(
      agreementUrl(server, agreement, "/challenge"),
      { method: "POST", body: {} },
    );
    const signature = await signReadChallenge(agreement, challenge.challenge, credentials.key.privateKey);
    try {
      const { body: session } = await requestJson<{ token: string }>(
        agreementUrl(server, agreement, "/session"),
        {
          method: "POST",
          body: { participant, challenge: challenge.challenge, signature },
        },
      );
      return session.token;
    } catch (error) {
      if (error instanceof CliError && error.message.includes("(401 bad-signature)")) {
        throw new CliError(
          `the charter lists another public key for ${participant} than the one in the key file (the server refused a read token: 401 bad-signature)`,
        );
      }
      throw error;
    }
  }
  return givenToken(undefined);
}
