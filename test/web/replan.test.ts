/**
 * The agreement page's "does the rest of the plan still hold" panel (MODEL.md §10), in Chromium:
 * docs/model.md §10's late first move, then the panel updating when the ledger grows.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventBody } from "../../src/ledger/index.ts";
import { signEvent } from "../../src/ledger/index.ts";
import { eventually } from "../helpers/wait.ts";
import { http } from "../ledger/helpers.ts";
import { adoptLate, type LateAgreement } from "../replan/setup.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { expectAccessible, expectNoSidewaysScroll, SIZES, screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("agreement");
let workbench: Workbench;
let page: Page;
let deal: LateAgreement;

beforeAll(async () => {
  workbench = await openWorkbench();
  deal = await adoptLate(workbench.url);
  page = await workbench.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30_000);
});
afterAll(async () => {
  await workbench?.close();
});

describe("agreement page: does the rest of the plan still hold", () => {
  it("says what broke and shows the best continuation", async () => {
    await page.goto(`${workbench.url}/#/a/${deal.id}`);
    const verdict = page.locator("[data-testid=replan-verdict]");
    await verdict.waitFor();
    await eventually(() => verdict.textContent()).toMatch(
      /^No: from the actual state after phase 2, the rest of plan 'adopted' no longer holds/,
    );
    await eventually(() => page.locator("[data-testid=replan-breaks] li").first().textContent()).toMatch(
      /'b1' \(b\) starts in phase 3 but requires 'a1'/,
    );
    await eventually(() => page.locator("[data-testid=continuation-summary]").textContent()).toMatch(
      /done by phase 4, least slack 1/,
    );
    const row = page.locator("[data-testid=continuation-steps] tr[data-move=b1] td").first();
    await eventually(() => row.textContent()).toBe("4");
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await expectAccessible(page, `re-plan panel at ${size.name}`);
      await expectNoSidewaysScroll(page, `re-plan panel at ${size.name}`);
      await page.screenshot({ path: join(ARTIFACTS, `replan-${size.name}.png`), fullPage: true });
    }
    await page.setViewportSize(SIZES[0]);
  });

  it("re-plans when the ledger grows: once b1 is done too, the rest holds", async () => {
    const body = {
      v: 1,
      agreement: deal.id,
      id: "b1-done",
      by: "b-gov",
      at: new Date().toISOString(),
      type: "move.done",
      move: "b1",
    } as EventBody;
    const posted = await http(
      `${workbench.url}/api/agreements/${deal.id}/events`,
      "POST",
      await signEvent(body, deal.keys["b-gov"].privateKey),
    );
    expect(posted.status).toBe(201);
    await page.waitForFunction(() =>
      document.querySelector("[data-testid=replan-verdict]")?.textContent?.startsWith("Yes"),
    );
    await eventually(() => page.locator("[data-testid=replan-breaks]").count()).toBe(0);
    await eventually(() => page.locator("[data-testid=replan]").textContent()).toMatch(/Nothing left to do/);
  });
});
