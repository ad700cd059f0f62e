/** Shared set-up for the end-to-end tests and the workbench benchmark: server, build and browser. */
import type { FastifyInstance } from "fastify";
import { type Browser, chromium } from "playwright-core";
import { buildServer, type ServerOptions } from "../../src/server/app.ts";
import { ensureWebBuilt } from "../../src/server/web-build.ts";
import { CHROMIUM_OPTIONS, TEST_CHROMIUM_OPTIONS } from "../helpers/chromium.ts";
import { PROFILING, profilePage, profileReport } from "./profile.ts";

export { CHROMIUM_ARGS } from "../helpers/chromium.ts";

export interface Workbench {
  app: FastifyInstance;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

const launch = () => chromium.launch(CHROMIUM_OPTIONS);

/**
 * Under vitest, the Chromium the global setup started for the whole run (test/global-setup.ts),
 * connected to once per test process and kept for the process's next files: a launch cost about
 * 1.5 CPU-s, and twenty files launched one. Each file still gets its own pages in their own
 * contexts (fresh storage), and `close()` closes them all. Outside vitest (the benchmarks), each
 * workbench launches its own and closes it.
 */
const SHARED = Symbol.for("lockstep.test-browser");
const slot = globalThis as { [SHARED]?: Promise<Browser> };

async function testBrowser(): Promise<Browser> {
  // kept on globalThis, not in this module: a run that re-imports modules per file (--isolate)
  // still finds the process's connection instead of opening another
  const running = await slot[SHARED]?.catch(() => undefined);
  if (running?.isConnected()) return running;
  const { inject } = await import("vitest");
  const endpoint = inject("chromiumEndpoint");
  slot[SHARED] = endpoint ? chromium.connect(endpoint) : chromium.launch(TEST_CHROMIUM_OPTIONS);
  return slot[SHARED];
}

/** Builds the web app if needed, serves it on 127.0.0.1 (a free port) and opens headless Chromium. */
export async function openWorkbench(options: ServerOptions = {}): Promise<Workbench> {
  await ensureWebBuilt();
  // open (`serve --open`) unless the test sets access itself
  const app = await buildServer({ access: { open: true }, ...options });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const reused = Boolean(process.env.VITEST);
  const browser = reused ? await testBrowser() : await launch();
  const file = PROFILING ? await startProfiling(browser) : "";
  return {
    app,
    url: address,
    browser,
    async close() {
      if (reused) {
        // the pages this file opened, and nothing it left running into the next file
        await Promise.all(browser.contexts().map((context) => context.close()));
      } else {
        await browser.close();
      }
      await app.close();
      if (PROFILING) console.log(profileReport(file));
    },
  };
}

/**
 * LOCKSTEP_WEB_PROFILE=1: Playwright's page and locator calls timed from here on (test/web/profile.ts),
 * through a page opened and closed for the purpose; returns the test file's name for the report.
 */
async function startProfiling(browser: Browser): Promise<string> {
  const page = await browser.newPage();
  profilePage(page);
  await page.context().close();
  const { expect } = await import("vitest");
  return expect.getState().testPath ?? "(outside vitest)";
}
