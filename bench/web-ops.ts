/**
 * What one step of a browser walk costs (test/web/layouts.test.ts makes each of them about 80
 * times), by Chromium process and thread, in two Chromiums side by side: the tests' flags
 * (test/helpers/chromium.ts, JavaScript on V8's baseline compiler) and the eighth session's
 * (`--js-flags=--liftoff-only` alone). On korea-2018's plan view, at each of the three sizes:
 * resizing to it, axe-core (as the tests run it), a full-page screenshot through Playwright and
 * through `saveFullPageScreenshot` (test/web/page-checks.ts; the two files are compared byte for
 * byte), and a reload. CPU is user + system of this process and the Chromium's whole tree, from
 * /proc, per thread; each step's figure is the mean over the rounds.
 *
 *   npx tsx bench/web-ops.ts [--rounds 3]
 */
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Browser, type BrowserServer, chromium, type Page } from "playwright-core";
import { CHROMIUM_OPTIONS, TEST_CHROMIUM_OPTIONS } from "../test/helpers/chromium.ts";
import { openWorkbench } from "../test/web/browser.ts";
import { axeFindings, SIZES, saveFullPageScreenshot } from "../test/web/page-checks.ts";
import { chromiumProcessKind, processChildren } from "./chromium-processes.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = Number(values.rounds);

/** CPU seconds so far of every thread of `root`'s tree, by "process kind: thread name". */
function threadCpu(root: number): Map<string, number> {
  const children = processChildren();
  const cpu = new Map<string, number>();
  const add = (key: string, seconds: number) => cpu.set(key, (cpu.get(key) ?? 0) + seconds);
  for (const pending = [root, process.pid]; pending.length > 0; ) {
    const pid = pending.pop()!;
    pending.push(...(pid === process.pid ? [] : (children.get(pid) ?? [])));
    const kind = pid === process.pid ? "this process" : chromiumProcessKind(pid);
    let threads: string[] = [];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of threads) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const thread = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/\d+/g, "#");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        add(`${kind}: ${thread}`, (Number(fields[11]) + Number(fields[12])) / 100);
      } catch {
        // gone
      }
    }
  }
  return cpu;
}

interface Tally {
  rounds: number;
  wall: number;
  cpu: Map<string, number>;
}

const workbench = await openWorkbench();
const url = `${workbench.url}/#/s/korea-2018?plan=upfront:dprk`;
const flagSets: Record<string, string[]> = {
  "tests' flags": TEST_CHROMIUM_OPTIONS.args,
  "--liftoff-only alone": [...CHROMIUM_OPTIONS.args, "--js-flags=--liftoff-only"],
};
const running: { name: string; server: BrowserServer; browser: Browser; page: Page }[] = [];
for (const [name, args] of Object.entries(flagSets)) {
  const server = await chromium.launchServer({ ...CHROMIUM_OPTIONS, args });
  const browser = await chromium.connect(server.wsEndpoint());
  const page = await browser.newPage({ viewport: SIZES[0] });
  running.push({ name, server, browser, page });
}

const laidOut = async (page: Page) => {
  await page.locator("[data-testid=exposure-chart] svg").waitFor();
  await page.locator(".chip").first().waitFor();
};
const tallies = new Map<string, Tally>();
async function measure(step: string, root: number, work: () => Promise<unknown>): Promise<void> {
  const before = threadCpu(root);
  const start = performance.now();
  await work();
  const wall = (performance.now() - start) / 1000;
  const after = threadCpu(root);
  const tally = tallies.get(step) ?? { rounds: 0, wall: 0, cpu: new Map() };
  tally.rounds++;
  tally.wall += wall;
  for (const [key, seconds] of after)
    tally.cpu.set(key, (tally.cpu.get(key) ?? 0) + seconds - (before.get(key) ?? 0));
  tallies.set(step, tally);
}

const dir = tmpdir();
for (const { page } of running) {
  await page.goto(url);
  await laidOut(page);
  await axeFindings(page, false);
}
for (let round = 0; round < rounds; round++)
  for (const { name, server, page } of running) {
    const root = server.process().pid!;
    for (const size of SIZES) {
      await measure(`${name}, resize to ${size.name}`, root, () => page.setViewportSize(size));
      await measure(`${name}, axe-core at ${size.name}`, root, () => axeFindings(page, false));
      const playwright = join(dir, `web-ops-playwright-${size.name}.png`);
      const direct = join(dir, `web-ops-direct-${size.name}.png`);
      await measure(`${name}, Playwright's screenshot at ${size.name}`, root, () =>
        page.screenshot({ path: playwright, fullPage: true }),
      );
      await measure(`${name}, saveFullPageScreenshot at ${size.name}`, root, () =>
        saveFullPageScreenshot(page, direct),
      );
      if (!readFileSync(playwright).equals(readFileSync(direct)))
        throw new Error(`the two screenshots at ${size.name} differ`);
    }
    await page.setViewportSize(SIZES[0]);
    await measure(`${name}, reload`, root, async () => {
      await page.reload();
      await laidOut(page);
    });
  }

for (const [step, tally] of tallies) {
  const total = [...tally.cpu.values()].reduce((sum, seconds) => sum + seconds, 0) / tally.rounds;
  const parts = [...tally.cpu]
    .map(([key, seconds]) => [key, seconds / tally.rounds] as const)
    .filter(([, seconds]) => seconds >= 0.03)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([key, seconds]) => `${key} ${seconds.toFixed(2)}`)
    .join(", ");
  console.log(
    `${step.padEnd(58)} ${total.toFixed(2)} CPU-s, ${(tally.wall / tally.rounds).toFixed(2)} s | ${parts}`,
  );
}
for (const { browser, server } of running) {
  await browser.close();
  await server.close();
}
await workbench.close();
