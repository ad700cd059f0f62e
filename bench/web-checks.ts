/**
 * What the browser walks' repeated work costs (test/web/layouts.test.ts and the other browser
 * files), each way side by side in one run, alternating:
 * 1. axe-core on korea-2018's plan view at 1920×1080, as the tests run it (no selectors; a second
 *    run names where only when something is found) and with the selectors built every time. First
 *    a sanity check: on that page with an image without a text alternative added, both find it.
 * 2. the full-page screenshot, PNG and JPEG (quality 80).
 * 3. a planner search in a page's worker (korea-2018's safest plan with its frontier, then
 *    hanoi-2019's "what it would take", in a fresh page), in a Chromium with its default flags and in
 *    one with the tests' `--js-flags=--liftoff-only` (test/helpers/chromium.ts).
 * CPU is user + system of every process involved (this one and Chromium's), from /proc.
 *
 *   npx tsx bench/web-checks.ts [--rounds 5] [--search-rounds 3]
 */
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_OPTIONS } from "../test/helpers/chromium.ts";
import { openWorkbench } from "../test/web/browser.ts";
import { axeFindings } from "../test/web/page-checks.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    "search-rounds": { type: "string", default: "3" },
  },
});

/** user + system seconds of `root` and all its descendants (alive, or reaped by one of them). */
function treeCpu(root = process.pid): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ");
      // utime, stime, cutime, cstime (fields 14–17; 11–14 after "pid (comm) ")
      stats.set(Number(name), { ppid: Number(f[1]), cpu: (+f[11]! + +f[12]! + +f[13]! + +f[14]!) / 100 });
    } catch {
      // gone between the listing and the read
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, s] of stats)
      if (!tree.has(pid) && tree.has(s.ppid)) {
        tree.add(pid);
        grew = true;
      }
  }
  return [...tree].reduce((sum, pid) => sum + (stats.get(pid)?.cpu ?? 0), 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const show = (name: string, t: { cpu: number[]; wall: number[] }) =>
  console.log(
    `${name.padEnd(44)} CPU median ${median(t.cpu).toFixed(2)} s (${Math.min(...t.cpu).toFixed(2)}–${Math.max(...t.cpu).toFixed(2)}), ` +
      `wall median ${median(t.wall).toFixed(2)} s`,
  );

/** Each way `rounds` times, one after the other in turn; CPU of the measured tree per call. */
async function sideBySide(
  ways: Record<string, (i: number) => Promise<unknown>>,
  rounds: number,
  root?: (name: string) => number,
) {
  const tally = Object.fromEntries(
    Object.keys(ways).map((k) => [k, { cpu: [] as number[], wall: [] as number[] }]),
  );
  for (let r = 0; r < rounds; r++)
    for (const [name, run] of Object.entries(ways)) {
      const pid = root?.(name);
      const cpu = treeCpu(pid);
      const start = performance.now();
      await run(r);
      tally[name]!.wall.push((performance.now() - start) / 1000);
      tally[name]!.cpu.push(treeCpu(pid) - cpu);
    }
  for (const [name, t] of Object.entries(tally)) show(name, t);
}

const workbench = await openWorkbench();
const page: Page = await workbench.browser.newPage({ viewport: { width: 1920, height: 1080 } });
await page.goto(`${workbench.url}/#/s/korea-2018?plan=upfront:dprk`);
await page.locator("[data-testid=exposure-chart] svg").waitFor();
await page.locator(".chip").first().waitFor();

// Sanity: a serious problem is found the same way with and without the selectors.
await page.evaluate(() => {
  const img = document.createElement("img");
  img.id = "bench-no-alt";
  img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
  document.querySelector("main")?.append(img);
});
const [plain, named] = [await axeFindings(page, false), await axeFindings(page, true)];
console.log(
  `injected image without alt: without selectors ${JSON.stringify(plain)}; with ${JSON.stringify(named)}`,
);
if (plain.length !== 1 || !named[0]?.includes("#bench-no-alt"))
  throw new Error("axe-core did not find the same problem");
await page.evaluate(() => document.getElementById("bench-no-alt")?.remove());
if ((await axeFindings(page, false)).length > 0) throw new Error("the plan view is not clean for axe-core");

const dir = tmpdir();
const rounds = Number(values.rounds);
console.log(`\naxe-core and screenshots on korea-2018's plan view at 1920×1080, ${rounds} rounds:`);
await sideBySide(
  {
    "axe-core, no selectors (the tests)": () => axeFindings(page, false),
    "axe-core, selectors built": () => axeFindings(page, true),
    "screenshot, full page, PNG": (i) =>
      page.screenshot({ path: join(dir, `web-checks-${i}.png`), fullPage: true }),
    "screenshot, full page, JPEG 80": (i) =>
      page.screenshot({ path: join(dir, `web-checks-${i}.jpg`), fullPage: true, type: "jpeg", quality: 80 }),
  },
  rounds,
);
await page.close();

const launched = {
  "Chromium's default flags": await chromium.launchServer(CHROMIUM_OPTIONS),
  "--js-flags=--liftoff-only (the tests)": await chromium.launchServer({
    ...CHROMIUM_OPTIONS,
    args: [...CHROMIUM_OPTIONS.args, "--js-flags=--liftoff-only"],
  }),
};
const browsers = Object.values(launched).map((server) => chromium.connect(server.wsEndpoint()));
const searchRounds = Number(values["search-rounds"]);
console.log(
  `\nsafest plan (korea-2018) and what it would take (hanoi-2019) in a fresh page, ${searchRounds} rounds:`,
);
await sideBySide(
  Object.fromEntries(
    Object.keys(launched).map((name, index) => [
      name,
      async () => {
        const searching = await (await browsers[index]!).newPage();
        await searching.goto(`${workbench.url}/#/s/korea-2018?tab=best&objective=safety`);
        await searching.locator("[data-testid=find-best-plan]").click();
        await searching
          .locator("[data-testid=best-plan-result] [data-testid=frontier-chart] svg")
          .waitFor({ timeout: 600_000 });
        await searching.goto(`${workbench.url}/#/s/hanoi-2019?tab=best`);
        await searching.locator("[data-testid=find-best-plan]").click();
        await searching.locator("[data-testid=what-it-would-take]").waitFor({ timeout: 600_000 });
        await searching.context().close();
      },
    ]),
  ),
  searchRounds,
  // the CPU of the Chromium that searches
  (name) => launched[name as keyof typeof launched].process().pid!,
);
for (const server of Object.values(launched)) await server.close();
await workbench.close();
