/**
 * The agreement page and the library's list of agreements, in Chromium, on one server and one tab:
 * planned against actual, updated live as signed events arrive; then an agreement every party
 * asked to archive is hidden from the library, and "Show archived agreements" lists it again,
 * marked as archived.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, UPDATE_MS } from "../helpers/wait.ts";
import { adoptAndSign, archiveStatement, type Cast, http, makeCast, signedEvent } from "../ledger/helpers.ts";
import { AGREEMENT_PAGE_CHECKS } from "./agreement-page-checks.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { checkAtEverySize, SIZES, screenshotDir } from "./page-checks.ts";

const ARCHIVE_ARTIFACTS = screenshotDir("archive");
const dir = mkdtempSync(join(tmpdir(), "lockstep-agreement-"));
let workbench: Workbench;
let page: Page;
let cast: Cast;

const post = (path: string, body: unknown) =>
  fetch(`${workbench.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function adopt(id: string, title: string): Promise<string> {
  const created = await adoptAndSign(workbench.url, cast, { id, title });
  expect(created.status).toBe(201);
  return String(created.json.charterHash);
}

beforeAll(async () => {
  workbench = await openWorkbench({ dbPath: join(dir, "agreements.db") });
  cast = await makeCast();
  const adopted = await adoptAndSign(workbench.url, cast);
  expect(adopted.status).toBe(201);
  await adopt("kept-deal", "A deal still running");
  const hash = await adopt("hidden-deal", "A deal the parties archived");
  for (const who of ["north-gov", "south-gov"] as const) {
    const statement = await archiveStatement(cast, who, "hidden-deal", hash, { seq: 0, hash });
    expect(
      (await http(`${workbench.url}/api/agreements/hidden-deal/archive`, "POST", statement)).status,
    ).toBe(200);
  }
  page = await workbench.newPage(SIZES[0]);
  page.setDefaultTimeout(UPDATE_MS);
}, 120_000);
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The library as it stands at 1280×800 and on the phone: axe-core, no sideways scroll (agreement-page-checks.ts). */
const atEverySize = (state: string) =>
  checkAtEverySize(page, state, { screenshots: ARCHIVE_ARTIFACTS, ...AGREEMENT_PAGE_CHECKS });

describe("agreement page", () => {
  it("is listed in the library and shows planned against actual", async () => {
    await page.goto(`${workbench.url}/`);
    await page.locator("[data-agreement=freeze-deal] a").click();
    await page.locator("[data-testid=live]", { hasText: "live" }).waitFor();
    const freeze = page.locator(
      "[data-testid=agreement-moves] tr[data-move=freeze] [data-testid=move-state]",
    );
    await eventually(() => freeze.textContent()).toBe("not started");
  });

  it("updates live when a signed event arrives", async () => {
    const event = await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" });
    expect((await post("/api/agreements/freeze-deal/events", event)).status).toBe(201);
    const freeze = page.locator(
      "[data-testid=agreement-moves] tr[data-move=freeze] [data-testid=move-state]",
    );
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent !== "not started",
      "[data-testid=agreement-moves] tr[data-move=freeze] [data-testid=move-state]",
    );
    await eventually(() => freeze.textContent()).toBe("done");
    await eventually(() => page.locator("[data-testid=ledger-events] li").count()).toBeGreaterThan(0);
  });
});

describe("archived agreements in the library", () => {
  it("hides them by default and shows them, marked, with the toggle", async () => {
    await page.goto(`${workbench.url}/#/`);
    const list = page.locator("[data-testid=agreements]");
    await list.locator("[data-agreement=kept-deal]").waitFor();
    // the list arrives in one answer: once the running deal shows, the archived one is left out
    expect(await list.locator("[data-agreement=hidden-deal]").count()).toBe(0);
    const toggle = page.getByLabel("Show archived agreements (1)");
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);

    await toggle.check();
    const hidden = list.locator("[data-agreement=hidden-deal]");
    await hidden.waitFor();
    await expect.poll(() => hidden.textContent(), { timeout: 30_000 }).toMatch(/archived by its parties/);
    expect(await hidden.getAttribute("data-archived")).toBe("true");
    expect(await list.locator("[data-agreement=kept-deal]").textContent()).not.toMatch(/archived/);
    // Laid out with the toggle on: every element of the default state (the running agreements, the
    // toggle) and the archived one besides, so the default state is not checked apart.
    await atEverySize("library-archived-shown");
    // The toggle is kept in the address: a reload shows the archived agreement again.
    await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/[?&]archived=yes/);
    await page.reload();
    await hidden.waitFor();
    expect(await toggle.isChecked()).toBe(true);

    await toggle.uncheck();
    await expect.poll(() => hidden.count(), { timeout: 30_000 }).toBe(0);
  }, 120_000);
});
