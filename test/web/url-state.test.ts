/**
 * The Simulate tab's setup (runs, seed, hazard, response, forgiveness, each party's noise) and the
 * planner's "robust" option kept in the page's address, in headless Chromium, along one walk that
 * visits 1280×800, 390×844 and 1920×1080: each setting changed shows in the address (defaults left
 * out), and comes back after a reload and after leaving the page and pressing Back; a simulation
 * started after a reload runs with the setup restored; the tab and the plan chosen come back after
 * a reload, and an unsaved edit of the scenario warns before it is lost.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Eventually, pollingWith, SOLVE_MS } from "../helpers/wait.ts";
import { openBuiltInWorkbench, type Workbench } from "./browser.ts";
import { SIZES } from "./page-checks.ts";

/**
 * The walk's page is a tab of the test process's browser context (test/web/browser.ts), with its
 * own tab storage, where the app keeps drafts and searches, its own dialogs and address.
 */
let workbench: Workbench;

beforeAll(async () => {
  workbench = await openBuiltInWorkbench();
});
afterAll(async () => {
  await workbench?.close();
});

/** The page's address parameters (after the `#/path?`). */
const paramsOf = (page: Page) => new URL(page.url().replace("#/", "")).searchParams;

async function newPage(size: (typeof SIZES)[number]): Promise<Page> {
  const page = await workbench.newPage({ width: size.width, height: size.height });
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => {
    throw error;
  });
  return page;
}

/** The view tabs the walks switch between, and each one's `tab` in the address. */
const VIEWS = { "Find the best plan": "best", Simulate: "simulate", Compare: "compare" } as const;

/** korea-2018's own risk settings: hazard 0.05, grim, noise us 0.5, dprk 0.5, rok 0.2. */
const SETUP = {
  runs: "300",
  seed: "7",
  hazard: "0.1",
  response: "generous",
  forgive: "0.3",
  "noise.dprk": "0.8",
};

const form = (page: Page) => ({
  runs: page.getByLabel("runs", { exact: true }),
  seed: page.getByLabel("seed", { exact: true }),
  hazard: page.getByLabel("hazard per phase"),
  response: page.getByRole("combobox", { name: "response" }),
  forgive: page.getByRole("spinbutton", { name: "forgiveness" }),
  dprkNoise: page.getByLabel("noise σ DPR Korea"),
  usNoise: page.getByLabel("noise σ United States"),
});

/** The form shows SETUP (and the defaults it does not change). */
async function expectSetupShown(page: Page, eventually: Eventually): Promise<void> {
  const f = form(page);
  await f.runs.waitFor();
  await eventually(() => f.runs.inputValue()).toBe(SETUP.runs);
  await eventually(() => f.seed.inputValue()).toBe(SETUP.seed);
  await eventually(() => f.hazard.inputValue()).toBe(SETUP.hazard);
  await eventually(() => f.response.inputValue()).toBe(SETUP.response);
  await eventually(() => f.forgive.inputValue()).toBe(SETUP.forgive);
  await eventually(() => f.dprkNoise.inputValue()).toBe(SETUP["noise.dprk"]);
  await eventually(() => f.usNoise.inputValue()).toBe("0.5");
}

// One walk across the three sizes: the address and the app's restoring of it are the same code at
// every size (nothing in the app's scripts reads the window's size but the charts' widths), and
// layouts.test.ts checks each of these views at each size. So the setup is made at 1280×800, the
// reload that must bring it back happens at 390×844 (the phone's one-column layout) and Back at
// 1920×1080: each size opens the page from the address once. Three walks did all of it at each
// size before, each with two page loads (thirteenth session; docs/testing.md).
describe("the address keeps the simulation setup and the robust option", () => {
  const [laptop, desktop, phone] = SIZES;
  it(
    `in the address at ${laptop.width}×${laptop.height}, after a reload at ${phone.width}×${phone.height} and after Back at ${desktop.width}×${desktop.height}; a simulation started after the reload runs with the restored setup`,
    async ({ expect }) => {
      const eventually = pollingWith(expect);
      const page = await newPage(laptop);
      const robust = () => page.getByLabel("robust (worst case of ranges)");
      const tab = (name: string) => page.getByRole("tab", { name, exact: true });
      /**
       * Switches the view and waits for the address to say so: the app writes it after the click,
       * and a reload or Back right after would otherwise restore the view before.
       */
      const view = async (name: keyof typeof VIEWS) => {
        await tab(name).click();
        await eventually(() => paramsOf(page).get("tab")).toBe(VIEWS[name]);
      };
      const resize = (size: (typeof SIZES)[number]) =>
        page.setViewportSize({ width: size.width, height: size.height });
      try {
        await page.goto(`${workbench.url}/#/s/korea-2018?tab=simulate`);
        const f = form(page);
        await f.runs.waitFor();
        // the scenario's own settings and the defaults are not written into the address
        for (const key of [...Object.keys(SETUP), "noise.us", "noise.rok"])
          expect(paramsOf(page).get(key), key).toBeNull();
        // the plan simulated is kept too (with the tab)
        await page.selectOption("[data-testid=plan-select]", "phased");
        await f.runs.fill(SETUP.runs);
        await f.seed.fill(SETUP.seed);
        await f.hazard.fill(SETUP.hazard);
        await f.response.selectOption(SETUP.response);
        await f.forgive.fill(SETUP.forgive);
        await f.dprkNoise.fill(SETUP["noise.dprk"]);
        for (const [key, value] of Object.entries(SETUP))
          await eventually(() => paramsOf(page).get(key), undefined, key).toBe(value);
        expect(paramsOf(page).get("noise.us")).toBeNull();
        await eventually(() => paramsOf(page).get("plan")).toBe("phased");
        expect(paramsOf(page).get("tab")).toBe("simulate");

        // The planner's robust option, on its own tab.
        await view("Find the best plan");
        expect(await robust().isChecked()).toBe(false);
        expect(paramsOf(page).get("robust")).toBeNull();
        await robust().check();
        await eventually(() => paramsOf(page).get("robust")).toBe("yes");
        // Back to the Simulate tab: the setup is still there (the tab's form is rebuilt from the address).
        await view("Simulate");
        await expectSetupShown(page, eventually);

        // After a reload, at the phone's size: the tab, the plan, the setup and the robust option.
        await resize(phone);
        await page.reload();
        await expectSetupShown(page, eventually);
        await eventually(() => page.locator("[data-testid=plan-select]").inputValue()).toBe("phased");
        expect(await tab("Simulate").getAttribute("aria-selected")).toBe("true");
        await page.getByRole("button", { name: "Simulate", exact: true }).click();
        const result = page.locator("[data-testid=simulation-result]");
        await result.waitFor({ timeout: SOLVE_MS });
        await eventually(() => result.textContent()).toMatch(/over 300 runs/);
        // Compare records the settings the run used.
        await view("Compare");
        const simulated = page.locator(
          "[data-testid=compare-table] tr[data-plan=phased] [data-testid=simulated] span",
        );
        await eventually(() => simulated.getAttribute("title"), SOLVE_MS).toBe(
          "300 runs, seed 7, hazard 0.1, generous",
        );
        await view("Find the best plan");
        await eventually(() => robust().isChecked()).toBe(true);
        await view("Simulate");

        // Leave for the library, then Back, at the desktop's size: the form and the option are as
        // they were left.
        await resize(desktop);
        await page.locator("a.brand").click();
        await page.locator("[data-scenario=korea-2018]").waitFor();
        await page.goBack();
        await expectSetupShown(page, eventually);
        await view("Find the best plan");
        await eventually(() => robust().isChecked()).toBe(true);
        await robust().uncheck();
        await eventually(() => paramsOf(page).get("robust")).toBeNull();
        await view("Simulate");

        // Back to a default: that setting leaves the address.
        await f.hazard.fill("0.05");
        await eventually(() => paramsOf(page).get("hazard")).toBeNull();
        await eventually(() => paramsOf(page).get("runs")).toBe(SETUP.runs);

        // An unsaved edit of the scenario: leaving asks first, and declining keeps the page as it was.
        await tab("Tables").click();
        const cell = page.locator("[data-testid='tolerance-us']");
        await cell.fill("1.5");
        await cell.press("Tab");
        await page.locator("[data-testid=unsaved]").waitFor();
        const asked = page.waitForEvent("dialog").then(async (dialog) => {
          const text = dialog.message();
          await dialog.dismiss();
          return text;
        });
        await page.locator("a.brand").click();
        expect(await asked).toMatch(/unsaved edits/);
        await eventually(() => paramsOf(page).get("runs")).toBe(SETUP.runs);
        await eventually(() => page.url()).toMatch(/#\/s\/korea-2018\?/);
        await page.getByRole("button", { name: "Revert" }).click();
        await page.locator("[data-testid=unsaved]").waitFor({ state: "detached" });
      } finally {
        await page.close();
      }
    },
    2 * SOLVE_MS,
  );
});
