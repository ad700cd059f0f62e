/**
 * The workbench end to end in headless Chromium, as an analyst would use it on korea-2018, at
 * 1280×800. Its pages' screenshots, and the exposure chart's SVG and PNG files, are checked at three
 * sizes by test/web/layouts.test.ts; the markdown export goes to test-artifacts/ (the briefing's
 * HTML and PDF, from test/web/planner-views.test.ts, too).
 * Along the walk: every script and stylesheet arrives compressed and immutable (issue 14), and the
 * YAML editor analyses a burst of typing once it pauses, not once per key (issue 14's debounce).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page, Request, Response } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SimulationReport } from "../../src/simulate/report.ts";
import { BROWSER_MAX_RUNS } from "../../web/src/workers/simulation-runs.ts";
import { ROOT } from "../helpers/cli.ts";
import { type Eventually, pollingWith, SOLVE_MS, UPDATE_MS } from "../helpers/wait.ts";
import { openBuiltInWorkbench, type Workbench } from "./browser.ts";

const ARTIFACTS = join(ROOT, "test-artifacts");
let workbench: Workbench;
let page: Page;
/** Every script and stylesheet the walk's page loads, with its response. */
const assets: Response[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  workbench = await openBuiltInWorkbench();
  page = await workbench.newPage({ width: 1280, height: 800 });
  page.setDefaultTimeout(UPDATE_MS);
  page.on("pageerror", (error) => {
    throw error;
  });
  page.on("response", (response) => {
    if (/\/assets\/.+\.(js|css)$/.test(new URL(response.url()).pathname)) assets.push(response);
  });
});
afterAll(async () => {
  await workbench?.close();
});

/** Records the method of every request whose path matches, until stop(). */
function countRequests(path: RegExp): { stop(): string[] } {
  const seen: string[] = [];
  const listen = (request: Request) => {
    if (path.test(new URL(request.url()).pathname)) seen.push(request.method());
  };
  page.on("request", listen);
  return {
    stop() {
      page.off("request", listen);
      return seen;
    },
  };
}

const workers = () => page.workers().map((w) => w.url());

/** Keeps every value the progress bar takes in window.progressSeen. */
async function watchProgress(): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    new MutationObserver(() => {
      const bar = document.querySelector("progress");
      if (bar) seen.push(Number(bar.getAttribute("value")));
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

/** The same simulation as a server job: korea-2018's phased plan. */
async function serverSimulation(runs: number, seed: number): Promise<SimulationReport> {
  const started = await fetch(`${workbench.url}/api/simulate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scenarioId: "korea-2018", plan: "phased", runs, seed }),
  }).then((r) => r.json() as Promise<{ id: string }>);
  for (;;) {
    const job = (await fetch(`${workbench.url}/api/simulate/${started.id}`).then((r) => r.json())) as {
      status: string;
      result?: SimulationReport;
    };
    if (job.status === "done") return job.result!;
    if (job.status !== "running") throw new Error(`server job ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const exposureSvg = () => page.locator("[data-testid=exposure-chart] svg").first().innerHTML();

// The walk below and the fallback (a page of its own whose workers cannot start) run at the same
// time; each polls on its own test's `expect` (test/helpers/wait.ts says why).
describe("workbench", { concurrent: true }, () => {
  let eventually: Eventually;
  beforeEach(({ expect }) => {
    eventually = pollingWith(expect);
  });
  it.sequential("lists the scenarios with a description", async () => {
    await page.goto(`${workbench.url}/`);
    const card = page.locator("[data-scenario=korea-2018]");
    await card.waitFor();
    await eventually(() => card.textContent()).toMatch(/built-in/);
    await eventually(() => card.textContent()).toMatch(/denuclearisation/);
  });

  it.sequential("shows 'disarm first' infeasible with DPRK's exposure highlighted", async () => {
    await page.locator("[data-scenario=korea-2018] a").click();
    await page.locator("[data-testid=plan-select]").waitFor();
    // The chart drew from scripts and styles that all came compressed (brotli or gzip, whichever
    // Chromium asks for) and marked immutable: the library's and the scenario pages' chunks.
    await page.locator("[data-testid=exposure-chart] svg").first().waitFor();
    expect(assets.length).toBeGreaterThan(1);
    const served = await Promise.all(
      assets.map(async (response) => {
        const headers = await response.allHeaders();
        return `${new URL(response.url()).pathname}: ${headers["content-encoding"]}, ${headers["cache-control"]}, vary ${headers.vary}`;
      }),
    );
    // every one of them, named when it is not
    expect(
      served.filter(
        (line) => !/: (br|gzip), public, max-age=31536000, immutable, vary .*accept-encoding/i.test(line),
      ),
    ).toEqual([]);
    await page.selectOption("[data-testid=plan-select]", "upfront:dprk");
    await eventually(() => page.locator("[data-testid=plan-select] option:checked").textContent()).toMatch(
      /disarm first/,
    );
    await eventually(() => page.locator("[data-testid=verdict]").textContent()).toBe("Not feasible");
    await eventually(() =>
      page.locator("[data-testid=exposure-legend] li[data-party=dprk]").getAttribute("class"),
    ).toContain("over");
    await eventually(() =>
      page.locator("[data-testid=swimlane] tr[data-party=dprk]").getAttribute("class"),
    ).toContain("is-exposed");
    await eventually(() =>
      page.locator("[data-testid=swimlane] tr[data-party=us]").getAttribute("class"),
    ).not.toContain("is-exposed");
    // A violation, when chosen, lights up the phase and the moves it names.
    const first = page.locator("[data-testid=violations] button").first();
    await eventually(() => first.textContent()).toMatch(/exposure · DPR Korea · phase 1/);
    await first.click();
    await eventually(() => page.locator(".chip.is-highlighted").count()).toBeGreaterThan(0);
    await eventually(() => page.locator("th.lane-phase.is-highlighted").textContent()).toBe("phase 1");
    // No layout break at 1280×800: nothing sticks out sideways, and both panes fit the window.
    await eventually(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      1280,
    );
    for (const pane of await page.locator(".pane").all()) {
      const box = (await pane.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1280);
      expect(box.y + box.height).toBeLessThanOrEqual(800);
    }
  });

  it.sequential("compares the plans side by side", async () => {
    await page.getByRole("tab", { name: "Compare" }).click();
    const row = page.locator("[data-testid=compare-table] tr[data-plan='upfront:dprk']");
    await eventually(() => row.locator("[data-testid=verdict]").textContent()).toBe("Not feasible");
    await eventually(() => page.locator("[data-testid=compare-chart] svg").count()).toBeGreaterThan(0);
  });

  it.sequential("finds the best plan in a browser worker and shows a feasible timeline", async () => {
    await page.getByRole("tab", { name: "Find the best plan" }).click();
    const calls = countRequests(/\/api\/(plan|compare)$/);
    await page.locator("[data-testid=find-best-plan]").click();
    const result = page.locator("[data-testid=best-plan-result]");
    await result.waitFor({ timeout: SOLVE_MS });
    await eventually(() => result.locator("[data-testid=verdict]").textContent()).toMatch(/^Feasible/);
    await eventually(() => result.locator("[data-testid=swimlane] .chip").count()).toBeGreaterThan(0);
    await eventually(() => page.locator("[data-testid=solved-in]").getAttribute("data-where")).toBe(
      "browser",
    );
    expect(calls.stop()).toEqual([]);
    expect(workers().some((url) => /planner\.worker/.test(url))).toBe(true);
  });

  it.sequential("keeps the optimum in the address, and adds it to the comparison, solved in the browser", async () => {
    // The optimum found above is in the address: a reload still offers it.
    await page.reload();
    await page.getByRole("tab", { name: "Compare" }).click();
    await page.locator("[data-testid=compare-table] tr[data-plan=optimal]").waitFor();
    await eventually(() => page.locator("[data-testid=compare-add-optimum]").count()).toBe(0);
    // Without it in the address, Compare offers to find it.
    // (loaded afresh from the address: via about:blank, since a new hash alone re-routes the app)
    await page.goto("about:blank");
    await page.goto(`${workbench.url}/#/s/korea-2018?tab=compare`);
    const calls = countRequests(/\/api\/(plan|compare)$/);
    await page.locator("[data-testid=compare-add-optimum]").click();
    await page.locator("[data-testid=compare-table] tr[data-plan=optimal]").waitFor({ timeout: SOLVE_MS });
    await eventually(() =>
      page.locator("[data-testid=compare-table] tr[data-plan=optimal] [data-testid=verdict]").textContent(),
    ).toMatch(/^Feasible/);
    expect(calls.stop()).toEqual([]);
    // "Add the optimum" asks for the same search as "Find the best plan" did above (fewest phases,
    // not robust), so the tab kept one answer and searched once, not twice (plan-cache.ts).
    const kept = await page.evaluate(() =>
      Object.keys(sessionStorage)
        .filter((name) => name.startsWith("lockstep:plan:") && name !== "lockstep:plan:order")
        .map((name) => JSON.parse(JSON.parse(sessionStorage.getItem(name) ?? "{}").key ?? "{}")),
    );
    expect(kept.filter((key) => key.kind === "plan" && /^id: korea-2018$/m.test(key.source))).toEqual([
      expect.objectContaining({ options: { objective: "phases", robust: false } }),
    ]);
  });

  it.sequential("re-analyses an edit in the table view and redraws the exposure chart", async () => {
    await page.getByRole("tab", { name: "Plan", exact: true }).click();
    await page.selectOption("[data-testid=plan-select]", "upfront:dprk");
    const before = await exposureSvg();
    const legendBefore = await page
      .locator("[data-testid=exposure-legend] li[data-party=dprk]")
      .textContent();
    await page.getByRole("tab", { name: "Tables" }).click();
    const cell = page.locator("[data-testid='value-arsenal-dismantle-dprk']");
    // Double the DPRK's cost of dismantling its arsenal (the cell may hold a number or a range).
    const old = (await cell.inputValue()).match(/-?[\d.]+/g)!.map(Number);
    await cell.fill(String((2 * old.reduce((a, b) => a + b, 0)) / old.length));
    await cell.press("Tab");
    await page.waitForFunction(
      (svg) => document.querySelector("[data-testid=exposure-chart] svg")?.innerHTML !== svg,
      before,
    );
    await eventually(() =>
      page.locator("[data-testid=exposure-legend] li[data-party=dprk]").textContent(),
    ).not.toBe(legendBefore);
  });

  it.sequential("shows a broken field as an error at its line", async () => {
    await page.getByRole("tab", { name: "YAML" }).click();
    const idLine = page.locator(".cm-line", { hasText: /^id: korea-2018$/ });
    await idLine.click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    const analyses = () => (window as unknown as { __lockstepAnalyses?: number }).__lockstepAnalyses ?? 0;
    const before = await page.evaluate(analyses);
    const typed = "colour: red";
    await page.keyboard.type(typed); // one key after another, as fast as the page takes them
    const source = await page.evaluate(() => sessionStorage.getItem("lockstep:draft:korea-2018") ?? "");
    const line = source.split("\n").indexOf("colour: red") + 1;
    expect(line).toBeGreaterThan(1);
    const issues = page.locator("[data-testid=issues]");
    await issues.waitFor();
    await eventually(() => issues.textContent()).toContain(`line ${line}:1`);
    await eventually(() => issues.textContent()).toContain("unknown field 'colour'");
    await eventually(() => page.locator(".cm-lintRange-error").count()).toBeGreaterThan(0);
    await eventually(() => page.locator(".cm-gutter-lint .cm-lint-marker-error").count()).toBe(1);
    // The burst was analysed once it paused, and that analysis was of the whole text (the unknown
    // field is named above): once nothing more is pending, fewer analyses than keys (Enter included).
    await page.waitForTimeout(1000);
    const runs = (await page.evaluate(analyses)) - before;
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThan(typed.length + 1);
    await page.getByRole("button", { name: "Revert" }).click();
    await page.locator("[data-testid=issues]").waitFor({ state: "detached" });
  });

  it.sequential("runs a small simulation in the browser with progress, as the server would", async () => {
    await page.getByRole("tab", { name: "Simulate" }).click();
    await page.selectOption("[data-testid=plan-select]", "phased");
    await page.getByLabel("runs", { exact: true }).fill("20000");
    await page.getByLabel("seed", { exact: true }).fill("5");
    await eventually(() => page.locator("[data-testid=simulate-where]").textContent()).toBe(
      "in this browser",
    );
    const calls = countRequests(/\/api\/simulate/);
    await watchProgress();
    await page.getByRole("button", { name: "Simulate", exact: true }).click();
    const result = page.locator("[data-testid=simulation-result]");
    await result.waitFor({ timeout: SOLVE_MS });
    expect(calls.stop()).toEqual([]);
    await eventually(() => page.locator("progress[data-where=browser]").getAttribute("value")).toBe("20000");
    // The bar moved through intermediate values, not straight from 0 to done.
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.filter((v) => v > 0 && v < 20000).length).toBeGreaterThan(0);
    // Same seed, same runs: the server's job reports the same P(complete).
    const text = (await result.textContent()) ?? "";
    const shown = text.match(/P\(complete\) = ([\d.]+)%/)![1];
    const server = await serverSimulation(20000, 5);
    expect((server.completion.p * 100).toFixed(1)).toBe(shown);
    expect(text).toContain(`over ${server.runs} runs`);
    await eventually(() => result.locator("svg").count()).toBeGreaterThanOrEqual(2);
  });

  it.sequential("sends a large simulation to the server as a job with progress", async () => {
    // one run more than the browser takes is large (40,000 before: twice the server's work for the
    // same claim)
    const large = BROWSER_MAX_RUNS + 1;
    await page.getByLabel("runs", { exact: true }).fill(String(large));
    await eventually(() => page.locator("[data-testid=simulate-where]").textContent()).toBe("on the server");
    const calls = countRequests(/\/api\/simulate$/);
    await page.getByRole("button", { name: "Simulate", exact: true }).click();
    await page.locator("progress[data-where=server]").waitFor();
    await page.waitForFunction(
      (runs) =>
        document.querySelector("[data-testid=simulation-result]")?.textContent?.includes(`over ${runs} runs`),
      large,
      { timeout: SOLVE_MS },
    );
    expect(calls.stop()).toEqual(["POST"]);
    await page.getByLabel("runs", { exact: true }).fill("2000");
  });

  // "Can be driven from the keyboard" (End and Home across the view tabs) is in
  // test/web/keyboard.test.ts, "reaches the view tabs with Tab and moves between them with the
  // arrow keys", which presses End and Home (and the arrows) on the same tab list at the same size.

  // The printable briefing (its PDF and HTML) is exported in planner-views.test.ts, from a tab that
  // has korea-2018's safest plan already: the briefing leads with it, and here it would be one more
  // search.
  it.sequential("exports the plan as markdown", async () => {
    await page.getByRole("tab", { name: "Export" }).click();
    const [markdown] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Markdown" }).click(),
    ]);
    const mdPath = join(ARTIFACTS, markdown.suggestedFilename());
    await markdown.saveAs(mdPath);
    expect(readFileSync(mdPath, "utf8")).toMatch(/## Phase 1/);
  });
});

describe("workbench without its workers", { concurrent: true }, () => {
  it("falls back to the server, and says so, when a worker cannot start", async ({ expect }) => {
    const eventually = pollingWith(expect);
    // a second tab beside the walk's (test/web/browser.ts): its own page and tab storage, and
    // the scripts already fetched (a fresh context costs about 2 CPU-s more to open the app)
    const other = await workbench.newPage();
    try {
      await other.route(/(planner|simulate)\.worker[^/]*\.js$/, (route) => route.abort());
      const planCalls: string[] = [];
      other.on("request", (r) => {
        if (new URL(r.url()).pathname === "/api/plan") planCalls.push(r.method());
      });
      // a small scenario: the check is of the fallback, not of the search (the walk's tab searched
      // korea-2018 in its worker), and the server plans and simulates it for a fraction of korea's CPU
      await other.goto(`${workbench.url}/#/s/jcpoa-2015`);
      await other.getByRole("tab", { name: "Find the best plan" }).click();
      await other.locator("[data-testid=find-best-plan]").click();
      await other.locator("[data-testid=best-plan-result]").waitFor({ timeout: SOLVE_MS });
      const note = other.locator("[data-testid=solved-in]");
      await eventually(() => note.getAttribute("data-where")).toBe("server");
      await eventually(() => note.textContent()).toMatch(/could not start/);
      expect(planCalls).toEqual(["POST"]);

      await other.getByRole("tab", { name: "Simulate" }).click();
      await other.getByRole("button", { name: "Simulate", exact: true }).click();
      await other.locator("[data-testid=simulation-result]").waitFor({ timeout: SOLVE_MS });
      await eventually(() => other.locator("progress").getAttribute("data-where")).toBe("server");
      await eventually(() =>
        other.getByRole("status").filter({ hasText: "simulation worker" }).textContent(),
      ).toMatch(/could not start/);
    } finally {
      await other.close();
    }
  });
});
