/**
 * The CLI's side of the agreements API: JSON over HTTP, with a server's refusal or an unreachable
 * server turned into one CliError message (exit 2) instead of a stack trace.
 */
import { readFileSync } from "node:fs";
import { normalisePublicKey } from "../ledger/index.ts";
import { CliError } from "./errors.ts";

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
  init: { method?: string; body?: unknown } = {},
): Promise<ApiResponse<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
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
    throw new CliError(`the server refused (${response.status} ${error ?? "error"}): ${message ?? text}`);
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
