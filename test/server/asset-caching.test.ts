/**
 * Caching of the web app's files over HTTP: files Vite names by a content hash (assets/*-HASH.ext)
 * are immutable for a year; index.html and the app's routes are revalidated every time, so a new
 * build is seen at once.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/server/app.ts";

describe("web asset caching", () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-assets-"));
  const webRoot = join(dir, "web");
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    mkdirSync(join(webRoot, "assets"), { recursive: true });
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>lockstep</title>");
    writeFileSync(join(webRoot, "assets", "index-B1x9_aZ3.js"), "console.log('hashed');");
    writeFileSync(join(webRoot, "assets", "highs-B_nfHoE0.wasm"), Buffer.from([0, 97, 115, 109]));
    writeFileSync(join(webRoot, "favicon.svg"), "<svg/>");
    app = await buildServer({ dbPath: join(dir, "test.db"), webRoot });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(["/assets/index-B1x9_aZ3.js", "/assets/highs-B_nfHoE0.wasm"])(
    "serves %s as immutable",
    async (path) => {
      const response = await fetch(base + path);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    },
  );

  it.each(["/", "/index.html", "/favicon.svg", "/scenarios/korea-2018"])("revalidates %s", async (path) => {
    const response = await fetch(base + path);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-cache");
  });
});
