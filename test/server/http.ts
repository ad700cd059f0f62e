/** A real server on 127.0.0.1 (a free port) and a small JSON client for it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { AccessOptions } from "../../src/server/access.ts";
import { buildServer } from "../../src/server/app.ts";

export interface Served {
  app: FastifyInstance;
  base: string;
  request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * Serves with a throw-away SQLite file, so "nothing saved" is checked against the real store.
 * Open (`serve --open`) unless `access` says otherwise: these tests are about the API, not who may call it.
 */
export async function serve(access: AccessOptions = { open: true }): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-api-"));
  const app = await buildServer({ dbPath: join(dir, "test.db"), access });
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    app,
    base,
    async request(method, path, body) {
      const response = await fetch(base + path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const VALID = `id: trade
title: A small trade
description: Two parties swap steps. The second sentence is not in the summary.
parties:
  - id: a
    tolerance: 1
  - id: b
    tolerance: 1
moves:
  - id: a-step
    actor: a
    value: { a: -2, b: 3 }
  - id: b-step
    actor: b
    value: { a: 3, b: -2 }
`;

/** VALID with the actor of the second move misspelt on line 13. */
export const INVALID = VALID.replace("actor: b\n", "actor: bb\n");
