/**
 * The agreement page's charter versions in Chromium: a pending amendment (proposed and signed by
 * north over HTTP) is shown with who it waits for; south loads its key file and signs it in the
 * page, which verifies the ledger first; the page then shows version 2 in force and the new plan.
 * Then north proposes version 3 in the page by editing the plan (mistakes are reported with their
 * line and column first, and nothing is sent), signed with its browser key; south signs it with
 * `lockstep amend sign`; the page shows version 3 in force, and `lockstep ledger verify` passes on
 * the export. (test/web/replan.test.ts proposes the re-plan's best continuation.) axe-core and the
 * sideways-scroll check run at 1280×800 and on the phone (agreement-page-checks.ts) on the state this file alone reaches: version 2 in
 * force, with the signing form's message (the same FormMessage every agreement form answers with).
 * The pending version 2 and the proposal form with a mistake named are the same page states as
 * layouts.test.ts's "an agreement's charter versions" (same set-up, amendment-setup.ts), which
 * checks them at the three sizes with the layout walk's fuller checks; version 3 proposed and
 * signed by north is that state again (the pending panel and the proposal form, its message now
 * the FormMessage checked here), so here only its text is asserted.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Charter } from "../../src/ledger/index.ts";
import { compileCharter, parseAmendedPlan } from "../../src/ledger/index.ts";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { eventually, SOLVE_MS } from "../helpers/wait.ts";
import { type Cast, lockstepAsync, makeCast } from "../ledger/helpers.ts";
import { AGREEMENT_PAGE_CHECKS } from "./agreement-page-checks.ts";
import { AGREEMENT, AMENDED_PLAN, adoptWithPendingAmendment, writeKeyFile } from "./amendment-setup.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { checkAtEverySize, SIZES, screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("amend");
const dir = mkdtempSync(join(tmpdir(), "lockstep-amend-web-"));
let workbench: Workbench;
let page: Page;
let cast: Cast;
let charterHash = "";
let amendmentHash = "";

const checkSizes = (state: string) =>
  checkAtEverySize(page, state, { screenshots: ARTIFACTS, ...AGREEMENT_PAGE_CHECKS });

beforeAll(async () => {
  workbench = await openWorkbench({ dbPath: join(dir, "agreements.db") });
  cast = await makeCast();
  ({ charterHash, amendmentHash } = await adoptWithPendingAmendment(workbench.url, cast));
  page = await workbench.newPage(SIZES[0]);
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
    await page.goto(`${workbench.url}/#/a/${AGREEMENT}`);
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
  }, 120_000);

  it("lets south sign it with its key file; version 2 then governs", async () => {
    await page
      .locator("[data-testid=agreement-load-key]")
      .setInputFiles(writeKeyFile(dir, cast, "south-gov"));
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
    const exported = await (await fetch(`${workbench.url}/api/agreements/${AGREEMENT}/export`)).json();
    const verified = await verifyLedger(exported);
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.versions.current).toMatchObject({ version: 2, hash: amendmentHash });
  }, 120_000);

  let proposedText = "";
  /** A plan as the form's text, read as the page and the CLI read it. */
  const readPlan = async (text: string) => {
    const doc = (await (await fetch(`${workbench.url}/api/agreements/${AGREEMENT}`)).json()) as {
      charter: Charter;
    };
    const read = parseAmendedPlan(text, compileCharter(doc.charter).scenario, "plan");
    return read.ok ? read.phases : read.message;
  };
  const events = async () =>
    (
      (await (await fetch(`${workbench.url}/api/agreements/${AGREEMENT}/events`)).json()) as {
        events: unknown[];
      }
    ).events.length;

  it(
    "lets north propose version 3 by editing the plan, signed in the page; mistakes are named first",
    async () => {
      await page.getByRole("button", { name: "Forget the keys" }).click();
      await page
        .locator("[data-testid=agreement-load-key]")
        .setInputFiles(writeKeyFile(dir, cast, "north-gov"));
      const form = page.locator("[data-testid=propose-amendment]");
      const plan = form.locator("[data-testid=propose-plan]");
      await plan.waitFor({ state: "visible" });
      await eventually(() => form.locator("h3").textContent()).toBe("Propose a new plan (version 3)");
      // the form starts from the plan in force
      await eventually(async () => readPlan(await plan.inputValue())).toEqual(AMENDED_PLAN.phases);

      // An edited plan with mistakes: each named with its line and column, and nothing is sent.
      const before = await events();
      await plan.fill("freeze: 1\nrelief: 2\nhandover: { 3: 0.6, 4: 0.5 }\nbogus: 2\n");
      await form.locator("[data-testid=propose-submit]").click();
      const problem = form.locator("[data-testid=propose-problem]");
      await eventually(() => problem.textContent()).toMatch(/plan:3:\d+: handover: fractions sum to 1\.1/);
      expect(await problem.textContent()).toMatch(/plan:4:1: bogus: unknown move 'bogus'/);
      expect(await events()).toBe(before);

      // Mended: the plan typed is sent, with its name and why.
      proposedText = "freeze: 1\nrelief: 5\nhandover: { 4: 0.25, 5: 0.75 }";
      await plan.fill(proposedText);
      await form.locator("[data-testid=propose-name]").fill("late-relief");
      await form
        .locator("[data-testid=propose-text]")
        .fill("relief once most of the stockpile is handed over");
      await form.locator("[data-testid=propose-submit]").click();
      const message = form.locator("[data-testid=propose-message]");
      await eventually(() => message.textContent(), 60_000).toMatch(
        /^north-gov proposed version 3 \(plan late-relief\) as event \d+ and signed it as event \d+; version 2 governs/,
      );
      const pending = page.locator("[data-testid=pending-amendment]");
      await eventually(() => pending.textContent(), 60_000).toMatch(
        /Pending: version 3, plan late-relief.*most of the stockpile.*Signed by north-gov; waiting for south-gov\. Version 2 governs/s,
      );
    },
    2 * SOLVE_MS,
  );

  it("south signs it with lockstep amend sign: version 3 governs, and the export verifies", async () => {
    const versions = (await (
      await fetch(`${workbench.url}/api/agreements/${AGREEMENT}/versions`)
    ).json()) as {
      pending: { hash: string; plan: { name: string; phases: unknown } };
    };
    const v3 = versions.pending;
    const southKey = writeKeyFile(dir, cast, "south-gov");
    const on = ["--server", workbench.url, "--agreement", AGREEMENT];
    const signed = await lockstepAsync(["amend", "sign", ...on, "--key", southKey, "--hash", v3.hash]);
    expect(signed.stderr).toBe("");
    expect(signed.stdout).toMatch(/south-gov signed version 3 .* version 3 governs from event \d+ on/);

    const row = page.locator("[data-testid=charter-versions] li[data-version='3']");
    await eventually(() => row.textContent(), 60_000).toMatch(
      new RegExp(`${v3.plan.name}, proposed by north-gov, in force since event \\d+ · in force`),
    );
    await eventually(() => page.locator("main.agreement > p").first().textContent(), 60_000).toMatch(
      new RegExp(`Plan ${v3.plan.name}`),
    );
    await page.locator("[data-testid=pending-amendment]").waitFor({ state: "detached" });
    // the plan in force is the one the form showed
    expect(await readPlan(proposedText)).toEqual(v3.plan.phases);

    // the server's export, as `lockstep ledger export` fetches and writes it (that command, with a
    // participant's key, is test/ledger/amend-cli.test.ts's; one process start fewer here)
    const out = join(dir, "ledger.json");
    const exported = await fetch(`${workbench.url}/api/agreements/${AGREEMENT}/export`);
    expect(exported.status).toBe(200);
    writeFileSync(out, await exported.text());
    const verified = await lockstepAsync([
      "ledger",
      "verify",
      out,
      "--charter",
      charterHash,
      "--charter",
      amendmentHash,
      "--charter",
      v3.hash,
    ]);
    expect(verified.stderr).toBe("");
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(
      new RegExp(`ok — .*charter version 3 in force \\(plan ${v3.plan.name}, since event \\d+\\)`),
    );
  }, 180_000);
});
