/**
 * The sweeps page in Chromium: a sweep run by `lockstep sweep` into the server's database shows up
 * and fills in live (progress, then where feasibility flips, the tornado and the heatmap).
 *
 * The page must see the count rise without a reload. Instead of a sweep long enough for the page's
 * once-a-second poll to catch it part-way (150,000 runs a point, which a fast machine could still
 * outrun), the sweep is stopped part-way on purpose: Ctrl-C as soon as it is in the database, which
 * stores what it has and says so; the page shows that count, still running; the same command then
 * resumes it, and the same page (not reloaded) shows all 18 points and the report.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, lockstepAsync, ROOT } from "../helpers/cli.ts";
import { eventually } from "../helpers/wait.ts";
import { openWorkbench, type Workbench } from "./browser.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-sweep-web-"));
const db = join(dir, "sweeps.db");
let workbench: Workbench;
let page: Page;

// 18 points of 5,000 simulated runs each: the report needs the simulation's figures, not many runs
const SWEEP = `title: live sweep
scenario: korea-2018
seed: 5
measure:
  analysis: { plan: phased }
  simulation: { plan: phased, runs: 5000 }
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
  page = await workbench.newPage({ width: 1280, height: 800 });
  page.setDefaultTimeout(60_000);
});
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The sweeps the server lists, by title. */
async function listed(): Promise<string[]> {
  const body = (await (await fetch(`${workbench.url}/api/sweeps`)).json()) as { sweeps: { title: string }[] };
  return body.sweeps.map((s) => s.title);
}

describe("sweeps page", () => {
  it("shows a running sweep live and then its report", async () => {
    const file = join(dir, "live.yaml");
    writeFileSync(file, SWEEP);
    const args = [BIN, "sweep", file, "--db", db, "--workers", "1", "--json"];

    // The first run is interrupted once the sweep is in the database: the sweep saves itself before
    // it starts its worker process, so the interrupt comes long before the last point.
    const first = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    first.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => first.on("close", (code) => resolve(code)));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    while (running && !(await listed()).includes("live sweep")) await new Promise((r) => setTimeout(r, 20));
    first.kill("SIGINT");
    expect(await exited, stderr).toBe(130);
    const stored = stderr.match(/interrupted with (\d+) of 18 points stored; run the same command again/);
    expect(stored, stderr).not.toBeNull();
    const part = Number(stored![1]);
    expect(part).toBeLessThan(18);

    await page.goto(`${workbench.url}/#/sweeps`);
    await page.locator("[data-testid=sweeps] .card", { hasText: "live sweep" }).click();
    const progress = page.locator("[data-testid=sweep-progress]");
    await eventually(() => progress.textContent()).toMatch(new RegExp(`^ ?${part} of 18 points · running`));
    // marks this document: the count must rise in it, not after a reload
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    // The same command resumes it; the page, polling while it runs, fills in.
    const resumed = await lockstepAsync(args.slice(1));
    expect(resumed.status, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { done: number }).done).toBe(18);
    await eventually(() => progress.textContent()).toMatch(/18 of 18 points · done/);
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);

    const flips = page.locator("[data-testid=sweep-flips] tbody tr");
    await eventually(() => flips.count()).toBe(2);
    await eventually(() => flips.nth(0).locator("th").textContent()).toBe("DPRK arsenal cost");
    await eventually(() => flips.nth(0).textContent()).toMatch(/feasible (above|below) -?\d/);
    await page.locator("[data-testid='tornado-simulation.completion'] [role=img]").first().waitFor();
    await eventually(() => page.locator("[data-testid=sweep-heatmap] tbody tr").count()).toBe(3);
  }, 300_000);
});
