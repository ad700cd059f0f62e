/**
 * The workbench driven with the keyboard only, in headless Chromium at 1280×800: Tab to the library
 * card, arrow keys across the view tabs, Enter to run the planner and to pick a violation, and the
 * save-copy form. Along the way every control must have an accessible name, every tab stop a
 * visible focus ring, and no view may stick out sideways. Two screenshots go to test-artifacts/,
 * of the focus on a chosen violation and on the save-copy form's announced error (they assert
 * nothing; the other six views it pictured before, layouts.test.ts pictures at the phone's size).
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, SOLVE_MS, UPDATE_MS } from "../helpers/wait.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("keyboard");
const VIEWPORT = { width: 1280, height: 800 };
let workbench: Workbench;
let page: Page;

beforeAll(async () => {
  workbench = await openWorkbench();
  page = await workbench.newPage(VIEWPORT);
  page.setDefaultTimeout(UPDATE_MS);
  page.on("pageerror", (error) => {
    throw error;
  });
});
afterAll(async () => {
  await workbench?.close();
});

/** A picture for whoever reads the run (CI keeps test-artifacts/); nothing compares it. */
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `keyboard-${name}.png`) });

/** Whether the focused element matches the selector. */
const focusedMatches = (selector: string) =>
  page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);

/** What the focused element is, for failure messages. */
const describeFocus = () =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el
      ? `${el.tagName.toLowerCase()} ${el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40)}`
      : "none";
  });

/**
 * Where the focus is, in one call: whether the focused element shows a focus indicator (its own
 * outline, or for CodeMirror's content the outline of the editor around it), whether it matches
 * `selector`, and what it is, for failure messages.
 */
const focusStop = (selector: string) =>
  page.evaluate(async (s) => {
    const ringed = (node: Element) => {
      const style = getComputedStyle(node);
      return style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) >= 2;
    };
    const what = (el: Element | null) =>
      el
        ? `${el.tagName.toLowerCase()} ${el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40)}`
        : "none";
    // CodeMirror marks itself focused on a later update, not in the focus event, so give the
    // ring up to half a second to appear.
    for (let waited = 0; ; waited += 20) {
      const el = document.activeElement;
      const editor = el?.closest(".cm-editor") ?? null;
      const visible =
        el !== null && el !== document.body && (ringed(el) || (editor !== null && ringed(editor)));
      if (visible || waited >= 500) return { visible, matches: el?.matches(s) ?? false, what: what(el) };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, selector);

/**
 * Presses `key` until the focused element matches the selector, checking at every stop that the
 * focus is visible. Fails after `limit` presses. One page call a stop (where, ringed, which):
 * the walks press a key a few hundred times.
 */
async function pressUntil(key: string, selector: string, limit = 60): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press(key);
    let stop = await focusStop(selector);
    if (!stop.visible) {
      const message = `focus ring on ${stop.what}`;
      const again = async () => {
        stop = await focusStop(selector);
        return stop.visible;
      };
      await eventually(again, UPDATE_MS, message).toBe(true);
    }
    if (stop.matches) return presses;
  }
  throw new Error(`${key} ${limit} times never reached ${selector}; focus is on ${await describeFocus()}`);
}

/** Visible controls that have no accessible name (label, aria-label(ledby), text or title). */
const unnamedControls = () =>
  page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      "button, a[href], input, select, textarea, [role=tab], [tabindex]:not([tabindex='-1'])",
    );
    const named = (el: HTMLElement) => {
      if (el.getAttribute("aria-label")?.trim()) return true;
      const labelledBy = el.getAttribute("aria-labelledby");
      if (labelledBy?.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim()))
        return true;
      if ((el as HTMLInputElement).labels?.length) return true;
      if (el.title.trim()) return true;
      const isField = el instanceof HTMLInputElement || el instanceof HTMLSelectElement;
      return !isField && Boolean(el.textContent?.trim());
    };
    return [...controls]
      .filter((el) => el.getClientRects().length > 0 && !(el as HTMLInputElement).type?.includes("hidden"))
      .filter((el) => !named(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });

/**
 * Elements whose right edge passes the viewport, unless an ancestor that scrolls or clips them
 * (a wide table in its own scroll box) keeps them inside the window.
 */
const overflowing = () =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clippedByAncestor = (el: Element) => {
      for (let node = el.parentElement; node; node = node.parentElement) {
        const overflowX = getComputedStyle(node).overflowX;
        if (overflowX !== "visible" && node.getBoundingClientRect().right <= width + 1) return true;
      }
      return false;
    };
    return [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !clippedByAncestor(el))
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${el.getAttribute("class") ?? ""} → ${el.getBoundingClientRect().right}`,
      )
      .concat(
        document.documentElement.scrollWidth > width
          ? [`page scrollWidth ${document.documentElement.scrollWidth}`]
          : [],
      );
  });

const selectedView = () =>
  page.locator("[role=tablist][aria-label=Views] [role=tab][aria-selected=true]").textContent();

/** The view tabs must keep exactly one tab stop, on the selected tab, tied to the panel. */
async function expectRovingTabs(): Promise<void> {
  const stops = await page
    .locator("[role=tablist][aria-label=Views] [role=tab]")
    .evaluateAll((tabs) =>
      tabs.filter((t) => t.getAttribute("tabindex") === "0").map((t) => t.getAttribute("aria-selected")),
    );
  expect(stops).toEqual(["true"]);
  const selectedId = await page
    .locator("[role=tablist][aria-label=Views] [role=tab][aria-selected=true]")
    .getAttribute("id");
  const panel = page.locator("[role=tabpanel][aria-labelledby]").filter({ has: page.locator("*") });
  await eventually(() => page.locator(`[role=tabpanel][aria-labelledby='${selectedId}']`).count()).toBe(1);
  await eventually(() => panel.count()).toBeGreaterThan(0);
}

describe("the workbench from the keyboard", () => {
  it("opens korea-2018 from the library with Tab and Enter", async () => {
    await page.goto(`${workbench.url}/`);
    await page.locator("[data-scenario=korea-2018]").waitFor();
    await eventually(() => unnamedControls()).toEqual([]);
    await eventually(() => overflowing()).toEqual([]);
    await pressUntil("Tab", "[data-scenario=korea-2018] a");
    await page.keyboard.press("Enter");
    await page.waitForURL(/#\/s\/korea-2018$/);
    await page.locator("[data-testid=plan-select]").waitFor();
  });

  it("reaches the view tabs with Tab and moves between them with the arrow keys", async () => {
    await pressUntil("Tab", "[role=tab][aria-selected=true]#view-tab-plan");
    await expectRovingTabs();
    await page.keyboard.press("ArrowRight");
    await eventually(() => selectedView()).toBe("Compare");
    await eventually(() => focusedMatches("#view-tab-compare")).toBe(true);
    await page.locator("[data-testid=compare-chart] svg").first().waitFor();
    await eventually(() => overflowing()).toEqual([]);
    await page.keyboard.press("End");
    await eventually(() => selectedView()).toBe("Export");
    await page.keyboard.press("ArrowRight");
    await eventually(() => selectedView()).toBe("Plan");
    await page.keyboard.press("ArrowLeft");
    await eventually(() => selectedView()).toBe("Export");
    await page.keyboard.press("Home");
    await eventually(() => selectedView()).toBe("Plan");
    await expectRovingTabs();
    // One Tab leaves the tab list for the panel rather than visiting the other tabs.
    await page.keyboard.press("Tab");
    await eventually(() => focusedMatches("[role=tab]")).toBe(false);
    await page.keyboard.press("Shift+Tab");
    await eventually(() => focusedMatches("#view-tab-plan")).toBe(true);
  });

  it("runs 'Find the best plan' with Enter", async () => {
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await eventually(() => selectedView()).toBe("Find the best plan");
    await pressUntil("Tab", "[data-testid=find-best-plan]", 10);
    await page.keyboard.press("Enter");
    const result = page.locator("[data-testid=best-plan-result]");
    await result.waitFor({ timeout: SOLVE_MS });
    await eventually(() => result.locator("[data-testid=verdict]").textContent()).toMatch(/^Feasible/);
    await eventually(() => unnamedControls()).toEqual([]);
    await eventually(() => overflowing()).toEqual([]);
  });

  it("picks a violation with Enter and highlights its phase and moves", async () => {
    await pressUntil("Shift+Tab", "#view-tab-best", 40);
    await page.keyboard.press("Home");
    await eventually(() => selectedView()).toBe("Plan");
    await pressUntil("Tab", "[data-testid=plan-select]", 5);
    // A closed select changes its value with the arrow keys.
    for (let i = 0; i < 10; i++) {
      if ((await page.locator("[data-testid=plan-select]").inputValue()) === "upfront:dprk") break;
      await page.keyboard.press("ArrowDown");
    }
    await eventually(() => page.locator("[data-testid=plan-select]").inputValue()).toBe("upfront:dprk");
    await eventually(() => page.locator("[data-testid=verdict]").first().textContent()).toBe("Not feasible");
    // The charts carry a text summary naming the exposed party.
    const exposureLabel = await page
      .locator("[data-testid=exposure-chart] [role=img]")
      .getAttribute("aria-label");
    const dprk = await page.locator("[data-testid=exposure-legend] li[data-party=dprk] strong").textContent();
    expect(exposureLabel).toMatch(
      new RegExp(`${dprk} peaks at [\\d.]+ after phase \\d+ .*above tolerance from phase \\d`),
    );
    expect(exposureLabel).toMatch(/above tolerance from phase \d/);
    await eventually(() =>
      page.locator("[data-testid=margin-chart] [role=img]").getAttribute("aria-label"),
    ).toMatch(/lowest -?\d/);
    await eventually(() => page.locator(".chip.is-highlighted").count()).toBe(0);
    await pressUntil("Tab", "[data-testid=violations] button");
    const violation = (await page.evaluate(() => document.activeElement?.textContent)) ?? "";
    const phase = violation.match(/phase (\d+)/)?.[1];
    expect(phase).toBeDefined();
    await page.keyboard.press("Enter");
    await eventually(() => page.locator(":focus").getAttribute("aria-pressed")).toBe("true");
    await eventually(() => page.locator(".chip.is-highlighted").count()).toBeGreaterThan(0);
    await eventually(() => page.locator("th.lane-phase.is-highlighted").textContent()).toBe(`phase ${phase}`);
    await eventually(() => page.locator("[data-testid=highlight-status]").textContent()).toContain(
      `phase ${phase}`,
    );
    await eventually(() => unnamedControls()).toEqual([]);
    await eventually(() => overflowing()).toEqual([]);
    await shot("violation");
    await page.keyboard.press("Enter");
    await eventually(() => page.locator(".chip.is-highlighted").count()).toBe(0);
  });

  it("keeps the other views and the tables inside 1280×800 with named controls", async () => {
    await pressUntil("Shift+Tab", "#view-tab-plan", 80);
    for (const view of ["Simulate", "Export"]) {
      while ((await selectedView()) !== view) await page.keyboard.press("ArrowRight");
      await page.locator("[role=tabpanel]#view-panel *").first().waitFor();
      await eventually(() => unnamedControls(), UPDATE_MS, view).toEqual([]);
      await eventually(() => overflowing(), UPDATE_MS, view).toEqual([]);
    }
    await page.keyboard.press("Home");
    // The editor's YAML / Tables switch is a tab list too.
    await pressUntil("Shift+Tab", "#editor-tab-yaml[aria-selected=true]", 80);
    await page.keyboard.press("ArrowRight");
    await eventually(() => page.locator("#editor-tab-table").getAttribute("aria-selected")).toBe("true");
    await eventually(() => page.locator("#editor-panel").getAttribute("aria-labelledby")).toBe(
      "editor-tab-table",
    );
    await page.locator("[data-testid='value-arsenal-dismantle-dprk']").waitFor();
    await eventually(() => unnamedControls(), UPDATE_MS, "tables").toEqual([]);
    await eventually(() => overflowing(), UPDATE_MS, "tables").toEqual([]);
    await page.keyboard.press("ArrowLeft");
    await eventually(() => page.locator("#editor-tab-yaml").getAttribute("aria-selected")).toBe("true");
  });

  it("saves a copy through the inline form: Escape closes, a bad id is announced, Enter saves", async () => {
    const saveButton = "button[aria-controls=save-copy-form]";
    await pressUntil("Tab", saveButton, 5);
    await eventually(() => page.locator(saveButton).textContent()).toBe("Save a copy");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "save-copy-id");
    await eventually(() => page.locator(saveButton).getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("Escape");
    await page.locator("#save-copy-form").waitFor({ state: "detached" });
    await page.waitForFunction((s) => document.activeElement?.matches(s), saveButton);

    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "save-copy-id");
    await eventually(() => page.locator("#save-copy-id").inputValue()).toBe("korea-2018-copy");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("Not An Id!");
    await page.keyboard.press("Enter");
    const error = page.locator("[data-testid=save-copy-error]");
    await page.waitForFunction(() => document.querySelector("[data-testid=save-copy-error]")?.textContent);
    await eventually(() => error.getAttribute("role")).toBe("alert");
    await eventually(() => error.textContent()).toMatch(/lower-case/);
    await eventually(() => page.locator("#save-copy-id").getAttribute("aria-invalid")).toBe("true");
    await eventually(() => focusedMatches("#save-copy-id")).toBe(true);
    await eventually(() => overflowing()).toEqual([]);
    await shot("save-copy-error");

    // An id the server refuses (a built-in's) comes back as an announced message too.
    await page.keyboard.press("Control+A");
    await page.keyboard.type("korea-2018");
    await page.keyboard.press("Enter");
    // Wait for the server's answer: a message, and not the earlier one (typing clears it first).
    await page.waitForFunction(() => {
      const text = document.querySelector("[data-testid=save-copy-error]")?.textContent ?? "";
      return text !== "" && !/lower-case/.test(text);
    });
    await eventually(() => error.textContent()).not.toBe("");

    const id = `korea-keyboard-${Date.now()}`;
    await page.keyboard.press("Control+A");
    await page.keyboard.type(id);
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`#/s/${id}$`));
    const saved = await fetch(`${workbench.url}/api/scenarios/${id}`);
    expect(saved.status).toBe(200);
    await page.locator("button", { hasText: /^Save$/ }).waitFor();
  });
});
