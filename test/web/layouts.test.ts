/**
 * The workbench as a new analyst meets it, at 1280×800, 1920×1080 and on a 390×844 phone, in
 * headless Chromium: at every size, on every page state, axe-core finds no serious or critical
 * problem, nothing scrolls sideways, every chart is as wide as its box, no move's name is cut, the
 * address restores the state on reload, and unsaved edits warn before they are lost. Screenshots
 * of every page at each size go to test-artifacts/ (CI keeps them).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.ts";
import { openWorkbench, type Workbench } from "./browser.ts";

const ARTIFACTS = join(ROOT, "test-artifacts", "layouts");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SIZES = [
  { name: "laptop", width: 1280, height: 800 },
  { name: "desktop", width: 1920, height: 1080 },
  { name: "phone", width: 390, height: 844 },
] as const;

let workbench: Workbench;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  workbench = await openWorkbench();
  page = await workbench.browser.newPage({ viewport: SIZES[0] });
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => {
    throw error;
  });
});
afterAll(async () => {
  await workbench?.close();
});

/** Runs axe-core in the page; fails on any serious or critical violation, naming where. */
async function accessible(state: string): Promise<void> {
  await page.evaluate((source) => {
    if (!(window as unknown as { axe?: unknown }).axe) new Function(source)();
  }, AXE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResults> } }).axe;
    type AxeResults = {
      violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
    };
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  expect(found, `axe-core on ${state}`).toEqual([]);
}

/** Nothing on the page is wider than the window. */
async function noSidewaysScroll(state: string): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(scroll, `sideways overflow on ${state}`).toBeLessThanOrEqual(inner);
}

/** Every chart is drawn at the width of its box (within a pixel or two). */
async function chartsFitTheirBoxes(): Promise<number> {
  await page.waitForTimeout(150); // a ResizeObserver callback, then a redraw
  const charts = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".chart-body")].map((body) => ({
      box: body.clientWidth,
      svg: Number(body.querySelector(":scope > svg, :scope > figure > svg")?.getAttribute("width") ?? 0),
    })),
  );
  expect(charts.length).toBeGreaterThan(0);
  for (const c of charts) expect(Math.abs(c.box - c.svg), JSON.stringify(c)).toBeLessThanOrEqual(2);
  return charts[0]?.box ?? 0;
}

/** No chip hides part of a move's name: the title is not cut, and the full text is its label. */
async function chipsShowTheirNames(): Promise<void> {
  const chips = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".chip")].map((chip) => {
      const title = chip.querySelector<HTMLElement>(".chip-title")!;
      return {
        clipped: title.scrollWidth > title.clientWidth + 1 || title.scrollHeight > title.clientHeight + 1,
        name: title.textContent ?? "",
        label: chip.getAttribute("aria-label") ?? "",
        focusable: chip.tabIndex >= 0,
      };
    }),
  );
  expect(chips.length).toBeGreaterThan(0);
  for (const chip of chips) {
    expect(chip.clipped, chip.name).toBe(false);
    expect(chip.label.startsWith(chip.name)).toBe(true);
    expect(chip.focusable).toBe(true);
  }
}

const params = () => new URL(page.url().replace("#/", "")).searchParams;

for (const size of SIZES) {
  const shot = (name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}-${size.width}x${size.height}.png`), fullPage: true });
  const isPhone = size.width < 600;

  describe(`at ${size.width}×${size.height}`, () => {
    it("library", async () => {
      await page.setViewportSize(size);
      await page.goto(`${workbench.url}/#/`);
      await page.locator("[data-scenario=korea-2018]").waitFor();
      expect(await page.title()).toMatch(/Scenarios/);
      await noSidewaysScroll("library");
      await accessible("library");
      await shot("library");
    });

    it("plan view: focus, charts, chips, violations in the lanes' words", async () => {
      await page.locator("[data-scenario=korea-2018] a").click();
      await page.locator("[data-testid=plan-select]").waitFor();
      expect(await page.title()).toMatch(/Korea/);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("scenario-title");
      await page.selectOption("[data-testid=plan-select]", "upfront:dprk");
      await chartsFitTheirBoxes();
      await chipsShowTheirNames();
      // θ* beside the verdict: this plan is not feasible at the stated values, so it has none.
      expect(await page.locator("[data-testid=safety]").first().textContent()).toMatch(/θ\* —/);
      // On a phone the analysis comes first: the verdict and a chart within the first two screens.
      if (isPhone) {
        const verdict = (await page.locator("[data-testid=verdict]").first().boundingBox())!;
        const chart = (await page.locator("[data-testid=exposure-chart]").boundingBox())!;
        expect(verdict.y).toBeLessThan(size.height);
        expect(chart.y).toBeLessThan(2 * size.height);
      }
      // The last violation names a party by name; picking it lights its lane, brought into view.
      const last = page.locator("[data-testid=violations] button").last();
      expect(await last.textContent()).toMatch(/United States/);
      await last.click();
      await page.waitForTimeout(400);
      const lit = page.locator("[data-testid=swimlane] .chip.is-highlighted").first();
      expect(await lit.isVisible()).toBe(true);
      const inView = await lit.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      });
      expect(inView).toBe(true);
      // The glossary is one click from the chart's label.
      await page.locator("[data-testid=exposure-chart] .help-toggle").click();
      expect(await page.locator("[data-testid=exposure-chart] [data-testid=help]").textContent()).toMatch(
        /exposure.*tolerance/s,
      );
      await noSidewaysScroll("plan view");
      await accessible("plan view");
      await shot("plan");
      await page.locator("[data-testid=exposure-chart] .help-toggle").click();
    });

    it("the address keeps the tab and the plan across a reload", async () => {
      await page.getByRole("tab", { name: "Compare" }).click();
      expect(params().get("tab")).toBe("compare");
      expect(params().get("plan")).toBe("upfront:dprk");
      await page.reload();
      await page.locator("[data-testid=compare-table]").waitFor();
      expect(await page.getByRole("tab", { name: "Compare" }).getAttribute("aria-selected")).toBe("true");
      await page.getByRole("tab", { name: "Plan", exact: true }).click();
      expect(await page.locator("[data-testid=plan-select]").inputValue()).toBe("upfront:dprk");
      await page.getByRole("tab", { name: "Compare" }).click();
      await chartsFitTheirBoxes();
      if (isPhone) {
        // One card per plan: every figure of a row fits the window.
        const cell = (await page
          .locator("[data-testid=compare-table] td[data-label]")
          .first()
          .boundingBox())!;
        expect(cell.x + cell.width).toBeLessThanOrEqual(size.width);
      }
      await noSidewaysScroll("compare");
      await accessible("compare");
      await shot("compare");
    });

    it("unsaved edits warn before they are lost", async () => {
      await page.getByRole("tab", { name: "Tables" }).click();
      const cell = page.locator("[data-testid='tolerance-us']");
      await cell.fill("1.5");
      await cell.press("Tab");
      await page.locator("[data-testid=unsaved]").waitFor();
      await noSidewaysScroll("tables");
      await accessible("table editor");
      await shot("tables");
      // Going elsewhere in the app asks first; dismissing stays here.
      const asked = page.waitForEvent("dialog").then(async (dialog) => {
        const text = dialog.message();
        await dialog.dismiss();
        return text;
      });
      await page.locator("a.brand").click();
      expect(await asked).toMatch(/unsaved edits/);
      expect(page.url()).toMatch(/#\/s\/korea-2018/);
      await page.locator("[data-testid=unsaved]").waitFor();
      // Closing or reloading the tab asks too (the browser's own dialog).
      const unload = page.waitForEvent("dialog").then(async (dialog) => {
        const type = dialog.type();
        await dialog.dismiss();
        return type;
      });
      await page.evaluate(() => setTimeout(() => location.reload(), 0));
      expect(await unload).toBe("beforeunload");
      await page.getByRole("button", { name: "Revert" }).click();
      await page.locator("[data-testid=unsaved]").waitFor({ state: "detached" });
      await page.getByRole("tab", { name: "YAML" }).click();
    });

    it("simulation setup, its results in Compare and in the briefing", async () => {
      await page.getByRole("tab", { name: "Simulate" }).click();
      await page.selectOption("[data-testid=plan-select]", "phased");
      await page.getByLabel("runs", { exact: true }).fill("400");
      await page.getByLabel("hazard per phase").fill("0.05");
      await page.getByRole("combobox", { name: "response" }).selectOption("generous");
      await page.getByRole("spinbutton", { name: "forgiveness" }).fill("0.5");
      await page.getByRole("button", { name: "Simulate", exact: true }).click();
      const result = page.locator("[data-testid=simulation-result]");
      await result.waitFor({ timeout: 60_000 });
      expect(await page.locator("[data-testid=causes-explained]").textContent()).toMatch(/outside shock/);
      expect(await page.locator("[data-testid=over-tolerance]").textContent()).toMatch(/midpoint/);
      await chartsFitTheirBoxes();
      await noSidewaysScroll("simulate");
      await accessible("simulate");
      await shot("simulate");
      await page.getByRole("tab", { name: "Compare" }).click();
      expect(
        await page
          .locator("[data-testid=compare-table] tr[data-plan=phased] [data-testid=simulated]")
          .textContent(),
      ).toMatch(/%/);
      await page.getByRole("tab", { name: "Export" }).click();
      await noSidewaysScroll("export");
      await accessible("export");
      await shot("export");
      await page.locator("[data-testid=open-briefing-chosen]").click();
      await page.locator("[data-testid=briefing]").waitFor();
      expect(await page.locator("[data-testid=briefing-plan]").inputValue()).toBe("phased");
      expect(await page.locator("[data-testid=briefing-simulation]").textContent()).toMatch(
        /hazard 0.05, generous/,
      );
      expect(await page.title()).toMatch(/briefing/);
      await page.reload();
      await page.locator("[data-testid=briefing]").waitFor();
      expect(await page.locator("[data-testid=briefing-plan]").inputValue()).toBe("phased");
      await chartsFitTheirBoxes();
      await noSidewaysScroll("briefing");
      await accessible("briefing");
      await shot("briefing");
    });

    it("glossary", async () => {
      await page.locator("a.glossary-link").click();
      await page.locator(".glossary dt").first().waitFor();
      expect(await page.locator(".glossary").textContent()).toMatch(/θ\*.*slack/s);
      expect(await page.title()).toMatch(/Glossary/);
      await noSidewaysScroll("glossary");
      await accessible("glossary");
      await shot("glossary");
    });
  });
}

describe("at 1280×800 (planner)", () => {
  it("a chart follows its box when the window changes", async () => {
    await page.setViewportSize(SIZES[0]);
    await page.goto(`${workbench.url}/#/s/korea-2018`);
    await page.reload();
    await page.locator("[data-testid=exposure-chart] .chart-body svg").waitFor();
    const wide = await chartsFitTheirBoxes();
    await page.setViewportSize({ width: 1000, height: 800 });
    const narrow = await chartsFitTheirBoxes();
    expect(narrow).toBeLessThan(wide);
    await page.setViewportSize(SIZES[0]);
  });

  it("finds the best plan, focuses it, keeps it in the address and saves it into the scenario", async () => {
    await page.getByRole("tab", { name: "Find the best plan" }).click();
    await page.locator("[data-testid=find-best-plan]").click();
    const result = page.locator("[data-testid=best-plan-result]");
    await result.waitFor({ timeout: 90_000 });
    await page.waitForFunction(() => document.activeElement?.closest("[data-testid=best-plan-result]"));
    expect(params().get("optimum")).toBeTruthy();
    await accessible("best plan");
    await page.reload();
    await page.locator("[data-testid=best-plan-result]").waitFor();
    expect(
      await page.locator("[data-testid=best-plan-result] [data-testid=verdict]").first().textContent(),
    ).toMatch(/^Feasible/);
    // The optimum shows its safety factor and what breaks first, and the tornado of its breaking points.
    expect(
      await page.locator("[data-testid=best-plan-result] [data-testid=safety]").first().textContent(),
    ).toMatch(/θ\* (≥ )?\d|unbounded/);
    const tornado = page.locator("[data-testid=best-plan-result] [data-testid=tornado-chart]");
    if ((await tornado.count()) > 0) {
      expect(await tornado.locator(".chart-body").getAttribute("aria-label")).toMatch(/half-range/);
    }
    await page.locator("[data-testid=save-optimum]").click();
    await page.locator("[data-testid=unsaved]").waitFor();
    const draft = await page.evaluate(() => sessionStorage.getItem("lockstep:draft:korea-2018") ?? "");
    expect(draft).toMatch(/^ {2}optimised:/m);
    await page.getByRole("button", { name: "Revert" }).click();
    await page.locator("[data-testid=unsaved]").waitFor({ state: "detached" });
  });

  it("says what it would take, coherently, when no plan works", async () => {
    await page.goto(`${workbench.url}/#/s/hanoi-2019?tab=best`);
    await page.reload();
    await page.locator("[data-testid=find-best-plan]").click();
    await page.locator("[data-testid=what-it-would-take]").waitFor({ timeout: 90_000 });
    // The relaxed plan is shown feasible (under the relaxation); what fails without it is apart, as a list.
    expect(await page.locator("[data-testid=relaxed-plan] [data-testid=verdict]").textContent()).toMatch(
      /^Feasible/,
    );
    expect(await page.locator("[data-testid=fails-without] li").count()).toBeGreaterThan(0);
    expect(await page.locator("[data-testid=what-it-would-take] p.error").count()).toBe(0);
    await accessible("what it would take");
    await shot("what-it-would-take");
  });
});

describe("at 1280×800 (perspectives)", () => {
  it("redraws the charts as each side sees the plan, with its surprises and fears", async () => {
    // korea-2018's views: Washington doubts Pyongyang's patience.
    await page.goto(`${workbench.url}/#/s/korea-2018?plan=upfront:dprk`);
    await page.reload();
    const switcher = page.locator("[data-testid=perspective-switcher]");
    await switcher.waitFor();
    const title = page.locator("[data-testid=exposure-chart] .chart-title");
    // Washington's view changes DPRK's patience, so the margins are redrawn.
    const before = await page.locator("[data-testid=margin-chart] .chart-body svg").innerHTML();
    await switcher.getByLabel("United States").check();
    expect(await title.textContent()).toMatch(/as United States sees it/);
    await page.waitForFunction(
      (svg) => document.querySelector("[data-testid=margin-chart] .chart-body svg")?.innerHTML !== svg,
      before,
    );
    expect(await page.locator("[data-testid=credible]").textContent()).toMatch(/to United States/);
    // Washington fears DPRK would walk away, which in truth it would not: a fear, in words.
    const fear = page.locator("[data-testid=surprises-fears] tr[data-finding=fear]").first();
    expect(await fear.textContent()).toMatch(/United States.*DPR Korea/s);
    const described = await page
      .locator("[data-testid=perspectives-chart] .chart-body")
      .getAttribute("aria-label");
    expect(described).toMatch(/1 fear/);
    await chartsFitTheirBoxes();
    await accessible("perspectives");
    await shot("perspectives");
  });
});

async function shot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}-1280x800.png`), fullPage: true });
}
