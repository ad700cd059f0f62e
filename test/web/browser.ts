/** Shared set-up for the end-to-end tests and the workbench benchmark: server, build and browser. */
import type { FastifyInstance } from "fastify";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { buildServer, type ServerOptions } from "../../src/server/app.ts";
import { ensureWebBuilt } from "../../src/server/web-build.ts";
import { CHROMIUM_OPTIONS, TEST_CHROMIUM_OPTIONS } from "../helpers/chromium.ts";
import { PROFILING, profilePage, profileReport } from "./profile.ts";

export { CHROMIUM_ARGS } from "../helpers/chromium.ts";

export interface Workbench {
  app: FastifyInstance;
  url: string;
  browser: Browser;
  /**
   * A new tab with fresh tab storage (sessionStorage, where the app keeps drafts, searches and
   * the admin token), at `viewport` (1280×720 unless given). Under vitest it is a tab of the
   * test process's one browser context (see `testContext`); outside, of a context of its own.
   */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
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

/**
 * Under vitest, one browser context for the test process's files, kept open from file to file,
 * with one page in it that stays open on 127.0.0.1 (a small API answer). Chromium puts a new tab
 * of a site in a renderer process already running that site's pages, so each file's first tab
 * starts in a running renderer instead of a new one: the first load of the app cost 1.2 CPU-s
 * there against 1.9 in a fresh context (`npx tsx bench/web-steps.ts`; docs/benchmarks.md,
 * "Twelfth session: browser files"). Nothing is shared that a file could see: every file's server
 * is its own origin (its own port), so its own HTTP cache entries and storage, and the app keeps
 * its state in tab storage, which a new tab starts without (it sets no cookies and uses no
 * localStorage). A file's tabs are closed when its workbench closes.
 */
const CONTEXT = Symbol.for("lockstep.test-context");
const contextSlot = globalThis as { [CONTEXT]?: Promise<{ context: BrowserContext; keeper: Page }> };

async function testContext(
  browser: Browser,
  url: string,
): Promise<{ context: BrowserContext; keeper: Page }> {
  const running = await contextSlot[CONTEXT]?.catch(() => undefined);
  if (running && browser.contexts().includes(running.context)) return running;
  contextSlot[CONTEXT] = (async () => {
    const context = await browser.newContext();
    const keeper = await context.newPage();
    // any page of the site will do; an unknown API path answers a small 404 without work
    await keeper.goto(`${url}/api/test-keeper`);
    return { context, keeper };
  })();
  return contextSlot[CONTEXT];
}

interface Served {
  app: FastifyInstance;
  url: string;
}

/** A server of the built web app on 127.0.0.1, on a free port; open (`serve --open`) unless `options` set access. */
async function serve(options: ServerOptions): Promise<Served> {
  await ensureWebBuilt();
  const app = await buildServer({ access: { open: true }, ...options });
  return { app, url: await app.listen({ port: 0, host: "127.0.0.1" }) };
}

/** Builds the web app if needed, serves it on 127.0.0.1 (a free port) and opens headless Chromium. */
export async function openWorkbench(options: ServerOptions = {}): Promise<Workbench> {
  return workbenchOn(await serve(options), true);
}

/**
 * Under vitest, one server per test process for the files that only read the built-in scenarios
 * with `openWorkbench()`'s defaults (they save nothing: no agreement, no scenario, no database),
 * started by the first of them and kept for the others; vitest ends the process, and the server
 * with it, when the run ends. Each file skips a server's start and its parse of the built-ins, and
 * its tabs find the app's scripts in the browser context's cache (the same origin as the file
 * before). Outside vitest, `openWorkbench()`.
 */
const BUILT_INS = Symbol.for("lockstep.test-built-in-server");
const builtInSlot = globalThis as { [BUILT_INS]?: Promise<Served> };

export async function openBuiltInWorkbench(): Promise<Workbench> {
  if (!process.env.VITEST) return openWorkbench();
  builtInSlot[BUILT_INS] ??= serve({});
  return workbenchOn(await builtInSlot[BUILT_INS], false);
}

/** The workbench on `served`, whose server its `close()` closes when `ownsServer`. */
async function workbenchOn({ app, url }: Served, ownsServer: boolean): Promise<Workbench> {
  const reused = Boolean(process.env.VITEST);
  const browser = reused ? await testBrowser() : await launch();
  const file = PROFILING ? await startProfiling(browser) : "";
  const shared = reused ? await testContext(browser, url) : undefined;
  return {
    app,
    url,
    browser,
    async newPage(viewport) {
      const page = await (shared ? shared.context.newPage() : browser.newPage());
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      if (shared) {
        // the pages this file opened, and nothing it left running into the next file: its tabs
        // of the shared context and any context of its own
        await Promise.all([
          ...shared.context
            .pages()
            .filter((page) => page !== shared.keeper)
            .map((page) => page.close()),
          ...browser
            .contexts()
            .filter((context) => context !== shared.context)
            .map((context) => context.close()),
        ]);
      } else {
        await browser.close();
      }
      if (ownsServer) await app.close();
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
