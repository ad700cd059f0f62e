/** The agreement page: planned against actual, updated live as signed events arrive. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, UPDATE_MS } from "../helpers/wait.ts";
import { adoptAndSign, type Cast, makeCast, signedEvent } from "../ledger/helpers.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("agreement");
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

beforeAll(async () => {
  workbench = await openWorkbench({ dbPath: join(dir, "agreements.db") });
  cast = await makeCast();
  const adopted = await adoptAndSign(workbench.url, cast);
  expect(adopted.status).toBe(201);
  page = await workbench.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(UPDATE_MS);
});
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

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
    await page.screenshot({ path: join(ARTIFACTS, "agreement.png"), fullPage: true });
  });
});
