/**
 * Tracking in the browser, end to end in Chromium: adopt korea-2018's phased plan in the wizard
 * (one key made and downloaded in the page, the others loaded from key files: the DPRK's written by
 * `lockstep keys new`, the other two by the same function in this process, `keyFileText`), sign
 * the charter with every party's key, record a move done by the DPRK's participant and verified by
 * the inspector, each countersigning the new head; then export the ledger and verify it with the
 * `lockstep` process. No request may carry a private key. axe-core and the 390 px layout are
 * checked on the wizard, the event form and the agreement page at 1280×800 and on the phone
 * (agreement-page-checks.ts); a failure's
 * screenshot goes to test-artifacts/screenshots/tracking/ (every state's phone picture too with
 * LOCKSTEP_LAYOUT_PICTURES=1).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, keyFileText } from "../../src/ledger/index.ts";
import { lockstepAsync } from "../helpers/cli.ts";
import { eventually, UPDATE_MS } from "../helpers/wait.ts";
import { AGREEMENT_PAGE_CHECKS } from "./agreement-page-checks.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { checkAtEverySize, SIZES, screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("tracking");
const dir = mkdtempSync(join(tmpdir(), "lockstep-tracking-"));
const AGREEMENT = "korea-2018-phased";
let workbench: Workbench;
let page: Page;
const sent: string[] = [];
const keyFile = (who: string) => join(dir, `${who}.key.json`);
const privateParts = () =>
  ["us-gov", "dprk-gov", "rok-gov", "inspector"].map(
    (who) => (JSON.parse(readFileSync(keyFile(who), "utf8")) as { privateKey: { d: string } }).privateKey.d,
  );

/** Checks the page at 1280×800 and on the phone (axe, no sideways scroll, as tall as its content); a picture of a failure. */
const checkSizes = (state: string) =>
  checkAtEverySize(page, state, { screenshots: ARTIFACTS, asTallAsContent: true, ...AGREEMENT_PAGE_CHECKS });

beforeAll(async () => {
  // One key file from the CLI process shows the page reads what `lockstep keys new` writes; the
  // others need no process of their own (each start costs about 0.3 CPU-s).
  const made = await lockstepAsync(["keys", "new", "--out", keyFile("dprk-gov"), "--as", "dprk-gov"]);
  expect(made.status, made.stderr).toBe(0);
  for (const who of ["rok-gov", "inspector"])
    writeFileSync(keyFile(who), keyFileText(await generateKeyPair(), who), { mode: 0o600 });
  workbench = await openWorkbench({ dbPath: join(dir, "agreements.db") });
  page = await workbench.newPage(SIZES[0]);
  page.setDefaultTimeout(UPDATE_MS);
  page.on("pageerror", (error) => {
    throw error;
  });
  // Everything the page sends, to show that no private key leaves the browser.
  page.on("request", (request) => {
    sent.push(
      `${request.method()} ${request.url()}\n${JSON.stringify(request.headers())}\n${request.postData() ?? ""}`,
    );
  });
});
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tracking in the browser", () => {
  it("adopts korea-2018 in the wizard with keys made here and loaded from key files", async () => {
    await page.goto(`${workbench.url}/#/s/korea-2018?tab=export&plan=phased`);
    await page.locator("[data-testid=open-adopt]").click();
    await page.locator("[data-testid=adopt]").waitFor();
    await eventually(() => page.locator("[data-testid=adopt-plan]").inputValue()).toBe("phased");
    await page.locator("[data-testid=adopt-id]").fill(AGREEMENT);
    await page.locator("[data-testid=adopt-phase-days]").fill("30");
    // Seven phases, each with its dates.
    await eventually(() => page.locator("[data-testid=adopt-phases] li").count()).toBe(7);

    const row = (name: string) => page.locator(`[data-participant-row="${name}"]`);
    for (const party of ["us", "dprk", "rok"]) {
      await row(party).locator("[data-testid=participant-id]").fill(`${party}-gov`);
    }
    // The United States' key is made in the page; its key file is what gets downloaded.
    const downloading = page.waitForEvent("download");
    await row("us").locator("[data-testid=make-key]").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("us-gov.key.json");
    await download.saveAs(keyFile("us-gov"));
    await row("us").locator(".key-source").waitFor();
    await row("dprk").locator("[data-testid=load-key]").setInputFiles(keyFile("dprk-gov"));
    await row("dprk").locator(".key-source").waitFor();
    await row("rok").locator("[data-testid=load-key]").setInputFiles(keyFile("rok-gov"));
    await row("rok").locator(".key-source").waitFor();
    await page.locator("[data-testid=add-verifier]").click();
    await row("verifier").locator("[data-testid=load-key]").setInputFiles(keyFile("inspector"));
    await row("verifier").locator(".key-source").waitFor();
    await checkSizes("wizard");

    await page.locator("[data-testid=adopt-submit]").click();
    await page.locator("[data-testid=agreement]").waitFor();
    await eventually(() => page.url()).toContain(`#/a/${AGREEMENT}`);
    await eventually(() => page.locator("[data-testid=agreement-state]").textContent()).toContain("Proposed");
    await checkSizes("agreement-proposed");
  });

  it("signs the charter with every party's key; the agreement becomes active", async () => {
    for (const who of ["us-gov", "dprk-gov", "rok-gov"]) {
      await page.locator(`[data-testid=sign-charter-${who}]`).click();
      await page
        .locator(`[data-participant=${who}] [data-testid=charter-signed]`, { hasText: "signed" })
        .waitFor();
    }
    await page.locator("[data-testid=agreement-state]", { hasText: "Active" }).waitFor();
    // Participants by name, with their roles.
    const participants = await page.locator("[data-testid=participants]").textContent();
    expect(participants).toContain("DPR Korea");
    expect(participants).toContain("Inspector");
    await eventually(() => page.locator("[data-testid=phase-dates] li").count()).toBe(7);
  });

  it("records done and verified from two participants' keys, each with a checkpoint", async () => {
    const form = page.locator("[data-testid=event-form]");
    await form.locator("[data-testid=event-by]").selectOption("dprk-gov");
    await form.locator("[data-testid=event-kind]").selectOption("move.done");
    await form.locator("[data-testid=event-move]").selectOption("test-moratorium");
    await form.locator("[data-testid=event-text]").fill("No tests since November 2017");
    await form.locator("[data-testid=event-submit]").click();
    await page.locator("[data-testid=event-message]", { hasText: "Recorded as event 1" }).waitFor();

    await form.locator("[data-testid=event-by]").selectOption("inspector");
    await form.locator("[data-testid=event-kind]").selectOption("move.verified");
    await form.locator("[data-testid=event-move]").selectOption("test-moratorium");
    await form.locator("[data-testid=event-report]").fill("Seismic stations report no test");
    await form.locator("[data-testid=event-submit]").click();
    await page.locator("[data-testid=event-message]", { hasText: "Recorded as event 2" }).waitFor();

    await page.locator("[data-testid=chain-verified]", { hasText: "2 events" }).waitFor();
    const state = page.locator("tr[data-move=test-moratorium] [data-testid=move-state]");
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent === "verified",
      "tr[data-move=test-moratorium] [data-testid=move-state]",
    );
    await eventually(() => state.textContent()).toBe("verified");
    const reports = await page.locator("[data-testid=verifier-reports]").textContent();
    expect(reports).toContain("Seismic stations report no test");
    expect(reports).toContain("Inspector");
    await eventually(() => page.locator("[data-testid=ledger-events]").textContent()).toContain("DPR Korea");
    await checkSizes("agreement");
  });

  it("exports a ledger that `lockstep ledger verify` accepts, with both checkpoints", async () => {
    // the server's export, as `lockstep ledger export --server` fetches and writes it (that command
    // against a server is test/ledger/cli.test.ts's; one process start fewer here)
    const out = join(dir, "ledger.json");
    const exported = await fetch(`${workbench.url}/api/agreements/${AGREEMENT}/export`);
    expect(exported.status).toBe(200);
    writeFileSync(out, await exported.text());
    const verified = await lockstepAsync(["ledger", "verify", out]);
    expect(verified.stdout).toContain("ok");
    expect(verified.stdout).toContain("charter signed by");
    expect(verified.status, verified.stdout).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8")) as {
      events: { body: { type: string; by: string } }[];
      checkpoints: { body: { by: string; seq: number } }[];
      charterSignatures: { by: string }[];
    };
    expect(doc.events.map((e) => `${e.body.type} ${e.body.by}`)).toEqual([
      "move.done dprk-gov",
      "move.verified inspector",
    ]);
    expect(doc.checkpoints.map((c) => `${c.body.by}@${c.body.seq}`).sort()).toEqual([
      "dprk-gov@1",
      "inspector@2",
    ]);
    expect(doc.charterSignatures.map((s) => s.by).sort()).toEqual(["dprk-gov", "rok-gov", "us-gov"]);
  });

  it("the key made in the browser is a key file the CLI signs with", async () => {
    const printed = await lockstepAsync([
      "event",
      "note",
      "--print",
      "--key",
      keyFile("us-gov"),
      "--agreement",
      AGREEMENT,
      "--text",
      "signed from the CLI",
    ]);
    expect(printed.status, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout).body.by).toBe("us-gov");
  });

  it("the wizard shows the server's refusal, and takes pasted public keys", async () => {
    await page.goto(`${workbench.url}/#/s/korea-2018/adopt?plan=phased`);
    await page.locator("[data-testid=adopt]").waitFor();
    await page.locator("[data-testid=adopt-id]").fill(AGREEMENT);
    const publicX = (who: string) =>
      (JSON.parse(readFileSync(keyFile(who), "utf8")) as { publicKey: { x: string } }).publicKey.x;
    for (const party of ["us", "dprk", "rok"]) {
      const row = page.locator(`[data-participant-row="${party}"]`);
      await row.locator("[data-testid=participant-id]").fill(`${party}-gov`);
      await row.locator("[data-testid=participant-key]").fill(publicX(`${party}-gov`));
    }
    await page.locator("[data-testid=adopt-submit]").click();
    const refusal = page.locator("[data-testid=adopt-error]");
    await refusal.waitFor();
    await eventually(() => refusal.textContent()).toContain(AGREEMENT);
    await eventually(() => page.url()).toContain("/adopt");
    await checkSizes("wizard-refused");
  });

  it("no request carried a private key, and the page stored none", async () => {
    const secrets = privateParts();
    expect(sent.some((r) => r.includes("/signatures"))).toBe(true);
    expect(sent.some((r) => r.includes("/checkpoints"))).toBe(true);
    for (const request of sent) for (const d of secrets) expect(request.includes(d)).toBe(false);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    for (const d of secrets) expect(stored.includes(d)).toBe(false);
  });

  it("the page's chain check names an event edited in the database", async () => {
    const db = new Database(join(dir, "agreements.db"));
    const changed = db
      .prepare(
        "update ledger_events set body = replace(body, 'no test', 'a test') where agreement_id = ? and seq = 2",
      )
      .run(AGREEMENT);
    db.close();
    expect(changed.changes).toBe(1);
    await page.goto(`${workbench.url}/#/a/${AGREEMENT}`);
    const failed = page.locator("[data-testid=chain-failed]");
    await failed.waitFor();
    await eventually(() => failed.textContent()).toContain("event 2");
    await eventually(() => page.locator("[data-testid=chain-verified]").count()).toBe(0);
    await checkSizes("chain-failed");
  });
});
