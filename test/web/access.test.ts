/**
 * The workbench behind an admin token, in Chromium: `#admin=TOKEN` from the printed URL is kept for
 * the tab and stripped from the address; API calls and the agreement's event stream carry it; a
 * tab without it is told where the token comes from.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, UPDATE_MS } from "../helpers/wait.ts";
import { adoptAndSign, makeCast } from "../ledger/helpers.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { expectAccessible, expectNoSidewaysScroll, SIZES } from "./page-checks.ts";

const ADMIN = "web-admin-token-0123456789";
let workbench: Workbench;
let page: Page;

beforeAll(async () => {
  workbench = await openWorkbench({ access: { adminToken: ADMIN } });
  const cast = await makeCast();
  const admin = { authorization: `Bearer ${ADMIN}` };
  expect((await adoptAndSign(workbench.url, cast, {}, admin)).status).toBe(201);
  page = await workbench.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(UPDATE_MS);
});
afterAll(async () => {
  await workbench?.close();
});

describe("the workbench behind an admin token", () => {
  it("says where the token comes from when opened without it", async () => {
    await page.goto(`${workbench.url}/`);
    const alert = page.locator("[data-testid=library] [role=alert]");
    await alert.waitFor();
    await eventually(() => alert.textContent()).toMatch(/admin token.*#admin=/);
    // the page that says so passes the same checks as every other, at the three sizes
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await expectAccessible(page, `library without the admin token at ${size.name}`);
      await expectNoSidewaysScroll(page, `library without the admin token at ${size.name}`);
    }
    await page.setViewportSize(SIZES[0]);
    await page.goto(`${workbench.url}/#/a/freeze-deal`);
    await page.locator("[data-testid=read-access]", { hasText: "participant's key" }).waitFor();
  });

  it("keeps #admin=TOKEN for the tab, strips it from the address, and reads and streams with it", async () => {
    await page.goto(`${workbench.url}/#admin=${ADMIN}`);
    await page.locator("[data-scenario=korea-2018]").waitFor();
    await eventually(() => new URL(page.url()).hash).toBe("#/");
    await eventually(() => page.evaluate(() => sessionStorage.getItem("lockstep.admin"))).toBe(ADMIN);
    await page.locator("[data-agreement=freeze-deal] a").click();
    await page.locator("[data-testid=live]", { hasText: "live" }).waitFor();
    await eventually(() => page.locator("[data-testid=agreement] h1").textContent()).toBe(
      "Freeze for relief",
    );
    // a reload keeps the token: it lives in sessionStorage, not in the address
    await page.reload();
    await page.locator("[data-testid=live]", { hasText: "live" }).waitFor();
  });
});
