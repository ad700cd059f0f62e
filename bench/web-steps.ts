/**
 * What a browser test file pays before its own checks, step by step, by Chromium process: a
 * server built and listening, a browser context and page, the first load of korea-2018's plan
 * view in that context, the same load in a second tab of it, in a fresh context on the same
 * server, and in a fresh context on a second server (another port: another origin).
 *
 *   npx tsx bench/web-steps.ts [--rounds 3] [--args "--flag …"]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { buildServer } from "../src/server/app.ts";
import { TEST_CHROMIUM_OPTIONS } from "../test/helpers/chromium.ts";
import { chromiumProcessKind, processChildren } from "./chromium-processes.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, args: { type: "string", default: "" } },
});
const rounds = Number(values.rounds);
const extra = values.args.split(/\s+/).filter(Boolean);

/** CPU seconds so far of `root`'s tree and this process, by process kind. */
function cpu(root: number): Map<string, number> {
  const children = processChildren();
  const out = new Map<string, number>();
  for (const pending = [root, process.pid]; pending.length > 0; ) {
    const pid = pending.pop()!;
    if (pid !== process.pid) pending.push(...(children.get(pid) ?? []));
    const k = pid === process.pid ? "node" : chromiumProcessKind(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(k, (out.get(k) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
    } catch {}
  }
  return out;
}

const server = await chromium.launchServer({
  ...TEST_CHROMIUM_OPTIONS,
  args: [...TEST_CHROMIUM_OPTIONS.args, ...extra],
});
const root = server.process().pid!;
const browser = await chromium.connect(server.wsEndpoint());
const tallies = new Map<string, { n: number; wall: number; cpu: Map<string, number> }>();
async function measure<T>(step: string, work: () => Promise<T>): Promise<T> {
  if (process.env.TRACE) console.log(step);
  const before = cpu(root);
  const start = performance.now();
  const result = await work();
  await new Promise((r) => setTimeout(r, 300));
  const after = cpu(root);
  const t = tallies.get(step) ?? { n: 0, wall: 0, cpu: new Map() };
  t.n++;
  t.wall += (performance.now() - start) / 1000 - 0.3;
  for (const [k, s] of after) t.cpu.set(k, (t.cpu.get(k) ?? 0) + s - (before.get(k) ?? 0));
  tallies.set(step, t);
  return result;
}
const laidOut = async (page: Page) => {
  await page.locator("[data-testid=exposure-chart] svg").first().waitFor();
  await page.locator(".chip").first().waitFor();
};
const load = async (context: BrowserContext, url: string) => {
  const page = await context.newPage();
  await page.goto(`${url}/#/s/korea-2018?plan=upfront:dprk`);
  await laidOut(page);
  return page;
};

const serve = async () => {
  const app = await buildServer({ access: { open: true } });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
};
// the worker's context, with a page kept open on 127.0.0.1 (an API answer of another server)
const shared = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const sharedServer = await serve();
const keeper = await shared.newPage();
await keeper.goto(`${sharedServer.url}/api/scenarios`);
await load(shared, sharedServer.url);
for (const page of shared.pages()) if (page !== keeper) await page.close();
for (let round = 0; round < rounds; round++) {
  const { app, url } = await measure("(server built and listening; absorbs closed pages)", serve);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await measure("A: first load in a fresh context", () => load(context, url));
  await measure("B: shared context with a kept page, this file's server", () => load(shared, url));
  await measure("C: shared context with a kept page, shared server", () => load(shared, sharedServer.url));
  await measure("D: a third tab of the shared context, this file's server", () => load(shared, url));
  await context.close();
  for (const page of shared.pages()) if (page !== keeper) await page.close();
  await app.close();
}
for (const [step, t] of tallies) {
  const total = [...t.cpu.values()].reduce((a, b) => a + b, 0) / t.n;
  const parts = [...t.cpu]
    .filter(([, s]) => s / t.n >= 0.02)
    .sort((a, b) => b[1] - a[1])
    .map(([k, s]) => `${k} ${(s / t.n).toFixed(2)}`)
    .join(", ");
  console.log(`${step.padEnd(36)} ${total.toFixed(2)} CPU-s ${(t.wall / t.n).toFixed(2)} s | ${parts}`);
}
await server.close();
process.exit(0);
