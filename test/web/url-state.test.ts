/**
 * The Simulate tab's setup (runs, seed, hazard, response, forgiveness, each party's noise) and the
 * planner's "robust" option kept in the page's address, in headless Chromium at 1280×800,
 * 1920×1080 and 390×844: each setting changed shows in the address (defaults left out), and comes
 * back after a reload and after leaving the page and pressing Back; a simulation started after a
 * reload runs with the setup restored. At each size too: the tab and the plan chosen come back
 * after a reload, and an unsaved edit of the scenario warns before it is lost.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Eventually, pollingWith, SOLVE_MS } from "../helpers/wait.ts";
import { openBuiltInWorkbench, type Workbench } from "./browser.ts";
import { SIZES } from "./page-checks.ts";

/**
 * The three pages are tabs of the test process's browser context (test/web/browser.ts): each has
 * its own tab storage, where the app keeps drafts and searches, its own dialogs and address; the
 * app keeps nothing in the context's shared storage.
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
  const page = await workbench.newPage(size);
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

// The three tests run at the same time: each has its own page (so its own storage, dialogs and
// address) and the server only reads, so none sees another's state. Most of a test's time is the
// page waiting on reloads, renders and debounced updates, which overlap well. Each walk loads the
// page twice: once to set everything up, once to see it all come back.
describe.concurrent("the address keeps the simulation setup and the robust option", () => {
  for (const size of SIZES) {
    // at the first size, a simulation runs after the reload (with the setup the reload restored)
    const simulates = size === SIZES[0];
    const title = `at ${size.width}×${size.height}: in the address, after a reload and after Back${simulates ? "; a simulation started after the reload runs with the restored setup" : ""}`;
    it(
      title,
      async ({ expect }) => {
        const eventually = pollingWith(expect);
        const page = await newPage(size);
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

          // After a reload: the tab, the plan, the setup and the robust option.
          await page.reload();
          await expectSetupShown(page, eventually);
          await eventually(() => page.locator("[data-testid=plan-select]").inputValue()).toBe("phased");
          expect(await tab("Simulate").getAttribute("aria-selected")).toBe("true");
          if (simulates) {
            await page.getByRole("button", { name: "Simulate", exact: true }).click();
            const result = page.locator("[data-testid=simulation-result]");
            await result.waitFor({ timeout: SOLVE_MS });
            await eventually(() => result.textContent()).toMatch(/over 300 runs/);
            // Compare records the settings the run used.
            await view("Compare");
            const cell = page.locator(
              "[data-testid=compare-table] tr[data-plan=phased] [data-testid=simulated] span",
            );
            await eventually(() => cell.getAttribute("title"), SOLVE_MS).toBe(
              "300 runs, seed 7, hazard 0.1, generous",
            );
          }
          await view("Find the best plan");
          await eventually(() => robust().isChecked()).toBe(true);
          await view("Simulate");

          // Leave for the library, then Back: the form and the option are as they were left.
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
      simulates ? 2 * SOLVE_MS : undefined,
    );
  }
});
