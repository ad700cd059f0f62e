/**
 * Navigation → korea-2018's charts drawn, in headless Chromium, side by side in one run with the
 * least page that does the same work (bench/chart-floor: fetch the scenario from the same API,
 * parse, compile, analyse, draw the exposure and margin charts with the same Plot specifications;
 * no framework, editor or router). Each variant is visited twice per round in one browser
 * context: a first visit (fresh context, empty cache) and a second navigation to the same address
 * in the same tab (hashed assets from the cache, as they are served immutable; index.html and the
 * scenario from the server). Variants, visited in turn, each round:
 *   floor      the least page, served by the same server (compression on, precompressed build)
 *   workbench  the workbench as built now (compression on: its precompressed files)
 *   plain      with --plain: the same workbench with compression off (`serve --no-compress`)
 *   before     with --before REV: the workbench built from commit REV, served by today's server
 * Times are the page's performance.now() when both charts' svgs are in the document (and when
 * the exposure chart's is); bytes are Chrome's count (encodedDataLength, headers included) until
 * the network is idle (so the editor's chunk, fetched after the charts, counts).
 *
 * On a loaded machine the wall times measure the queue for the CPU as much as the page, so each
 * visit is also traced (Chromium's trace: the main thread's top-level tasks, ThreadControllerImpl::RunTask, with
 * their thread time): "main CPU" is
 * the CPU time the page's main thread spent from navigation start until the exposure chart was
 * drawn (its `lockstep:chart:exposure-chart` mark), which the load does not inflate. On an idle
 * machine the wall time is about that plus the few waits on the network and the server.
 *
 *   npx tsx bench/workbench-charts.ts [--repeat 5] [--plain] [--before c6ded8a]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { FastifyInstance } from "fastify";
import type { Browser, CDPSession, Page } from "playwright-core";
import { build } from "vite";
import { PACKAGE_ROOT } from "../src/io/package-root.ts";
import { buildServer } from "../src/server/app.ts";
import { openWorkbench } from "../test/web/browser.ts";
import { precompress } from "../web/vite.config.ts";

const { values: args } = parseArgs({
  options: {
    repeat: { type: "string", default: "5" },
    before: { type: "string" },
    plain: { type: "boolean", default: false },
  },
});
const repeat = Number(args.repeat);
const PAGE = "/#/s/korea-2018";
const EXPOSURE = "[data-testid=exposure-chart] svg";
const MARGINS = "[data-testid=margin-chart] svg";

interface Visit {
  exposure: number;
  both: number;
  bytes: number;
  /** Main-thread CPU ms from navigation start to the exposure chart's mark. */
  cpu: number;
}

interface TraceEvent {
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  ph: string;
  name: string;
}

/** Thread time of the renderer's main-thread tasks between navigation start and the chart mark. */
function mainThreadCpu(trace: Buffer): number {
  const parsed = JSON.parse(trace.toString("utf8")) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const chart = events.find((e) => e.name === "lockstep:chart:exposure-chart");
  if (!chart) return Number.NaN;
  const onMain = (e: TraceEvent) => e.pid === chart.pid && e.tid === chart.tid;
  const starts = events.filter((e) => e.name === "navigationStart" && onMain(e) && e.ts <= chart.ts);
  const from = Math.max(...starts.map((e) => e.ts));
  const tasks = events
    .filter((e) => e.name === "ThreadControllerImpl::RunTask" && e.ph === "X" && onMain(e))
    .filter((e) => e.ts >= from && e.ts <= chart.ts)
    .sort((a, b) => a.ts - b.ts);
  let micros = 0;
  let end = 0;
  for (const task of tasks) {
    if (task.ts < end) continue; // nested in a task already counted
    const thread = task.tdur ?? 0;
    const wall = task.dur ?? 0;
    end = task.ts + wall;
    // the task in which the chart was drawn counts up to the mark
    micros += end > chart.ts && wall > 0 ? (thread * (chart.ts - task.ts)) / wall : thread;
  }
  return micros / 1000;
}

/** One navigation to the page in `page`, traced, until both charts are in the document. */
async function navigate(browser: Browser, page: Page, cdp: CDPSession, url: string): Promise<Visit> {
  await browser.startTracing(page, { categories: ["toplevel", "blink.user_timing"] });
  let bytes = 0;
  const count = (event: { encodedDataLength: number }) => {
    bytes += event.encodedDataLength;
  };
  cdp.on("Network.loadingFinished", count);
  await page.goto(url);
  // The page notes when each chart first appears; polling every 5 ms from the page itself.
  const handle = await page.waitForFunction(
    ([exposure, margins]) => {
      const w = window as unknown as { __benchExposure?: number };
      if (w.__benchExposure === undefined && document.querySelector(exposure))
        w.__benchExposure = performance.now();
      return document.querySelector(exposure) && document.querySelector(margins)
        ? { exposure: w.__benchExposure ?? performance.now(), both: performance.now() }
        : false;
    },
    [EXPOSURE, MARGINS] as const,
    { polling: 5, timeout: 120_000 },
  );
  const times = (await handle.jsonValue()) as { exposure: number; both: number };
  // What the page fetches after the charts (the editor's chunk) counts in its bytes: the editor
  // (where the page has one) is built, then nothing is in flight.
  await page.waitForFunction(
    () => !document.querySelector("[data-testid=yaml-editor]") || document.querySelector(".cm-content"),
    null,
    { polling: 50, timeout: 120_000 },
  );
  await page.waitForLoadState("networkidle");
  const cpu = mainThreadCpu(await browser.stopTracing());
  cdp.off("Network.loadingFinished", count);
  return { ...times, bytes, cpu };
}

/**
 * A first visit in a fresh browser context (empty cache: every asset crosses the network), then,
 * in the same tab, a second navigation to the same address after leaving it for about:blank: a
 * new document, with the hashed assets from the cache (they are served immutable) and index.html
 * and the scenario asked of the server again, as when a user comes back to the workbench.
 */
async function visit(browser: Browser, base: string): Promise<{ cold: Visit; warm: Visit }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const cold = await navigate(browser, page, cdp, base + PAGE);
    await page.goto("about:blank");
    const warm = await navigate(browser, page, cdp, base + PAGE);
    return { cold, warm };
  } finally {
    await context.close();
  }
}

/** Builds a vite app into a fresh directory, precompressed like the workbench. */
async function buildInto(root: string, configFile: string | false): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "lockstep-bench-web-"));
  await build({
    root,
    configFile,
    base: "/",
    logLevel: "warn",
    ...(configFile === false ? { plugins: [precompress()] } : {}),
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/** The workbench's sources at commit `rev`, built with that commit's vite config. */
async function buildBefore(rev: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-before-"));
  built.push(dir);
  const archive = join(dir, "sources.tar");
  execFileSync("git", [
    "-C",
    PACKAGE_ROOT,
    "archive",
    "--output",
    archive,
    rev,
    "web",
    "src",
    "package.json",
  ]);
  execFileSync("tar", ["-x", "-f", archive, "-C", dir]);
  symlinkSync(join(PACKAGE_ROOT, "node_modules"), join(dir, "node_modules"));
  return buildInto(join(dir, "web"), join(dir, "web", "vite.config.ts"));
}

const built: string[] = [];
const workbench = await openWorkbench(); // compression on (the default)
const servers: FastifyInstance[] = [];
const serve = async (webRoot: string | undefined, compress: boolean) => {
  const app = await buildServer({ access: { open: true }, compress, ...(webRoot ? { webRoot } : {}) });
  servers.push(app);
  return app.listen({ port: 0, host: "127.0.0.1" });
};
try {
  const floorDir = await buildInto(join(PACKAGE_ROOT, "bench", "chart-floor"), false);
  built.push(floorDir);
  const variants: [string, string][] = [
    ["floor", await serve(floorDir, true)],
    ["workbench", workbench.url],
  ];
  if (args.plain) variants.push(["plain", await serve(undefined, false)]);
  if (args.before) {
    const beforeDir = await buildBefore(args.before);
    built.push(beforeDir);
    if (!existsSync(join(beforeDir, "index.html"))) throw new Error(`no web app built from ${args.before}`);
    variants.push([`before (${args.before})`, await serve(beforeDir, true)]);
  }
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
  console.log(
    `load average ${load()} at start; ${repeat} rounds after a warm-up round, variants in turn, ` +
      "each a first visit (fresh context) and a second navigation in the same tab (assets cached)",
  );
  const results = new Map<string, Visit[]>();
  for (let r = 0; r <= repeat; r++) {
    for (const [name, base] of variants) {
      const visits = await visit(workbench.browser, base);
      if (r === 0) continue; // warms the servers' caches and the JIT
      for (const [kind, v] of Object.entries(visits)) {
        const key = `${name}, ${kind}`;
        results.set(key, [...(results.get(key) ?? []), v]);
        console.log(
          `  ${key.padEnd(28)} exposure ${v.exposure.toFixed(0).padStart(5)} ms, both charts ${v.both.toFixed(0).padStart(5)} ms, ` +
            `main CPU ${v.cpu.toFixed(0).padStart(4)} ms, ${(v.bytes / 1024).toFixed(0)} KiB`,
        );
      }
    }
    if (r > 0) console.log(`  (round ${r} done, load average ${load()})`);
  }
  const span = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cell = (xs: number[]) => `${span(xs).padEnd(11)} median ${median(xs).toFixed(0).padStart(5)}`;
  console.log(
    `${"variant".padEnd(28)}  ${"exposure chart (ms)".padEnd(24)}   ${"both charts (ms)".padEnd(24)}   ` +
      `${"main CPU (ms)".padEnd(24)}   KiB`,
  );
  for (const [name, vs] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(
      `${name.padEnd(28)}  ${cell(vs.map((v) => v.exposure))}   ${cell(vs.map((v) => v.both))}   ` +
        `${cell(vs.map((v) => v.cpu))}   ${median(vs.map((v) => v.bytes / 1024)).toFixed(0)}`,
    );
  }
  console.log(`load average ${load()} at the end`);
} finally {
  for (const app of servers) await app.close();
  await workbench.close();
  for (const dir of built) rmSync(dir, { recursive: true, force: true });
}
