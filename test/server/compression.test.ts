/**
 * Compressed responses over HTTP (issue 14): the web app's files and the API's JSON come brotli-
 * or gzip-encoded as the client asks, still cached as before, and decode to the very bytes served
 * uncompressed; a client that asks for no encoding, and a server started with compression off
 * (`serve --no-compress`), get them as they are. Raw node:http requests, so nothing is decoded
 * behind the test's back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/server/app.ts";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding };
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

function decode(raw: Raw): Buffer {
  const encoding = raw.headers["content-encoding"];
  if (encoding === "br") return brotliDecompressSync(raw.body);
  if (encoding === "gzip") return gunzipSync(raw.body);
  return raw.body;
}

describe("compressed responses", () => {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-compress-"));
  const webRoot = join(dir, "web");
  // a script of some size that compresses as real bundles do (repetitive source text)
  const script = Buffer.from(
    Array.from({ length: 400 }, (_, i) => `export function f${i}(x) { return x * ${i} + ${i % 7}; }\n`).join(
      "",
    ),
  );
  // a second script shipped with its build-time brotli variant (web/vite.config.ts writes them)
  const prebuilt = Buffer.from(script.toString("utf8").replaceAll("return", "return /* prebuilt */"));
  const prebuiltBr = brotliCompressSync(prebuilt, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  const servers: FastifyInstance[] = [];
  let on: string;
  let off: string;
  beforeAll(async () => {
    mkdirSync(join(webRoot, "assets"), { recursive: true });
    writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>lockstep</title>");
    writeFileSync(join(webRoot, "assets", "index-B1x9_aZ3.js"), script);
    writeFileSync(join(webRoot, "assets", "pages-C2y8_bZ4.js"), prebuilt);
    writeFileSync(join(webRoot, "assets", "pages-C2y8_bZ4.js.br"), prebuiltBr);
    const start = async (compress: boolean | undefined, db: string) => {
      const app = await buildServer({ dbPath: join(dir, db), webRoot, access: { open: true }, compress });
      servers.push(app);
      return app.listen({ port: 0, host: "127.0.0.1" });
    };
    on = await start(undefined, "on.db");
    off = await start(false, "off.db");
  });
  afterAll(async () => {
    for (const app of servers) await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["br, gzip", "br"],
    ["gzip, deflate", "gzip"],
  ])(
    "a hashed script asked with '%s' comes %s-encoded, still immutable, and decodes to the file",
    async (accept, encoding) => {
      const raw = await get(`${on}/assets/index-B1x9_aZ3.js`, accept);
      expect(raw.status).toBe(200);
      expect(raw.headers["content-encoding"]).toBe(encoding);
      expect(String(raw.headers.vary)).toMatch(/accept-encoding/i);
      expect(raw.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(raw.body.length).toBeLessThan(script.length / 4);
      expect(decode(raw).equals(script)).toBe(true);
    },
  );

  it("a script with a build-time .br variant is sent as that file, with the script's type and caching", async () => {
    const raw = await get(`${on}/assets/pages-C2y8_bZ4.js`, "gzip, deflate, br");
    expect(raw.status).toBe(200);
    expect(raw.headers["content-encoding"]).toBe("br");
    expect(raw.headers["content-type"]).toMatch(/javascript/);
    expect(String(raw.headers.vary)).toMatch(/accept-encoding/i);
    expect(raw.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(raw.body.equals(prebuiltBr)).toBe(true);
    expect(decode(raw).equals(prebuilt)).toBe(true);
    // a client that does not take brotli gets the script compressed on the fly instead
    const gz = await get(`${on}/assets/pages-C2y8_bZ4.js`, "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(decode(gz).equals(prebuilt)).toBe(true);
  });

  it("API JSON is compressed too, and decodes to the same document", async () => {
    const plain = await get(`${off}/api/scenarios/korea-2018`, "br, gzip");
    const raw = await get(`${on}/api/scenarios/korea-2018`, "br, gzip");
    expect(plain.status).toBe(200);
    expect(raw.status).toBe(200);
    expect(raw.headers["content-encoding"]).toBe("br");
    expect(raw.body.length).toBeLessThan(plain.body.length / 2);
    expect(JSON.parse(decode(raw).toString("utf8"))).toEqual(JSON.parse(plain.body.toString("utf8")));
  });

  it("a client that accepts no encoding gets the bytes as they are", async () => {
    const raw = await get(`${on}/assets/index-B1x9_aZ3.js`);
    expect(raw.headers["content-encoding"]).toBeUndefined();
    expect(raw.body.equals(script)).toBe(true);
  });

  it("with compression off (serve --no-compress) nothing is encoded", async () => {
    const raw = await get(`${off}/assets/index-B1x9_aZ3.js`, "br, gzip");
    expect(raw.headers["content-encoding"]).toBeUndefined();
    expect(raw.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(raw.body.equals(script)).toBe(true);
    const prebuiltOff = await get(`${off}/assets/pages-C2y8_bZ4.js`, "br, gzip");
    expect(prebuiltOff.headers["content-encoding"]).toBeUndefined();
    expect(prebuiltOff.body.equals(prebuilt)).toBe(true);
  });
});
