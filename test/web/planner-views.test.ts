/**
 * The planner's v2 figures in the workbench, in headless Chromium: the objective picker (fewest
 * phases / safest / most progress), the safety frontier (best-plan tab, plan page, briefing),
 * θ* beside every verdict, the briefing printed to PDF and
 * downloaded as HTML (to test-artifacts/); and table editing (actor,
 * requires, new moves, undo by button and keyboard, round trips with the YAML editor).
 */

import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileScenario } from "../../src/analysis/compile.ts";
import { parseSource, readScenarioSource } from "../../src/io/scenario-files.ts";
import { ROOT } from "../helpers/cli.ts";
import { type Eventually, SOLVE_MS } from "../helpers/wait.ts";
import { openBuiltInWorkbench, type Workbench } from "./browser.ts";
import { ownPage } from "./own-page.ts";

/** Where the briefing's PDF and HTML go (CI keeps test-artifacts/). */
const ARTIFACTS = join(ROOT, "test-artifacts");
let workbench: Workbench;
/** Each walk is a tab of the test process's browser context (test/web/browser.ts, own-page.ts). */
const tab = () => workbench.newPage({ width: 1280, height: 800 });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  workbench = await openBuiltInWorkbench();
});
afterAll(async () => {
  await workbench?.close();
});

/**
 * The scenarios whose safest plans the walks search for. The checks are of the views (the
 * objective picker, the frontier chart and its points, the briefing, a cut-short search not
 * kept), so they search small scenarios: jcpoa-2015's and egypt-israel-1979's safest plans with
 * their frontiers take HiGHS about a tenth of korea-2018's and escrow-sale's, which these walks
 * searched before (korea-2018 for the first, escrow-sale twice for the second). Two different
 * ones: the second walk needs a scenario the tab has no search for yet.
 */
const SAFEST = "jcpoa-2015";
const ON_REQUEST = "egypt-israel-1979";

const compiled = (id: string) => {
  const parsed = parseSource(readScenarioSource(id));
  if (!parsed.ok) throw new Error(`${id} does not parse`);
  return compileScenario(parsed.scenario);
};

/** The YAML editor's whole text (it draws only the lines in view, so the DOM holds only part). */
const editorText = (page: Page) =>
  page.evaluate(() => {
    // CodeMirror keeps its view on the content element (EditorView.findFromDOM reads the same).
    type Found = { state: { doc: { toString(): string } } };
    const content = document.querySelector(".cm-content") as unknown as {
      cmTile?: { root?: { view?: Found } };
      cmView?: { view?: Found };
    };
    const view = content.cmTile?.root?.view ?? content.cmView?.view;
    return view?.state.doc.toString() ?? "";
  });

const params = (page: Page) => new URL(page.url().replace("#/", "")).searchParams;

/**
 * Loads the app at `hash`, as opening the link in this tab would: it reads its state from the
 * address and the tab's storage. A tab already on the app leaves it first (a change of hash alone
 * would only re-route the running app); the tab's storage (kept searches, drafts) stays. One load,
 * where going to the hash and reloading drew the route twice.
 */
async function open(page: Page, hash: string): Promise<void> {
  if (page.url() !== "about:blank") await page.goto("about:blank");
  await page.goto(`${workbench.url}/${hash}`);
}

// Two walks at the same time, each on a page of its own (test/web/own-page.ts): the planner's
// searches one after another (its budget is wall-clock time, src/planner/find.ts: two side by
// side would each get half of it), and the table editing, which searches nothing.
describe("the planner's figures", { concurrent: true }, () => {
  const own = ownPage(() => workbench, {}, tab);
  let page: Page;
  let eventually: Eventually;
  beforeEach(() => {
    ({ page, eventually } = own);
  });
  describe.sequential("the safest plan and its frontier", () => {
    it("picks 'safest' among the three objectives, charts the frontier and shows a point's plan", async () => {
      await open(page, `#/s/${SAFEST}?tab=best`);
      const picker = page.locator("[data-testid=objective-picker]");
      await picker.waitFor();
      await eventually(() => picker.getByRole("radio").count()).toBe(3);
      await eventually(() => page.getByRole("radio", { name: /Fewest phases/ }).isChecked()).toBe(true);
      await page.getByRole("radio", { name: /Safest/ }).check();
      // the app writes the choice into the address after the click, not during it
      await eventually(() => params(page).get("objective")).toBe("safety");
      await page.locator("[data-testid=find-best-plan]").click();
      const result = page.locator("[data-testid=best-plan-result]");
      await result.waitFor({ timeout: SOLVE_MS });
      // θ* beside the verdict in the heading, and the frontier with one bar per number of phases.
      await eventually(() => result.locator("[data-testid=report-theta]").textContent()).toMatch(
        /θ\* \d+\.\d\d/,
      );
      const buttons = result.locator("[data-testid=frontier] .frontier-points button");
      const count = await buttons.count();
      const scenario = compiled(SAFEST);
      expect(count).toBeGreaterThan(0);
      const first = Number((await buttons.first().textContent())?.match(/≤ (\d+)/)?.[1]);
      expect(count).toBe(scenario.horizon - first + 1);
      const summary = await result
        .locator("[data-testid=frontier-chart] .chart-body")
        .getAttribute("aria-label");
      expect(summary).toMatch(/θ\* rises from|Extra phases buy no safety/);
      await eventually(() =>
        result.locator("[data-testid=frontier-chart] [data-testid=chart-legend]").textContent(),
      ).toMatch(/θ\* = 1/);
      await eventually(() =>
        result.locator("[data-testid=frontier-chart] .chart-note").textContent(),
      ).toMatch(/multiple of the stated uncertainty/);
      // The fewest-phases point: its plan replaces the safest one, as feasible as the frontier says.
      await buttons.first().click();
      await eventually(() => buttons.first().getAttribute("aria-pressed")).toBe("true");
      await eventually(() => result.locator("h3").first().textContent()).toMatch(
        new RegExp(`within ${first} phases`),
      );
      await eventually(() => result.locator("[data-testid=verdict]").first().textContent()).toMatch(
        /^Feasible/,
      );
      await eventually(() => result.locator("[data-testid=safety]").first().textContent()).toMatch(/θ\* \d/);
      await result.getByRole("button", { name: "Back to the safest plan" }).click();
      await eventually(() => result.locator("[data-testid=report-theta]").count()).toBe(1);
    }, 300_000);

    it("charts the frontier on the plan page; a bar picks the plan the view shows", async () => {
      await page.getByRole("tab", { name: "Plan", exact: true }).click();
      // The safest search above charted it already; the plan page shows it without a new search.
      const panel = page.locator("[data-testid=frontier-panel]");
      await panel.locator("[data-testid=frontier-chart] svg").waitFor();
      const bars = panel.locator("[data-testid=frontier-chart] svg g[aria-label=bar] rect");
      await eventually(() => bars.count()).toBeGreaterThan(1);
      await bars.nth(1).click();
      const select = page.locator("[data-testid=plan-select]");
      await eventually(() => select.inputValue()).toMatch(/^frontier-\d+$/);
      const chosen = await select.inputValue();
      await eventually(() => params(page).get("plan")).toBe(chosen);
      await eventually(() => panel.locator("button[aria-pressed=true]").textContent()).toContain(
        `≤ ${chosen.slice("frontier-".length)} phases`,
      );
      await eventually(() => page.locator(".plan-view [data-testid=verdict]").first().textContent()).toMatch(
        /^Feasible/,
      );
    }, 300_000);

    it("charts it on request when nothing has yet", async () => {
      await open(page, `#/s/${ON_REQUEST}`);
      const panel = page.locator("[data-testid=frontier-panel]");
      await panel.locator("[data-testid=chart-frontier]").click();
      await panel.locator("[data-testid=frontier-chart] svg").waitFor({ timeout: SOLVE_MS });
      const point = panel.locator(".frontier-points button").first();
      await point.click();
      await eventually(() => page.locator("[data-testid=plan-select]").inputValue()).toMatch(/^frontier-/);
      await eventually(() => panel.getByRole("status").textContent()).toMatch(/now shows the safest plan/);

      // The search is kept in the tab (plan-cache.ts) only because it ran to its end. One its time
      // limit cut short (under load the frontier came back empty) must not stick: kept, the chart
      // never appeared in that tab again. Make the kept answer such a one and reload: the point in
      // the address brings the frontier back, searched again, not the cut-short answer.
      const kept = () =>
        page.evaluate(
          (id) =>
            Object.keys(sessionStorage)
              .filter((name) => name.startsWith("lockstep:plan:") && name !== "lockstep:plan:order")
              .map((name) => ({ name, stored: JSON.parse(sessionStorage.getItem(name) ?? "{}") }))
              .filter(({ stored }) => {
                const key = String(stored.key);
                return key.includes('"objective":"safety"') && key.includes(`id: ${id}`);
              }),
          ON_REQUEST,
        );
      const [entry] = await kept();
      expect(entry.stored.value.result.status).toBe("optimal");
      expect(entry.stored.value.result.frontier.every((p: { proven: boolean }) => p.proven)).toBe(true);
      await page.evaluate(({ name, stored }) => {
        const cut = { ...stored.value.result, status: "feasible", frontier: [] };
        sessionStorage.setItem(name, JSON.stringify({ ...stored, value: { ...stored.value, result: cut } }));
      }, entry);
      await eventually(() => params(page).get("plan")).toMatch(/^frontier-/);
      await page.reload();
      await panel.locator("[data-testid=frontier-chart] svg").waitFor({ timeout: SOLVE_MS });
      await eventually(async () => (await kept())[0]?.stored.value.result.frontier.length).toBeGreaterThan(0);
    }, 300_000);

    it("opens the printable briefing from Export: it recommends the safest plan, prints and downloads", async () => {
      // the safest plan is in the tab already (the first test's search): the briefing,
      // which leads with it, shows it without a search of its own
      await open(page, `#/s/${SAFEST}?tab=export`);
      await page.locator("[data-testid=open-briefing]").click();
      await page.locator("[data-testid=briefing]").waitFor();
      await eventually(() => page.locator("[data-testid=recommendation]").textContent(), SOLVE_MS).toMatch(
        /safest/,
      );
      await eventually(() => page.locator("[data-testid=recommendation]").textContent()).toMatch(/feasible/);
      await eventually(() => page.locator("[data-testid=alternatives] li").count()).toBeGreaterThan(1);
      await eventually(() => page.locator("[data-testid=alternatives]").textContent()).toMatch(
        /upfront:iran/,
      );
      await page.emulateMedia({ media: "print" });
      await page.pdf({ path: join(ARTIFACTS, "briefing.pdf"), format: "A4" });
      await page.emulateMedia({ media: "screen" });
      const [html] = await Promise.all([
        page.waitForEvent("download"),
        page.locator("[data-testid=download-briefing]").click(),
      ]);
      const htmlPath = join(ARTIFACTS, html.suggestedFilename());
      await html.saveAs(htmlPath);
      expect(readFileSync(htmlPath, "utf8")).toMatch(/Why the alternatives fail/);
    }, 300_000);

    it("the briefing leads with the frontier and the safest plan, its θ* and what breaks first", async () => {
      // the briefing the test above opened, as it came up
      expect(new URL(page.url()).hash).toMatch(new RegExp(`^#/s/${SAFEST}/briefing`));
      const frontier = page.locator("[data-testid=briefing-frontier]");
      await frontier.waitFor({ timeout: SOLVE_MS });
      // The frontier comes before the recommendation.
      const [f, r] = await Promise.all([
        frontier.boundingBox(),
        page.locator("[data-testid=recommendation]").boundingBox(),
      ]);
      expect(f!.y).toBeLessThan(r!.y);
      await eventually(() => page.locator("[data-testid=briefing-plan]").inputValue()).toBe("safest");
      const safety = page.locator("[data-testid=briefing-safety]");
      await eventually(() => safety.textContent()).toMatch(/Safety factor θ\* \d+\.\d\d/);
      await eventually(() => safety.textContent()).toMatch(/What breaks first: \S/);
      // A frontier point becomes the plan covered, kept in the address.
      await frontier.locator(".frontier-points button").first().click();
      await eventually(() => page.locator("[data-testid=briefing-plan]").inputValue()).toMatch(/^frontier-/);
      await eventually(() => params(page).get("plan")).toMatch(/^frontier-/);
      await eventually(() => page.locator("[data-testid=recommended-instead]").textContent()).toMatch(
        /safest/,
      );
    }, 300_000);
  });
  // hanoi-2019's interim deal (its progress, each deferred item with why, its chart, the interim
  // plan feasible) is checked in test/web/layouts.test.ts's "the interim deal: progress and
  // deferred items", on the panel that test searches for anyway: one search of it, not two.
  describe.sequential("θ* beside feasibility", () => {
    it("in the compare table, one cell per plan", async () => {
      await open(page, "#/s/korea-2018?tab=compare");
      // the table fills in once the planner has planned every plan it compares: a solve, so wait long
      const table = page.locator("[data-testid=compare-table]");
      const rows = table.locator("tbody tr");
      await rows.first().waitFor({ timeout: SOLVE_MS });
      await eventually(() => rows.count(), SOLVE_MS).toBeGreaterThan(2);
      const n = await rows.count();
      for (let i = 0; i < n; i++) {
        const row = rows.nth(i);
        const verdict = await row.locator("[data-testid=verdict]").textContent();
        const theta = await row.locator("[data-testid=theta]").textContent();
        expect(theta).toMatch(verdict?.startsWith("Feasible") ? /^(≥ )?\d+\.\d\d$|^unbounded$/ : /^—$/);
      }
    }, 300_000);
  });
});

describe("table editing", { concurrent: true }, () => {
  const own = ownPage(() => workbench, {}, tab);
  let page: Page;
  let eventually: Eventually;
  beforeEach(() => {
    ({ page, eventually } = own);
  });
  const yaml = async () =>
    parse(await page.evaluate(() => sessionStorage.getItem("lockstep:draft:escrow-sale") ?? ""));

  it("edits actor and requires, adds a move, undoes by button and keyboard, round-trips with the YAML", async () => {
    await open(page, "#/s/escrow-sale");
    await page.getByRole("tab", { name: "Tables" }).click();
    const moves = compiled("escrow-sale").scenario.moves;
    const [a, b] = [moves[0]!, moves[1]!];
    // The actor, from the parties.
    const other = compiled("escrow-sale").partyIds.find((p) => p !== a.actor)!;
    await page.locator(`[data-testid='actor-${a.id}']`).selectOption(other);
    await page.locator("[data-testid=unsaved]").waitFor();
    await eventually(async () => (await yaml()).moves[0].actor).toBe(other);
    // Requires: an unknown id is refused with a did-you-mean, a known one written.
    const requires = page.locator(`[data-testid='requires-${b.id}']`);
    await requires.fill(`${a.id}x`);
    await requires.press("Tab");
    await eventually(() => requires.evaluate((el: HTMLInputElement) => el.validationMessage)).toMatch(
      new RegExp(`no move '${a.id}x'.*${a.id}`),
    );
    await requires.fill(a.id);
    await requires.press("Tab");
    await eventually(async () => (await yaml()).moves[1].requires).toEqual([a.id]);
    // A new move: every party's value starts at 0, ready to fill in.
    const form = page.locator("[data-testid=add-move]");
    await form.locator("[data-testid=new-move-id]").fill("audit");
    await form.locator("[data-testid=new-move-title]").fill("Independent audit of the code");
    await form.getByRole("button", { name: "Add the move" }).click();
    await page.locator("[data-testid='actor-audit']").waitFor();
    await eventually(async () => (await yaml()).moves.at(-1)?.id).toBe("audit");
    const added = (await yaml()).moves.at(-1);
    expect(added).toMatchObject({ id: "audit", title: "Independent audit of the code" });
    expect(Object.values(added.value)).toEqual(compiled("escrow-sale").partyIds.map(() => 0));
    // A duplicate id is refused in words.
    await form.locator("[data-testid=new-move-id]").fill("audit");
    await form.getByRole("button", { name: "Add the move" }).click();
    await eventually(() => form.getByRole("alert").textContent()).toMatch(/already a move 'audit'/);
    await form.locator("[data-testid=new-move-id]").fill("");
    // Undo by button takes the move back; Ctrl+Z the requires edit.
    await page.locator("[data-testid=table-undo]").click();
    await page.locator("[data-testid='actor-audit']").waitFor({ state: "detached" });
    await page.locator(`[data-testid='actor-${a.id}']`).focus();
    await page.keyboard.press("Control+z");
    await page.waitForFunction(
      ([id, was]) =>
        (document.querySelector(`[data-testid='requires-${id}']`) as HTMLInputElement)?.value === was,
      [b.id, b.requires.join(", ")],
    );
    await eventually(async () => (await yaml()).moves[1].requires ?? []).toEqual(b.requires);
    // The actor edit is still there; the YAML editor shows it (tables → YAML).
    await page.getByRole("tab", { name: "YAML" }).click();
    await eventually(() => editorText(page)).toMatch(new RegExp(`id: ${a.id}\\n\\s*actor: ${other}\\n`));
    // YAML → tables: the actor typed back in the editor appears in its cell. The cursor goes to the
    // end of the first move's actor line (the editor draws only the lines in view), then real keys.
    await page.evaluate((line) => {
      const view = editorView();
      const at = view.state.doc.toString().indexOf(line) + line.length;
      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      view.focus();
      function editorView(): CodeMirrorView {
        const content = document.querySelector(".cm-content") as unknown as {
          cmTile?: { root?: { view?: CodeMirrorView } };
          cmView?: { view?: CodeMirrorView };
        };
        const found = content.cmTile?.root?.view ?? content.cmView?.view;
        if (!found) throw new Error("no CodeMirror view on .cm-content");
        return found;
      }
      interface CodeMirrorView {
        state: { doc: { toString(): string } };
        dispatch(spec: object): void;
        focus(): void;
      }
    }, `actor: ${other}`);
    for (let i = 0; i < other.length; i++) await page.keyboard.press("Backspace");
    await page.keyboard.type(a.actor);
    await eventually(async () => (await yaml()).moves[0].actor).toBe(a.actor);
    await page.getByRole("tab", { name: "Tables" }).click();
    // Typing is analysed once it pauses (the editor's debounce), so the tables follow shortly.
    await eventually(() => page.locator(`[data-testid='actor-${a.id}']`).inputValue()).toBe(a.actor);
    // An edit outside the tables ends their undo history: undo never overwrites it.
    await eventually(() => page.locator("[data-testid=table-undo]").isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Revert" }).click();
    await page.locator("[data-testid=unsaved]").waitFor({ state: "detached" });
  }, 180_000);
});
