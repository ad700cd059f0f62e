/**
 * The workbench behind an admin token, in Chromium. `#admin=TOKEN` from the printed URL is kept for
 * the tab and stripped from the address; API calls and the agreement's event stream carry it; a
 * tab without it is told where the token comes from. A participant, without that token: the
 * agreement page asks for a key file, signs the server's read challenge with it in the page and
 * reads with the read token it gets; the participant then records an event from the same page.
 * One key file names its participant, the other does not (the page asks); a key the charter does
 * not list is refused with the server's reason (in the first tab, before it gets the admin token).
 * No request carries a private key.
 *
 * One server for both, and tabs of the test process's browser context (test/web/browser.ts): each
 * tab has its own tab storage, where the app keeps the admin token (the app keeps nothing in the
 * context's shared storage), so a new tab starts without it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyFileText } from "../../src/ledger/index.ts";
import { eventually, UPDATE_MS } from "../helpers/wait.ts";
import { adoptAndSign, type Cast, makeCast } from "../ledger/helpers.ts";
import { AGREEMENT_PAGE_CHECKS } from "./agreement-page-checks.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { checkAtEverySize, SIZES, screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("tracking");
const ADMIN = "web-admin-token-0123456789";
const dir = mkdtempSync(join(tmpdir(), "lockstep-read-"));
let workbench: Workbench;
let cast: Cast;
const sent: string[] = [];
/** The private parts ("d") of every key a page loaded: no request may carry one. */
const secrets: string[] = [];

/** A fresh tab, without the admin token until it is given one. */
async function newTab(): Promise<Page> {
  const page = await workbench.newPage(SIZES[0]);
  page.setDefaultTimeout(UPDATE_MS);
  page.on("pageerror", (error) => {
    throw error;
  });
  return page;
}

/** A fresh tab with no admin token, recording everything it sends. */
async function participantTab(): Promise<Page> {
  const page = await newTab();
  page.on("request", (request) => {
    sent.push(
      `${request.method()} ${request.url()}\n${JSON.stringify(request.headers())}\n${request.postData() ?? ""}`,
    );
  });
  return page;
}

beforeAll(async () => {
  workbench = await openWorkbench({ dbPath: join(dir, "agreements.db"), access: { adminToken: ADMIN } });
  cast = await makeCast();
  const admin = { authorization: `Bearer ${ADMIN}` };
  expect((await adoptAndSign(workbench.url, cast, {}, admin)).status).toBe(201);
  writeFileSync(join(dir, "north.key.json"), keyFileText(cast.keys["north-gov"], "north-gov"));
  writeFileSync(join(dir, "inspector.key.json"), keyFileText(cast.keys.inspector));
});
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the workbench behind an admin token", () => {
  let page: Page;
  beforeAll(async () => {
    // records what it sends, as the participants' tabs do: it loads a stranger's key below
    page = await participantTab();
  });
  it("says where the token comes from when opened without it", async () => {
    await page.goto(`${workbench.url}/`);
    const alert = page.locator("[data-testid=library] [role=alert]");
    await alert.waitFor();
    await eventually(() => alert.textContent()).toMatch(/admin token.*#admin=/);
    // the page that says so passes the same checks as every other (agreement-page-checks.ts)
    await checkAtEverySize(page, "library without the admin token", AGREEMENT_PAGE_CHECKS);
    await page.goto(`${workbench.url}/#/a/freeze-deal`);
    await page.locator("[data-testid=read-access]", { hasText: "participant's key" }).waitFor();
  });

  // In the same tab, still without a token (a refused key opens no read session and stores
  // nothing, so the tab is as it was for the admin token's test below): one tab's load fewer.
  it("a key the charter does not list is refused with the server's reason", async () => {
    const stranger = (await makeCast()).keys["north-gov"];
    writeFileSync(join(dir, "stranger.key.json"), keyFileText(stranger, "north-gov"));
    secrets.push(String(stranger.privateKey.d));
    await page.locator("[data-testid=read-load-key]").setInputFiles(join(dir, "stranger.key.json"));
    await eventually(() => page.locator("[data-testid=read-error]").textContent()).toContain("bad-signature");
    await eventually(() => page.locator("[data-testid=live]").count()).toBe(0);
    const kept = await page.evaluate(() => Object.keys(sessionStorage));
    expect(kept.filter((key) => key.startsWith("lockstep.read.") || key === "lockstep.admin")).toEqual([]);
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

describe("a participant reads and records without the admin token", () => {
  it("signs the read challenge with a key file that names its participant, then records an event", async () => {
    const page = await participantTab();
    await page.goto(`${workbench.url}/#/a/freeze-deal`);
    await page.locator("[data-testid=read-access]").waitFor();
    await checkAtEverySize(page, "read-access", { screenshots: ARTIFACTS, ...AGREEMENT_PAGE_CHECKS });
    await page.locator("[data-testid=read-load-key]").setInputFiles(join(dir, "north.key.json"));
    await page.locator("[data-testid=live]", { hasText: "live" }).waitFor();
    await page.locator("[data-testid=chain-verified]").waitFor();

    const form = page.locator("[data-testid=event-form]");
    await form.locator("[data-testid=event-kind]").selectOption("move.done");
    await form.locator("[data-testid=event-move]").selectOption("freeze");
    await form.locator("[data-testid=event-submit]").click();
    await page.locator("[data-testid=event-message]", { hasText: "Recorded as event 1" }).waitFor();
    await page.locator("[data-testid=chain-verified]", { hasText: "1 event," }).waitFor();
  });

  it("asks for the participant when the key file does not name one", async () => {
    const page = await participantTab();
    await page.goto(`${workbench.url}/#/a/freeze-deal`);
    await page.locator("[data-testid=read-load-key]").setInputFiles(join(dir, "inspector.key.json"));
    await page.getByLabel(/Your participant id/).fill("inspector");
    await page.getByRole("button", { name: "Read as this participant" }).click();
    await page.locator("[data-testid=live]", { hasText: "live" }).waitFor();
    const form = page.locator("[data-testid=event-form]");
    await form.locator("[data-testid=event-kind]").selectOption("move.verified");
    await form.locator("[data-testid=event-move]").selectOption("freeze");
    await form.locator("[data-testid=event-submit]").click();
    await page.locator("[data-testid=event-message]", { hasText: "Recorded as event 2" }).waitFor();
  });

  it("read with signatures only: no request carried a private key", () => {
    secrets.push(...[cast.keys["north-gov"], cast.keys.inspector].map((k) => String(k.privateKey.d)));
    expect(secrets).toHaveLength(3);
    expect(sent.filter((r) => r.includes("/session")).length).toBeGreaterThanOrEqual(2);
    for (const request of sent) for (const d of secrets) expect(request.includes(d)).toBe(false);
  });
});
