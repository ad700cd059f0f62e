/** Checks a page state must pass at every size: axe-core (no serious or critical problem) and no sideways scroll. */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { ROOT } from "../helpers/cli.ts";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export const SIZES = [
  { name: "laptop", width: 1280, height: 800 },
  { name: "desktop", width: 1920, height: 1080 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Where a test file keeps its screenshots (CI keeps test-artifacts/ as build artifacts). */
export function screenshotDir(name: string): string {
  const dir = join(ROOT, "test-artifacts", "screenshots", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs axe-core in the page; fails on any serious or critical violation, naming where. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  await page.evaluate((source) => {
    if (!(window as unknown as { axe?: unknown }).axe) new Function(source)();
  }, AXE);
  const found = await page.evaluate(async () => {
    type AxeResults = {
      violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
    };
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResults> } }).axe;
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  expect(found, `axe-core on ${state}`).toEqual([]);
}

/** Nothing on the page is wider than the window. */
export async function expectNoSidewaysScroll(page: Page, state: string): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(scroll, `sideways overflow on ${state}`).toBeLessThanOrEqual(inner);
}
