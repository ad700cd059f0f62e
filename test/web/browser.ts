/** Shared set-up for the end-to-end tests and the workbench benchmark: server, build and browser. */
import type { FastifyInstance } from "fastify";
import { type Browser, chromium } from "playwright-core";
import { buildServer, type ServerOptions } from "../../src/server/app.ts";
import { ensureWebBuilt } from "../../src/server/web-build.ts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Workbench {
  app: FastifyInstance;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the web app if needed, serves it on 127.0.0.1 (a free port) and opens headless Chromium. */
export async function openWorkbench(options: ServerOptions = {}): Promise<Workbench> {
  await ensureWebBuilt();
  // open (`serve --open`) unless the test sets access itself
  const app = await buildServer({ access: { open: true }, ...options });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  return {
    app,
    url: address,
    browser,
    async close() {
      await browser.close();
      await app.close();
    },
  };
}
