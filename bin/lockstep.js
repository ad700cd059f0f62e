#!/usr/bin/env node
// Entry point: runs the compiled CLI in dist/ (`npm run build`; `npm pack`, `npm start` and the
// test setup build it). Plain JavaScript, so start-up pays for no TypeScript loader.
import { existsSync } from "node:fs";

const main = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("lockstep: dist/ is not built: run `npm run build` in the lockstep checkout\n");
  process.exit(70);
}
await import(main.href);
