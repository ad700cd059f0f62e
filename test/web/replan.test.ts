/**
 * The agreement page's "does the rest of the plan still hold" panel (MODEL.md §10), in Chromium:
 * docs/model.md §10's late first move, then the panel updating when the ledger grows. Then, on a
 * second such agreement, the best continuation proposed as an amendment from the page: party a's
 * browser key proposes it, party b's signs it, and the continuation governs (the rest then holds).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventBody } from "../../src/ledger/index.ts";
import { signEvent } from "../../src/ledger/index.ts";
import { verifyLedger } from "../../src/ledger/verify.ts";
import { eventually, SOLVE_MS } from "../helpers/wait.ts";
import { http } from "../ledger/helpers.ts";
import { adoptLate, type LateAgreement } from "../replan/setup.ts";
import { AGREEMENT_PAGE_CHECKS } from "./agreement-page-checks.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { checkAtEverySize, screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("agreement");

let workbench: Workbench;
let page: Page;
let deal: LateAgreement;

beforeAll(async () => {
  workbench = await openWorkbench();
  deal = await adoptLate(workbench.url);
  page = await workbench.newPage({ width: 1280, height: 800 });
  page.setDefaultTimeout(30_000);
});
const dir = mkdtempSync(join(tmpdir(), "lockstep-replan-web-"));
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("agreement page: does the rest of the plan still hold", () => {
  it("says what broke and shows the best continuation", async () => {
    await page.goto(`${workbench.url}/#/a/${deal.id}`);
    const verdict = page.locator("[data-testid=replan-verdict]");
    // the verdict comes from the server's re-plan, a solve: a solve's limit, not an update's
    await verdict.waitFor({ timeout: SOLVE_MS });
    await eventually(() => verdict.textContent(), SOLVE_MS).toMatch(
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
    await checkAtEverySize(page, "replan", { screenshots: ARTIFACTS, ...AGREEMENT_PAGE_CHECKS });
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
    await page.waitForFunction(
      () => document.querySelector("[data-testid=replan-verdict]")?.textContent?.startsWith("Yes"),
      undefined,
      { timeout: SOLVE_MS },
    );
    await eventually(() => page.locator("[data-testid=replan-breaks]").count()).toBe(0);
    await eventually(() => page.locator("[data-testid=replan]").textContent()).toMatch(/Nothing left to do/);
  });
});

describe("agreement page: the best continuation proposed as an amendment", () => {
  it(
    "a's key proposes it from the re-plan panel, b's key signs it; it governs, and the rest holds",
    async () => {
      const other = await adoptLate(workbench.url, "late-amend");
      const keyFile = (who: "a-gov" | "b-gov") => {
        const path = join(dir, `${who}.key.json`);
        writeFileSync(path, JSON.stringify({ participant: who, ...other.keys[who] }));
        return path;
      };
      await page.goto(`${workbench.url}/#/a/${other.id}`);
      await eventually(() => page.locator("[data-testid=replan-verdict]").textContent(), SOLVE_MS).toMatch(
        /^No:/,
      );
      await page.locator("[data-testid=agreement-load-key]").setInputFiles(keyFile("a-gov"));
      const propose = page.locator("[data-testid=propose-continuation]");
      await propose.waitFor({ timeout: SOLVE_MS });
      await propose.click();
      const form = page.locator("[data-testid=propose-amendment]");
      await eventually(() => form.locator("[data-testid=propose-name]").inputValue()).toBe(
        "continuation-from-2",
      );
      // the whole plan: a1 where the ledger has it (phase 2), then the continuation's b1 in phase 4
      await eventually(() => form.locator("[data-testid=propose-plan]").inputValue()).toBe("a1: 2\nb1: 4");
      await eventually(() => form.locator("[data-testid=propose-text]").inputValue()).toMatch(
        /best continuation from the actual state after phase 2/,
      );
      await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe("propose-heading");
      await checkAtEverySize(page, "propose-continuation", {
        screenshots: ARTIFACTS,
        ...AGREEMENT_PAGE_CHECKS,
      });

      await form.locator("[data-testid=propose-submit]").click();
      await eventually(() => form.locator("[data-testid=propose-message]").textContent(), SOLVE_MS).toMatch(
        /^a-gov proposed version 2 \(plan continuation-from-2\) as event \d+ and signed it/,
      );
      await eventually(() => page.locator("[data-testid=pending-amendment]").textContent()).toMatch(
        /Pending: version 2, plan continuation-from-2.*New plan: a1 in phase 2; b1 in phase 4.*waiting for b-gov/s,
      );

      // b signs it in the same page with its own key
      await page.locator("[data-testid=agreement-load-key]").setInputFiles(keyFile("b-gov"));
      const sign = page.locator("[data-testid=sign-amendment]");
      await eventually(() => sign.textContent()).toBe("Sign version 2 as b-gov");
      await sign.click();
      await eventually(() =>
        page.locator("[data-testid=charter-versions] li[data-version='2']").textContent(),
      ).toMatch(/continuation-from-2, proposed by a-gov, in force since event \d+ · in force/);
      await eventually(() => page.locator("main.agreement > p").first().textContent()).toMatch(
        /Plan continuation-from-2/,
      );
      // judged against the plan now in force, the rest holds
      await eventually(() => page.locator("[data-testid=replan-verdict]").textContent(), SOLVE_MS).toMatch(
        /^Yes: from the actual state after phase 2, the rest of plan 'continuation-from-2' still holds/,
      );
      const exported = await (await fetch(`${workbench.url}/api/agreements/${other.id}/export`)).json();
      const verified = await verifyLedger(exported);
      expect(verified.ok).toBe(true);
      if (verified.ok) {
        expect(verified.versions.current.version).toBe(2);
        expect(verified.versions.current.plan).toEqual({
          name: "continuation-from-2",
          phases: { a1: 2, b1: 4 },
        });
      }
    },
    4 * SOLVE_MS,
  );
});
