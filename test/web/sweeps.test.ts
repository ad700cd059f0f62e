/**
 * The sweeps page in Chromium: a sweep run by `lockstep sweep` into the server's database shows up
 * and fills in live (progress, then where feasibility flips, the tornado and the heatmap).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../helpers/cli.ts";
import { eventually } from "../helpers/wait.ts";
import { openWorkbench, type Workbench } from "./browser.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-sweep-web-"));
const db = join(dir, "sweeps.db");
let workbench: Workbench;
let page: Page;

// 18 points of 150,000 simulated runs each (a few hundred ms a point): long enough for the page, which
// polls once a second, to see the count rise even on a fast idle machine
const SWEEP = `title: live sweep
scenario: korea-2018
seed: 5
measure:
  analysis: { plan: phased }
  simulation: { plan: phased, runs: 150000 }
vary:
  - name: DPRK arsenal cost
    value: arsenal-dismantle/dprk
    range: [-16, -4]
    steps: 6
  - name: DPRK discount
    discount: dprk
    values: [0.7, 0.9, 1]
`;

beforeAll(async () => {
  workbench = await openWorkbench({ dbPath: db });
  page = await workbench.browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(60_000);
});
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("sweeps page", () => {
  it("shows a running sweep live and then its report", async () => {
    const file = join(dir, "live.yaml");
    writeFileSync(file, SWEEP);
    const sweep = spawn(process.execPath, [BIN, "sweep", file, "--db", db, "--workers", "1", "--json"], {
      cwd: ROOT,
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => sweep.on("exit", (code) => resolve(code)));

    await page.goto(`${workbench.url}/#/sweeps`);
    await page.locator("[data-testid=sweeps] .card", { hasText: "live sweep" }).click();
    const progress = page.locator("[data-testid=sweep-progress]");
    await progress.waitFor();
    // the count the page shows goes up without a reload
    const seen = new Set<string>();
    for (let t = 0; t < 600 && !(await progress.textContent())?.includes("done"); t++) {
      const match = (await progress.textContent())?.match(/(\d+) of 18 points/);
      if (match) seen.add(match[1]);
      await page.waitForTimeout(200);
    }
    expect(seen.size).toBeGreaterThan(1);
    await page.locator("[data-testid=sweep-progress]", { hasText: "18 of 18 points · done" }).waitFor();
    expect(await exited).toBe(0);

    const flips = page.locator("[data-testid=sweep-flips] tbody tr");
    await eventually(() => flips.count()).toBe(2);
    await eventually(() => flips.nth(0).locator("th").textContent()).toBe("DPRK arsenal cost");
    await eventually(() => flips.nth(0).textContent()).toMatch(/feasible (above|below) -?\d/);
    await page.locator("[data-testid='tornado-simulation.completion'] [role=img]").first().waitFor();
    await eventually(() => page.locator("[data-testid=sweep-heatmap] tbody tr").count()).toBe(3);
  }, 300_000);
});
