/**
 * The YAML editor is debounced (issue 14): a burst of keystrokes is analysed once typing pauses,
 * not once per key, and the analysis that follows is of the whole typed text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWorkbench, type Workbench } from "./browser.ts";

let workbench: Workbench;
beforeAll(async () => {
  workbench = await openWorkbench();
});
afterAll(async () => {
  await workbench?.close();
});

const analyses = () => (window as unknown as { __lockstepAnalyses?: number }).__lockstepAnalyses ?? 0;

describe("debounced editor", () => {
  it("analyses a burst of typing once it pauses, with the whole text", async () => {
    const page = await workbench.browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(60_000);
    await page.goto(`${workbench.url}/#/s/korea-2018`);
    await page.locator("[data-testid=exposure-chart] svg").waitFor();
    await page.getByRole("tab", { name: "YAML" }).click();
    await page.locator(".cm-line", { hasText: /^id: korea-2018$/ }).click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    const before = await page.evaluate(analyses);
    const typed = "colour: red";
    await page.keyboard.type(typed); // one key after another, as fast as the page takes them
    // the burst is analysed, and the analysis is of the whole text: the unknown field is reported
    await page.locator("[data-testid=issues]", { hasText: "unknown field 'colour'" }).waitFor();
    await page.waitForTimeout(1000); // nothing more is pending
    const runs = (await page.evaluate(analyses)) - before;
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThan(typed.length + 1); // not one analysis per key (Enter included)
    await page.close();
  }, 120_000);
});
