/**
 * Where the time goes when korea-2018 opens in the workbench (headless Chromium, cold cache): the
 * requests as the page saw them (Resource Timing: start, first byte, end), the page's own timing
 * marks (`lockstep:*`, web/src/lib/timing.ts), first paint, and a CPU profile of the main thread
 * (Chromium's sampling profiler over CDP) summed by script and by function, up to the moment the
 * exposure chart's svg is in the document.
 *
 *   npx tsx bench/workbench-profile.ts [--repeat 3] [--no-compress] [--top 25]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { openWorkbench } from "../test/web/browser.ts";

const { values: args } = parseArgs({
  options: {
    repeat: { type: "string", default: "3" },
    "no-compress": { type: "boolean", default: false },
    top: { type: "string", default: "25" },
  },
});
const repeat = Number(args.repeat);
const top = Number(args.top);
const PAGE = "/#/s/korea-2018";
const CHART = "[data-testid=exposure-chart] svg";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) per key, from the profile's samples. */
function selfTime(profile: CpuProfile, key: (node: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const k = key(byId.get(id)!);
    totals.set(k, (totals.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}

const shortUrl = (url: string) => url.replace(/^https?:\/\/[^/]+/, "") || "(no script)";
const row = (label: string, ms: number) => `  ${ms.toFixed(1).padStart(8)} ms  ${label}`;

const workbench = await openWorkbench({ compress: !args["no-compress"] });
try {
  console.log(
    `load average ${loadavg()[0].toFixed(1)} at start; compression ${args["no-compress"] ? "off" : "on"}; ` +
      `${repeat} cold visits after a warm-up`,
  );
  for (let r = 0; r <= repeat; r++) {
    const context = await workbench.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    await page.goto(workbench.url + PAGE);
    const handle = await page.waitForFunction(
      (selector) => document.querySelector(selector) && performance.now(),
      CHART,
      { polling: 5 },
    );
    const chartMs = (await handle.jsonValue()) as number;
    const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
    const timeline = await page.evaluate(() => {
      const entries = [
        ...performance.getEntriesByType("resource").map((e) => {
          const r = e as PerformanceResourceTiming;
          return {
            what: r.name.replace(location.origin, ""),
            start: r.startTime,
            firstByte: r.responseStart,
            end: r.responseEnd,
            bytes: r.encodedBodySize,
          };
        }),
      ];
      const marks = performance.getEntriesByType("mark").map((m) => ({ name: m.name, at: m.startTime }));
      const paints = performance.getEntriesByType("paint").map((p) => ({ name: p.name, at: p.startTime }));
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return {
        entries,
        marks,
        paints,
        nav: { firstByte: nav.responseStart, end: nav.responseEnd, dcl: nav.domContentLoadedEventEnd },
      };
    });
    await context.close();
    if (r === 0) continue; // warm-up: the server's caches and the JIT
    console.log(`\nvisit ${r}: exposure chart's svg in the document at ${chartMs.toFixed(0)} ms`);
    console.log(
      `  document: first byte ${timeline.nav.firstByte.toFixed(0)} ms, end ${timeline.nav.end.toFixed(0)} ms, ` +
        `DOMContentLoaded ${timeline.nav.dcl.toFixed(0)} ms`,
    );
    for (const e of timeline.entries) {
      console.log(
        `  ${e.start.toFixed(0).padStart(5)} → ${e.firstByte.toFixed(0).padStart(5)} → ${e.end.toFixed(0).padStart(5)} ms  ` +
          `${e.what} (${(e.bytes / 1024).toFixed(0)} KiB)`,
      );
    }
    for (const p of timeline.paints) console.log(`  ${p.at.toFixed(0).padStart(5)} ms  ${p.name}`);
    for (const m of timeline.marks) console.log(`  ${m.at.toFixed(0).padStart(5)} ms  mark ${m.name}`);
    const profiled = (profile.endTime - profile.startTime) / 1000;
    const byScript = [...selfTime(profile, (n) => shortUrl(n.callFrame.url) || n.callFrame.functionName)];
    byScript.sort((a, b) => b[1] - a[1]);
    console.log(`  CPU profile, ${profiled.toFixed(0)} ms, self time by script:`);
    for (const [k, v] of byScript.slice(0, 8)) console.log(row(k, v));
    const byFunction = [
      ...selfTime(
        profile,
        (n) =>
          `${n.callFrame.functionName || "(anonymous)"} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`,
      ),
    ];
    byFunction.sort((a, b) => b[1] - a[1]);
    console.log("  self time by function:");
    for (const [k, v] of byFunction.slice(0, top)) console.log(row(k, v));
  }
} finally {
  await workbench.close();
}
