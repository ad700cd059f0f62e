/**
 * Where an agreement command reads an agreement: a server (`--server URL`, over HTTP) or a local
 * database (`--db FILE` or `--database-url URL`, read directly, as the operator may).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CliError } from "./errors.ts";

export interface SourceOptions {
  server?: string;
  db?: string;
  databaseUrl?: string;
}

export type AgreementSource =
  | { kind: "server"; server: string }
  | { kind: "database"; sqlitePath?: string; databaseUrl?: string };

export function agreementSource(options: SourceOptions): AgreementSource {
  const given = [options.server, options.db, options.databaseUrl].filter((x) => x !== undefined);
  if (given.length !== 1) {
    throw new CliError("give exactly one of --server URL, --db FILE or --database-url URL");
  }
  if (options.server !== undefined) return { kind: "server", server: options.server };
  if (options.databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new CliError(
        `--database-url: expected postgres://user:password@host/db, got '${options.databaseUrl}'`,
      );
    }
    return { kind: "database", databaseUrl: options.databaseUrl };
  }
  const path = resolve(options.db!);
  if (!existsSync(path)) throw new CliError(`--db: no such database file: ${path}`);
  return { kind: "database", sqlitePath: path };
}
