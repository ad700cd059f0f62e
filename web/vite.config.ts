import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Files worth compressing: text and the solver's WebAssembly, from 1 KiB (the server's threshold). */
const COMPRESSIBLE = /\.(js|css|html|svg|json|wasm)$/;
const MIN_BYTES = 1024;

/**
 * Writes FILE.br and FILE.gz beside every compressible file of the build, so the server sends
 * them as they are (@fastify/static `preCompressed`) instead of compressing on every request:
 * on-the-fly brotli of the scenario pages' chunk cost about 0.1 s per visit on an idle machine,
 * seconds under load, and sat on the path to the first chart. Brotli at quality 7 for text (9%
 * smaller than the on-the-fly quality 4; 9 and 11 save 1% and 8% more for 2× and 20× the build
 * time), 5 for the 3.5 MB wasm; gzip at 6. A variant no smaller than the file is not written.
 */
export function precompress(): Plugin {
  return {
    name: "lockstep:precompress",
    apply: "build",
    async writeBundle(options) {
      const dir = options.dir;
      if (!dir) return;
      const files = (await readdir(dir, { recursive: true })).map((f) => join(dir, f));
      await Promise.all(
        files
          .filter((file) => COMPRESSIBLE.test(file))
          .map(async (file) => {
            if ((await stat(file)).size < MIN_BYTES) return;
            const bytes = await readFile(file);
            const quality = file.endsWith(".wasm") ? 5 : 7;
            const variants: [string, Buffer][] = [
              [".br", await brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } })],
              [".gz", await gzipped(bytes, { level: 6 })],
            ];
            for (const [suffix, packed] of variants) {
              if (packed.length < bytes.length) await writeFile(file + suffix, packed);
            }
          }),
      );
    },
  };
}

/**
 * Opening a scenario page needs the scenario pages' chunk, which the entry script would only ask
 * for once it has arrived and run. A few bytes of inline script in index.html ask for it at once
 * (`modulepreload`), side by side with the entry, when the address names such a page; the
 * library and the glossary do not load it. The route test mirrors web/src/pages/load-pages.ts.
 */
function preloadScenarioPages(): Plugin {
  return {
    name: "lockstep:preload-scenario-pages",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === "chunk" && c.facadeModuleId?.endsWith("/pages/scenario-pages.ts"),
        );
        if (!chunk) return [];
        const href = JSON.stringify(`/${chunk.fileName}`);
        return [
          {
            tag: "script",
            injectTo: "head-prepend",
            children:
              "if (/^#(?:admin=[^&]*&)?\\/?(?:new(?:[/?]|$)|[sa]\\/[^/?])/.test(location.hash)) {" +
              ' const l = document.createElement("link"); l.rel = "modulepreload"; l.crossOrigin = "";' +
              ` l.href = ${href}; document.head.append(l); }`,
          },
        ];
      },
    },
  };
}

// The app imports the pure core (src/model, src/analysis) straight from the repository, so the
// browser re-analyses with exactly the code the CLI and server use.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [preloadScenarioPages(), precompress()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  // Workers (planner with HiGHS, simulator) load the solver lazily, i.e. they split into chunks,
  // which only the ES module format allows.
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  server: {
    fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] },
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
