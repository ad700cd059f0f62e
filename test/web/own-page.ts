/**
 * A page of its own for the tests of one describe, so that a browser test file can run its
 * independent walks at the same time (`describe(name, { concurrent: true }, …)` around
 * `it.sequential` steps): most of a walk's time is waiting on the page (a search, a reload, a
 * redraw), and two walks wait side by side in the time of one.
 *
 * Each page has a browser context of its own, so its own tab storage (the planner's cache, drafts)
 * and its own dialogs and address. `eventually` polls on the running test's own `expect`
 * (test/helpers/wait.ts says why the global one cannot). Read both inside the tests (they are
 * set before each one): a describe binds them with `beforeEach(() => ({ page, eventually } = own))`.
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { beforeAll, beforeEach } from "vitest";
import { type Eventually, pollingWith, UPDATE_MS } from "../helpers/wait.ts";
import type { Workbench } from "./browser.ts";

export interface OwnPage {
  readonly page: Page;
  readonly eventually: Eventually;
}

/**
 * `open`, when given, opens the page (`workbench.newPage`: a tab of the test process's browser
 * context, with its own tab storage, where the app keeps drafts and searches); otherwise the page
 * gets a context of its own with `options`.
 */
export function ownPage(
  workbench: () => Workbench,
  options: BrowserContextOptions = {},
  open?: () => Promise<Page>,
): OwnPage {
  let page: Page | undefined;
  let eventually: Eventually | undefined;
  beforeAll(async () => {
    page = await (open ? open() : workbench().browser.newPage(options));
    page.setDefaultTimeout(UPDATE_MS);
    page.on("pageerror", (error) => {
      throw error;
    });
  });
  beforeEach(({ expect }) => {
    eventually = pollingWith(expect);
  });
  return {
    get page() {
      if (!page) throw new Error("ownPage: read the page inside a test, once its beforeAll has run");
      return page;
    },
    get eventually() {
      if (!eventually) throw new Error("ownPage: read eventually inside a test");
      return eventually;
    },
  };
}
