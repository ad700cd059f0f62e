/**
 * The agreement page's charter versions in Chromium: a pending amendment (proposed and signed by
 * north over HTTP) is shown with who it waits for; south loads its key file and signs it in the
 * page, which verifies the ledger first; the page then shows version 2 in force and the new plan.
 * axe-core and the sideways-scroll check run on both states at three sizes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { adoptAndSign, type Cast, makeCast, signedEvent } from "../ledger/helpers.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { expectAccessible, expectNoSidewaysScroll, SIZES, screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("amend");
const dir = mkdtempSync(join(tmpdir(), "lockstep-amend-web-"));
let workbench: Workbench;
let page: Page;
let cast: Cast;
let amendmentHash = "";

const post = async (body: unknown) => {
  const response = await fetch(`${workbench.url}/api/agreements/freeze-deal/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { event: { hash: string } } };
};

async function checkSizes(state: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await expectAccessible(page, `${state} at ${size.name}`);
    await expectNoSidewaysScroll(page, `${state} at ${size.name}`);
    await page.screenshot({ path: join(ARTIFACTS, `${state}-${size.name}.png`), fullPage: true });
  }
  await page.setViewportSize(SIZES[0]);
}

beforeAll(async () => {
  workbench = await openWorkbench({ dbPath: join(dir, "agreements.db") });
  cast = await makeCast();
  const adopted = await adoptAndSign(workbench.url, cast, {
    start: new Date(Date.now() - 40 * 86_400_000).toISOString(),
  });
  expect(adopted.status).toBe(201);
  expect(
    (await post(await signedEvent(cast, "north-gov", { type: "move.done", move: "freeze" }))).status,
  ).toBe(201);
  const proposed = await post(
    await signedEvent(cast, "north-gov", {
      type: "amendment.proposed",
      version: 2,
      previous: String(adopted.json.charterHash),
      plan: { name: "delayed-relief", phases: { freeze: 1, relief: 3, handover: { "4": 0.5, "5": 0.5 } } },
      text: "relief needs a vote",
    }),
  );
  expect(proposed.status).toBe(201);
  amendmentHash = proposed.json.event.hash;
  expect(
    (await post(await signedEvent(cast, "north-gov", { type: "amendment.signed", amendment: amendmentHash })))
      .status,
  ).toBe(201);
  page = await workbench.browser.newPage({ viewport: SIZES[0] });
  page.setDefaultTimeout(60_000);
  page.on("pageerror", (error) => {
    throw error;
  });
}, 120_000);
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("charter versions on the agreement page", () => {
  it("shows the pending amendment and whom it waits for", async () => {
    await page.goto(`${workbench.url}/#/a/freeze-deal`);
    const pending = page.locator("[data-testid=pending-amendment]");
    await pending.waitFor({ state: "visible" });
    await expect
      .poll(() => pending.textContent(), { timeout: 60_000 })
      .toMatch(
        /Pending: version 2, plan delayed-relief.*relief needs a vote.*waiting for south-gov.*Version 1 governs/s,
      );
    expect(await pending.textContent()).toContain(amendmentHash);
    // no key loaded: nothing to sign with
    expect(await page.locator("[data-testid=sign-amendment]").count()).toBe(0);
    await checkSizes("pending");
  }, 120_000);

  it("lets south sign it with its key file; version 2 then governs", async () => {
    const keyPath = join(dir, "south-gov.key.json");
    writeFileSync(keyPath, JSON.stringify({ participant: "south-gov", ...cast.keys["south-gov"] }));
    await page.locator("[data-testid=agreement-load-key]").setInputFiles(keyPath);
    const button = page.locator("[data-testid=sign-amendment]");
    await button.waitFor({ state: "visible" });
    expect(await button.textContent()).toBe("Sign version 2 as south-gov");
    await button.click();
    const message = page.locator("[data-testid=amendment-message]");
    await message.waitFor({ state: "visible" });
    await expect
      .poll(() => message.textContent(), { timeout: 60_000 })
      .toMatch(/signed version 2 as event \d+/);
    const v2 = page.locator("[data-testid=charter-versions] li[data-version='2']");
    await v2.waitFor({ state: "visible" });
    await expect
      .poll(() => v2.textContent(), { timeout: 60_000 })
      .toMatch(/delayed-relief.*in force since event \d+/);
    await page.locator("[data-testid=pending-amendment]").waitFor({ state: "detached" });
    await expect
      .poll(() => page.locator("main.agreement > p").first().textContent(), { timeout: 60_000 })
      .toMatch(/Plan delayed-relief/);
    await checkSizes("amended");

    // what the page signed is in the chain, and the chain verifies with version 2 in force
    const exported = await (await fetch(`${workbench.url}/api/agreements/freeze-deal/export`)).json();
    const verified = await verifyLedger(exported);
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.versions.current).toMatchObject({ version: 2, hash: amendmentHash });
  }, 120_000);
});
