/**
 * The workbench end to end in headless Chromium, as an analyst would use it on korea-2018.
 * Screenshots of each page go to test-artifacts/ (gitignored).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.ts";
import { openWorkbench, type Workbench } from "./browser.ts";

const ARTIFACTS = join(ROOT, "test-artifacts");
let workbench: Workbench;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  workbench = await openWorkbench();
  page = await workbench.browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => {
    throw error;
  });
});
afterAll(async () => {
  await workbench?.close();
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const exposureSvg = () => page.locator("[data-testid=exposure-chart] svg").first().innerHTML();

describe("workbench", () => {
  it("lists the scenarios with a description", async () => {
    await page.goto(`${workbench.url}/`);
    const card = page.locator("[data-scenario=korea-2018]");
    await card.waitFor();
    expect(await card.textContent()).toMatch(/built-in/);
    expect(await card.textContent()).toMatch(/denuclearisation/);
    await shot("library");
  });

  it("shows 'disarm first' infeasible with DPRK's exposure highlighted", async () => {
    await page.locator("[data-scenario=korea-2018] a").click();
    await page.locator("[data-testid=plan-select]").waitFor();
    await page.selectOption("[data-testid=plan-select]", "upfront:dprk");
    expect(await page.locator("[data-testid=plan-select] option:checked").textContent()).toMatch(
      /disarm first/,
    );
    expect(await page.locator("[data-testid=verdict]").textContent()).toBe("Not feasible");
    expect(
      await page.locator("[data-testid=exposure-legend] li[data-party=dprk]").getAttribute("class"),
    ).toContain("over");
    expect(await page.locator("[data-testid=swimlane] tr[data-party=dprk]").getAttribute("class")).toContain(
      "is-exposed",
    );
    expect(
      await page.locator("[data-testid=swimlane] tr[data-party=us]").getAttribute("class"),
    ).not.toContain("is-exposed");
    // A violation, when chosen, lights up the phase and the moves it names.
    const first = page.locator("[data-testid=violations] button").first();
    expect(await first.textContent()).toMatch(/exposure · dprk · phase 1/);
    await first.click();
    expect(await page.locator(".chip.is-highlighted").count()).toBeGreaterThan(0);
    expect(await page.locator("th.lane-phase.is-highlighted").textContent()).toBe("phase 1");
    // No layout break at 1280×800: nothing sticks out sideways, and both panes fit the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    for (const pane of await page.locator(".pane").all()) {
      const box = (await pane.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1280);
      expect(box.y + box.height).toBeLessThanOrEqual(800);
    }
    await shot("plan-view");
  });

  it("compares the plans side by side", async () => {
    await page.getByRole("tab", { name: "Compare" }).click();
    const row = page.locator("[data-testid=compare-table] tr[data-plan='upfront:dprk']");
    expect(await row.locator("[data-testid=verdict]").textContent()).toBe("Not feasible");
    expect(await page.locator("[data-testid=compare-chart] svg").count()).toBeGreaterThan(0);
    await shot("compare");
  });

  it("finds the best plan and shows a feasible timeline", async () => {
    await page.getByRole("tab", { name: "Find the best plan" }).click();
    await page.locator("[data-testid=find-best-plan]").click();
    const result = page.locator("[data-testid=best-plan-result]");
    await result.waitFor({ timeout: 90_000 });
    expect(await result.locator("[data-testid=verdict]").textContent()).toMatch(/^Feasible/);
    expect(await result.locator("[data-testid=swimlane] .chip").count()).toBeGreaterThan(0);
    await shot("best-plan");
  });

  it("re-analyses an edit in the table view and redraws the exposure chart", async () => {
    await page.getByRole("tab", { name: "Plan", exact: true }).click();
    await page.selectOption("[data-testid=plan-select]", "upfront:dprk");
    const before = await exposureSvg();
    const legendBefore = await page
      .locator("[data-testid=exposure-legend] li[data-party=dprk]")
      .textContent();
    await page.getByRole("button", { name: "Tables" }).click();
    const cell = page.locator("[data-testid='value-arsenal-dismantle-dprk']");
    // Double the DPRK's cost of dismantling its arsenal (the cell may hold a number or a range).
    const old = (await cell.inputValue()).match(/-?[\d.]+/g)!.map(Number);
    await cell.fill(String((2 * old.reduce((a, b) => a + b, 0)) / old.length));
    await cell.press("Tab");
    await page.waitForFunction(
      (svg) => document.querySelector("[data-testid=exposure-chart] svg")?.innerHTML !== svg,
      before,
    );
    expect(await page.locator("[data-testid=exposure-legend] li[data-party=dprk]").textContent()).not.toBe(
      legendBefore,
    );
    await shot("editor-tables");
  });

  it("shows a broken field as an error at its line", async () => {
    await page.getByRole("button", { name: "YAML" }).click();
    const idLine = page.locator(".cm-line", { hasText: /^id: korea-2018$/ });
    await idLine.click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("colour: red");
    const source = await page.evaluate(() => sessionStorage.getItem("lockstep:draft:korea-2018") ?? "");
    const line = source.split("\n").indexOf("colour: red") + 1;
    expect(line).toBeGreaterThan(1);
    const issues = page.locator("[data-testid=issues]");
    await issues.waitFor();
    expect(await issues.textContent()).toContain(`line ${line}:1`);
    expect(await issues.textContent()).toContain("unknown field 'colour'");
    expect(await page.locator(".cm-lintRange-error").count()).toBeGreaterThan(0);
    expect(await page.locator(".cm-gutter-lint .cm-lint-marker-error").count()).toBe(1);
    await shot("editor-error");
    await page.getByRole("button", { name: "Revert" }).click();
    await page.locator("[data-testid=issues]").waitFor({ state: "detached" });
  });

  it("runs a simulation with progress and shows its charts", async () => {
    await page.getByRole("tab", { name: "Simulate" }).click();
    await page.selectOption("[data-testid=plan-select]", "phased");
    await page.getByRole("button", { name: "Simulate", exact: true }).click();
    const result = page.locator("[data-testid=simulation-result]");
    await result.waitFor({ timeout: 90_000 });
    expect(await result.textContent()).toMatch(/P\(complete\) = \d/);
    expect(await result.locator("svg").count()).toBeGreaterThanOrEqual(2);
    await shot("simulate");
  });

  it("can be driven from the keyboard", async () => {
    await page.getByRole("tab", { name: "Plan", exact: true }).focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    expect(await page.getByRole("tab", { name: "Export" }).getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Space");
    expect(await page.getByRole("tab", { name: "Plan", exact: true }).getAttribute("aria-selected")).toBe(
      "true",
    );
  });

  it("exports the plan and a printable briefing", async () => {
    await page.getByRole("tab", { name: "Export" }).click();
    const [markdown] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Markdown" }).click(),
    ]);
    const mdPath = join(ARTIFACTS, markdown.suggestedFilename());
    await markdown.saveAs(mdPath);
    expect(readFileSync(mdPath, "utf8")).toMatch(/## Phase 1/);
    await shot("export");

    await page.locator("[data-testid=open-briefing]").click();
    const briefing = page.locator("[data-testid=briefing]");
    await briefing.waitFor();
    await page.locator("[data-testid=recommendation]").waitFor();
    await page.waitForFunction(
      () => document.querySelector("[data-testid=recommendation]")?.textContent?.includes("optimal"),
      null,
      {
        timeout: 90_000,
      },
    );
    expect(await page.locator("[data-testid=recommendation]").textContent()).toMatch(/feasible/);
    expect(await page.locator("[data-testid=alternatives] li").count()).toBeGreaterThan(1);
    expect(await page.locator("[data-testid=alternatives]").textContent()).toMatch(/upfront:dprk/);
    await shot("briefing");
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: join(ARTIFACTS, "briefing.pdf"), format: "A4" });
    await page.emulateMedia({ media: "screen" });
    const [html] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("[data-testid=download-briefing]").click(),
    ]);
    const htmlPath = join(ARTIFACTS, html.suggestedFilename());
    await html.saveAs(htmlPath);
    expect(readFileSync(htmlPath, "utf8")).toMatch(/Why the alternatives fail/);
  });

  it("offers every chart as SVG and PNG", async () => {
    await page.goBack();
    await page.getByRole("tab", { name: "Plan", exact: true }).click();
    const chart = page.locator("[data-testid=exposure-chart]");
    const [svg] = await Promise.all([
      page.waitForEvent("download"),
      chart.getByRole("button", { name: "SVG" }).click(),
    ]);
    const svgPath = join(ARTIFACTS, svg.suggestedFilename());
    await svg.saveAs(svgPath);
    expect(readFileSync(svgPath, "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const [png] = await Promise.all([
      page.waitForEvent("download"),
      chart.getByRole("button", { name: "PNG" }).click(),
    ]);
    const pngPath = join(ARTIFACTS, png.suggestedFilename());
    await png.saveAs(pngPath);
    expect(readFileSync(pngPath).subarray(1, 4).toString()).toBe("PNG");
  });
});
