/**
 * Opening korea-2018 in the workbench, headless Chromium, cold cache each time: the bytes that
 * cross the network (Chrome's own count, `Network.loadingFinished.encodedDataLength`, headers
 * included), counted until the YAML editor is built (its chunk is asked for after the charts)
 * and the network is idle, and the time from the start of navigation until the exposure chart is
 * drawn (the page's performance.now() when the chart's svg is in the document). Two servers in
 * one run, one with compression off (`serve --no-compress`) and one with it on, visited
 * alternately.
 *
 *   npx tsx bench/workbench-transfer.ts [--repeat 5]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { BrowserContext } from "playwright-core";
import { buildServer } from "../src/server/app.ts";
import { openWorkbench } from "../test/web/browser.ts";

const { values: args } = parseArgs({ options: { repeat: { type: "string", default: "5" } } });
const repeat = Number(args.repeat);
const PAGE = "/#/s/korea-2018";
const CHART = "[data-testid=exposure-chart] svg";

interface Visit {
  bytes: number;
  chartMs: number;
  requests: number;
  encodings: Set<string>;
}

async function visit(context: BrowserContext, base: string): Promise<Visit> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  let bytes = 0;
  let requests = 0;
  cdp.on("Network.loadingFinished", (event) => {
    bytes += event.encodedDataLength;
    requests++;
  });
  const encodings = new Set<string>();
  page.on("response", (response) => {
    const encoding = response.headers()["content-encoding"];
    if (encoding) encodings.add(encoding);
  });
  await page.goto(base + PAGE);
  const handle = await page.waitForFunction(
    (selector) => document.querySelector(selector) && performance.now(),
    CHART,
    {
      polling: 5,
    },
  );
  const chartMs = (await handle.jsonValue()) as number;
  // The editor's chunk is asked for after the charts: the page's bytes include it.
  await page.locator(".cm-content").waitFor({ timeout: 120_000 });
  await page.waitForLoadState("networkidle");
  await page.close();
  return { bytes, chartMs, requests, encodings };
}

const workbench = await openWorkbench(); // compression on (the default)
const plain = await buildServer({ access: { open: true }, compress: false });
const plainUrl = await plain.listen({ port: 0, host: "127.0.0.1" });
try {
  console.log(
    `load average ${loadavg()[0].toFixed(1)} at start; ${repeat} visits each, alternating, cold cache`,
  );
  const results = { off: [] as Visit[], on: [] as Visit[] };
  for (let r = 0; r < repeat + 1; r++) {
    for (const [name, base] of [
      ["off", plainUrl],
      ["on", workbench.url],
    ] as const) {
      const context = await workbench.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const v = await visit(context, base);
      await context.close();
      if (r === 0) continue; // the first pair warms the servers' caches and the JIT
      results[name].push(v);
      console.log(
        `  compression ${name.padEnd(3)}: ${(v.bytes / 1024).toFixed(0)} KiB in ${v.requests} responses` +
          ` (${[...v.encodings].join(", ") || "no encoding"}), chart drawn at ${v.chartMs.toFixed(0)} ms`,
      );
    }
  }
  const span = (xs: number[], digits = 0) =>
    `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const kib = (vs: Visit[]) => vs.map((v) => v.bytes / 1024);
  const chart = (vs: Visit[]) => vs.map((v) => v.chartMs);
  console.log(
    `off: ${span(kib(results.off))} KiB, chart at ${span(chart(results.off))} ms (median ${median(chart(results.off)).toFixed(0)})`,
  );
  console.log(
    `on : ${span(kib(results.on))} KiB, chart at ${span(chart(results.on))} ms (median ${median(chart(results.on)).toFixed(0)})`,
  );
  console.log(
    `bytes on ÷ off: ${(median(kib(results.on)) / median(kib(results.off))).toFixed(3)} (medians); ` +
      `load average ${loadavg()[0].toFixed(1)} at the end`,
  );
} finally {
  await plain.close();
  await workbench.close();
}
