/**
 * The workbench as Chromium fetches it (issue 14): opening korea-2018, every script and stylesheet
 * the page loads arrives compressed (brotli or gzip, whichever Chromium asks for) and marked
 * immutable, and the page still draws its exposure chart from them.
 */
import type { Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOLVE_MS } from "../helpers/wait.ts";
import { openWorkbench, type Workbench } from "./browser.ts";

let workbench: Workbench;
beforeAll(async () => {
  workbench = await openWorkbench();
});
afterAll(async () => {
  await workbench?.close();
});

describe("compressed workbench", () => {
  it("serves korea-2018's scripts and styles compressed and immutable, and the chart draws", async () => {
    const context = await workbench.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const assets: Response[] = [];
    page.on("response", (response) => {
      if (/\/assets\/.+\.(js|css)$/.test(new URL(response.url()).pathname)) assets.push(response);
    });
    await page.goto(`${workbench.url}/#/s/korea-2018`);
    await page.locator("[data-testid=exposure-chart] svg").waitFor({ timeout: SOLVE_MS });
    expect(assets.length).toBeGreaterThan(1);
    for (const response of assets) {
      const headers = await response.allHeaders();
      expect.soft(headers["content-encoding"], response.url()).toMatch(/^(br|gzip)$/);
      expect.soft(headers["cache-control"], response.url()).toBe("public, max-age=31536000, immutable");
      expect.soft(headers.vary ?? "", response.url()).toMatch(/accept-encoding/i);
    }
    await context.close();
  }, 300_000);
});
