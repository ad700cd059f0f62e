import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The app imports the pure core (src/model, src/analysis) straight from the repository, so the
// browser re-analyses with exactly the code the CLI and server use.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
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
