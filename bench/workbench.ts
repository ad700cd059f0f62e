/**
 * The workbench in headless Chromium: (1) edit → re-analysed → exposure chart redrawn, for a
 * generated 60-move scenario, through the table view and by typing in the YAML editor; (2) first
 * load of the library and of a scenario page, cold cache; (3) the size of the shipped JavaScript,
 * file by file (worker chunks included, the HiGHS wasm apart); (4) the planner and a 20,000-run
 * simulation in their browser workers on korea-2018.
 *
 *   npx tsx bench/workbench.ts [--moves 60] [--edits 30]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { stringify } from "yaml";
import { WEB_DIST } from "../src/server/app.ts";
import { openWorkbench } from "../test/web/browser.ts";
import { generateCase } from "./generate.ts";

const { values: args } = parseArgs({
  options: { moves: { type: "string", default: "60" }, edits: { type: "string", default: "30" } },
});
const moves = Number(args.moves);
const edits = Number(args.edits);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const summary = (xs: number[]) =>
  `median ${ms(quantile(xs, 0.5))}, p95 ${ms(quantile(xs, 0.95))}, max ${ms(Math.max(...xs))}`;

interface Timing {
  __lockstepEditAt?: number;
  __lockstepChartDrawn?: number;
}

/** Time from the edit event to the redrawn exposure chart, as the page measured it. */
async function editLatency(page: Page, edit: () => Promise<void>): Promise<number> {
  const before = await page.evaluate(() => (window as Timing).__lockstepChartDrawn ?? 0);
  await edit();
  await page.waitForFunction((t) => ((window as Timing).__lockstepChartDrawn ?? 0) > t, before);
  return page.evaluate(() => (window as Timing).__lockstepChartDrawn! - (window as Timing).__lockstepEditAt!);
}

const workbench = await openWorkbench();
try {
  // A generated scenario with its plan saved on the server.
  const generated = generateCase({ moves, parties: 4, phases: 12, seed: 7 });
  const id = `bench-${moves}`;
  const source = stringify({ id, ...generated.scenario, plans: { bench: generated.plan } });
  const created = await fetch(`${workbench.url}/api/scenarios`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ source }),
  });
  if (!created.ok) throw new Error(`could not save the generated scenario: ${await created.text()}`);

  // (1) Re-analysis after an edit.
  const context = await workbench.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${workbench.url}/#/s/${id}`);
  await page.locator("[data-testid=exposure-chart] svg").waitFor();
  await page.getByRole("tab", { name: "Tables" }).click();
  const cell = page.locator("input[aria-label$='tolerance']").first();
  const tableTimes: number[] = [];
  for (let i = 0; i < edits; i++) {
    tableTimes.push(
      await editLatency(page, async () => {
        await cell.fill(String(2 + (i % 5)));
        await cell.press("Tab");
      }),
    );
  }
  await page.getByRole("tab", { name: "YAML" }).click();
  const line = page.locator(".cm-line", { hasText: /^ {4}tolerance: / }).first();
  await line.click();
  await page.keyboard.press("End");
  const typingTimes: number[] = [];
  for (let i = 0; i < edits; i++) {
    typingTimes.push(await editLatency(page, () => page.keyboard.press(i % 2 === 0 ? "5" : "Backspace")));
  }
  await context.close();

  // (2) First load with a cold cache (a new browser context each time), timed by the page itself
  // from the start of navigation until the library's cards, or a scenario's exposure chart, show.
  const loads: { library: number[]; scenario: number[] } = { library: [], scenario: [] };
  const firstLoad = async (path: string, ready: string) => {
    const fresh = await workbench.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await fresh.newPage();
    await p.goto(`${workbench.url}${path}`);
    const handle = await p.waitForFunction(
      (selector) => document.querySelector(selector) && performance.now(),
      ready,
      {
        polling: 5,
      },
    );
    const elapsed = (await handle.jsonValue()) as number;
    await fresh.close();
    return elapsed;
  };
  for (let i = 0; i < 7; i++) {
    loads.library.push(await firstLoad("/", ".card"));
    loads.scenario.push(await firstLoad("/#/s/korea-2018", "[data-testid=exposure-chart] svg"));
  }

  // (4) The planner and a 20,000-run simulation in their browser workers, on korea-2018.
  const workerTimes = { plan: [] as number[], simulate: [] as number[] };
  for (let i = 0; i < 3; i++) {
    const context = await workbench.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tab = await context.newPage();
    await tab.goto(`${workbench.url}/#/s/korea-2018`);
    await tab.getByRole("tab", { name: "Find the best plan" }).click();
    let started = performance.now();
    await tab.locator("[data-testid=find-best-plan]").click();
    await tab.locator("[data-testid=best-plan-result]").waitFor({ timeout: 120_000 });
    workerTimes.plan.push(performance.now() - started);
    await tab.getByRole("tab", { name: "Simulate" }).click();
    await tab.getByLabel("runs", { exact: true }).fill("20000");
    started = performance.now();
    await tab.getByRole("button", { name: "Simulate", exact: true }).click();
    await tab.locator("[data-testid=simulation-result]").waitFor({ timeout: 120_000 });
    workerTimes.simulate.push(performance.now() - started);
    await context.close();
  }

  // (3) Shipped JavaScript, file by file; the HiGHS wasm is fetched only by the planner's worker.
  const assets = join(WEB_DIST, "assets");
  const files = readdirSync(assets).filter((f) => f.endsWith(".js") || f.endsWith(".wasm"));
  const sizes = files.map((f) => {
    const bytes = readFileSync(join(assets, f));
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes).length };
  });
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const js = sizes.filter((f) => f.file.endsWith(".js"));
  const raw = js.reduce((sum, f) => sum + f.raw, 0);
  const gzip = js.reduce((sum, f) => sum + f.gzip, 0);

  console.log(`scenario: ${moves} moves, 4 parties, plan over 12 phases; ${edits} edits each`);
  console.log(`edit in table view -> chart redrawn: ${summary(tableTimes)}`);
  console.log(`keystroke in YAML editor -> chart redrawn: ${summary(typingTimes)}`);
  console.log(`first load, library (cold cache): ${summary(loads.library)}`);
  console.log(`first load, korea-2018 page until its exposure chart is drawn: ${summary(loads.scenario)}`);
  console.log(
    `find the best plan, korea-2018, fresh page (worker + wasm load): ${summary(workerTimes.plan)}`,
  );
  console.log(`simulate 20,000 runs in the browser worker, korea-2018: ${summary(workerTimes.simulate)}`);
  for (const f of sizes) console.log(`  ${f.file}: ${kib(f.raw)}, ${kib(f.gzip)} gzip`);
  console.log(`shipped JS: ${js.length} file(s), ${kib(raw)}, ${kib(gzip)} gzip (the wasm is separate)`);
} finally {
  await workbench.close();
}
