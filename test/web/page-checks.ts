/**
 * Checks a page state must pass at every size: axe-core (no serious or critical problem), no
 * sideways scroll, and no scroll beyond what the page shows.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import { expect } from "vitest";
import { ROOT } from "../helpers/cli.ts";
import { timed } from "./profile.ts";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export const SIZES = [
  { name: "laptop", width: 1280, height: 800 },
  { name: "desktop", width: 1920, height: 1080 },
  { name: "phone", width: 390, height: 844 },
] as const;

export type Size = (typeof SIZES)[number];

/**
 * The checks a page state passes at each of the three sizes, one size after another, resized in
 * place: no sideways scroll, axe-core (every rule at the first size, and at the others the rules
 * whose findings can change with the size: `SIZE_DEPENDENT_RULES` says which and why) and, with
 * `asTallAsContent`, no scroll beyond what the page shows. With `screenshots` (a folder from
 * `screenshotDir`), a full-page screenshot `STATE-phone.png` at the phone's size, whose one-column
 * layout is the one a developer's screen does not show, and `STATE-SIZE.png` at any size where a
 * check failed, as layouts.test.ts keeps its pictures: the checks, not the pictures, are what fails
 * (nothing compares them). Each size is checked once the page has taken the new width and drawn two
 * frames at it, so a redraw that follows a ResizeObserver callback is in. `more`, a caller's own
 * checks at each size, runs after these (a failure in it is pictured too); `name`, the pictures'
 * STATE when it is not `state`; with `phonePicture: false`, pictures of failures only. With
 * `sizes` (some of SIZES), only those. Leaves the page at SIZES[0], the size the walks run at; with
 * `stay`, the page is checked first at the size it is at (when that is one of them), then at the
 * others in SIZES' order, and left at the last: one resize per state for a walk whose steps work at
 * any size.
 */
export async function checkAtEverySize(
  page: Page,
  state: string,
  {
    screenshots,
    name = state,
    asTallAsContent = false,
    more,
    phonePicture = true,
    sizes,
    stay = false,
  }: {
    screenshots?: string;
    name?: string;
    asTallAsContent?: boolean;
    more?: (size: Size, at: string) => Promise<void>;
    phonePicture?: boolean;
    sizes?: readonly Size[];
    stay?: boolean;
  } = {},
): Promise<void> {
  const order = stay ? startingAt(sizes ?? SIZES, page.viewportSize()) : (sizes ?? SIZES);
  for (const [index, size] of order.entries()) {
    const at = `${state} at ${size.name}`;
    const picture = () =>
      screenshots ? saveFullPageScreenshot(page, join(screenshots, `${name}-${size.name}.png`)) : undefined;
    const now = page.viewportSize();
    if (now?.width !== size.width || now.height !== size.height)
      await page.setViewportSize({ width: size.width, height: size.height });
    try {
      const layout = await layoutAt(page, size.width);
      expectNoSidewaysScrollIn(layout, at);
      if (asTallAsContent) expectAsTallAsContentIn(layout, at);
      await expectAccessible(page, at, index === 0 ? undefined : SIZE_DEPENDENT_RULES);
      await more?.(size, at);
    } catch (failed) {
      // the state as it failed, for whoever reads the failure
      await picture()?.catch(() => undefined);
      throw failed;
    }
    if (size.name === "phone" && phonePicture) await picture();
  }
  if (!stay) await page.setViewportSize({ width: SIZES[0].width, height: SIZES[0].height });
}

/** `sizes` in SIZES' order, the one the page is at (`now`) first when it is among them. */
function startingAt(sizes: readonly Size[], now: { width: number; height: number } | null): Size[] {
  const ordered = SIZES.filter((size) => sizes.includes(size));
  const here = ordered.find((size) => size.width === now?.width && size.height === now.height);
  return here ? [here, ...ordered.filter((size) => size !== here)] : ordered;
}

/** Where a test file keeps its screenshots (CI keeps test-artifacts/ as build artifacts). */
export function screenshotDir(name: string): string {
  const dir = join(ROOT, "test-artifacts", "screenshots", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * A full-page PNG of the page as it stands, written to `path`: the same bytes as Playwright's
 * `page.screenshot({ fullPage: true })` (checked with cmp on korea-2018's plan view at the three
 * sizes), for a fifth to a third less CPU. Playwright adds a style sheet to every frame to hide the
 * caret and removes it after (two style recalculations of the whole page, and a repaint), then
 * measures the page and asks Chromium for the picture; this measures the page the way Playwright
 * does (the largest of the body's and the root's scroll, offset and client sizes) and asks
 * Chromium directly (DevTools' `Page.captureScreenshot`, beyond the window only when the page is
 * larger). One difference: a focused text field's caret is not hidden, so it may show in the
 * picture. Chromium only, as are the tests.
 */
export async function saveFullPageScreenshot(page: Page, path: string): Promise<void> {
  await timed("screenshot", async () => {
    let session = sessions.get(page);
    if (!session) {
      session = page.context().newCDPSession(page);
      sessions.set(page, session);
    }
    const size = await page.evaluate(async () => {
      await document.fonts.ready;
      const { body, documentElement: root } = document;
      return {
        width: Math.max(
          body.scrollWidth,
          root.scrollWidth,
          body.offsetWidth,
          root.offsetWidth,
          body.clientWidth,
          root.clientWidth,
        ),
        height: Math.max(
          body.scrollHeight,
          root.scrollHeight,
          body.offsetHeight,
          root.offsetHeight,
          body.clientHeight,
          root.clientHeight,
        ),
      };
    });
    const window = page.viewportSize();
    const fits = window !== null && size.width <= window.width && size.height <= window.height;
    const { data } = await (await session).send("Page.captureScreenshot", {
      format: "png",
      clip: { x: 0, y: 0, ...size, scale: 1 },
      captureBeyondViewport: !fits,
    });
    writeFileSync(path, Buffer.from(data, "base64"));
  });
}

/**
 * Runs axe-core in the page; fails on any serious or critical violation, naming where.
 *
 * Three savings that change nothing the check can find (each call cost about 0.7 CPU-s, and the
 * browser walks make about a hundred):
 * - axe-core's source (about 550 KB) crosses to the page only when the page lacks it (the run
 *   says so); sent on every call, it cost 0.2 CPU-s even when the page already had it.
 * - the rules whose impact is minor or moderate are switched off. axe-core gives a rule's failures
 *   the rule's own impact (`impact` on the rule, which `_finalizeRuleResult` copies to each of its
 *   checks), so those rules could only report what the filter below drops. Rules without an impact
 *   of their own still run, and every other rule runs exactly as by default.
 * - axe-core builds no CSS selectors for the elements it looked at (`selectors: false`): they only
 *   name where a finding is, and building them took about half of a run's time (korea-2018's plan
 *   view at 1920×1080: about 2.1 s against 1.1 s in the page). Only when something is found does
 *   axe-core run again with them, to name where; the check fails on the first run's findings either way.
 *
 * `only`, when given, runs just those rules (see `SIZE_DEPENDENT_RULES`).
 */
export async function expectAccessible(page: Page, state: string, only?: readonly string[]): Promise<void> {
  const found = await timed(only ? "axe, size-dependent rules" : "axe", () => axeFindings(page, false, only));
  const named = found.length > 0 ? await axeFindings(page, true, only) : [];
  expect(named.length > 0 ? named : found, `axe-core on ${state}`).toEqual([]);
}

/**
 * The axe-core rules (of those `expectAccessible` runs) whose findings on one page state can differ
 * from one window size to another, for a walk that runs every rule at one size and these at the
 * others. The rules read the document (roles, names, attributes, structure), the computed colours
 * and what is hidden; the workbench's script never reads the window's size (its charts redraw the
 * same marks at their box's width) and its style sheet's width queries change the layout only (no
 * colour, nothing shown that the widest layouts hide: test/web/layouts.test.ts checks the style
 * sheet for it). What the layout does change is which boxes scroll, and a box that scrolls must be
 * reachable from the keyboard: `scrollable-region-focusable`.
 *
 * Not here, `color-contrast`: a text's colour and the backgrounds of the boxes it sits in are the
 * same at every width; it could only meet another background by leaving its box, which the walks'
 * layout checks catch at every size (nothing wider than the window, every chip's text inside its
 * chip), and text that another box overlaps is one axe-core reports for review, not as a violation.
 */
export const SIZE_DEPENDENT_RULES: readonly string[] = ["scrollable-region-focusable"];

/**
 * axe-core's serious and critical findings on the page as it stands; `where` names their elements;
 * `only` runs just those rules.
 */
export async function axeFindings(page: Page, where: boolean, only?: readonly string[]): Promise<string[]> {
  const found = await axeRun(page, where, only);
  if (found) return found;
  await page.evaluate((source) => {
    new Function(source)();
  }, AXE);
  const after = await axeRun(page, where, only);
  if (!after) throw new Error("axe-core did not load in the page");
  return after;
}

/** `axeFindings` in one call to the page; undefined when the page has no axe-core yet. */
function axeRun(page: Page, where: boolean, only?: readonly string[]): Promise<string[] | undefined> {
  return page.evaluate(
    async ({ where, only }) => {
      type AxeResults = {
        violations: { id: string; impact: string; help: string; nodes: { target?: string[] }[] }[];
      };
      const axe = (
        window as unknown as {
          axe?: {
            run(ctx: Document, o: object): Promise<AxeResults>;
            _audit?: { rules?: { id: string; impact?: string }[] };
          };
        }
      ).axe;
      if (!axe) return undefined;
      const quiet = (axe._audit?.rules ?? []).filter((r) => r.impact === "minor" || r.impact === "moderate");
      const rules = Object.fromEntries(quiet.map((r) => [r.id, { enabled: false }]));
      const which = only ? { runOnly: { type: "rule", values: only } } : { rules };
      const results = await axe.run(document, { resultTypes: ["violations"], ...which, selectors: where });
      return results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) =>
          where
            ? `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target?.join(" ")).join(", ")}`
            : `${v.id} (${v.impact}): ${v.help} at ${v.nodes.length} element(s)`,
        );
    },
    { where, only },
  );
}

/** What the layout checks read of a page, in one call to it (`layoutAt`). */
interface Layout {
  /** The root's scroll width and the window's inner width. */
  scrollWidth: number;
  innerWidth: number;
  /** The page's scroll height, the bottom of its content in flow, and the window's inner height. */
  scrollHeight: number;
  content: number;
  innerHeight: number;
  /** Whether the workspace shows its two panes side by side (wider than 900 px). */
  panes: boolean;
}

/**
 * The page's layout once it has taken the window's new `width` (when given) and drawn two frames
 * at it (so a redraw that follows a ResizeObserver callback is in), read in the same call to the page.
 */
export function layoutAt(page: Page, width?: number): Promise<Layout> {
  return page.evaluate(async (width) => {
    const frame = () => new Promise((done) => requestAnimationFrame(done));
    while (width !== undefined && window.innerWidth !== width) await frame();
    await frame();
    await frame();
    // The root's box holds the page's content in flow, margins included; an element positioned
    // out of flow (a visually hidden line placed below it) adds to the scroll height only.
    const content = document.documentElement.getBoundingClientRect().bottom + window.scrollY;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      scrollHeight: document.scrollingElement?.scrollHeight ?? 0,
      content: Math.ceil(content),
      innerHeight: window.innerHeight,
      panes: document.querySelector(".workspace") !== null && window.innerWidth > 900,
    };
  }, width);
}

/** Nothing on the page is wider than the window. */
export async function expectNoSidewaysScroll(page: Page, state: string): Promise<void> {
  expectNoSidewaysScrollIn(await layoutAt(page), state);
}

function expectNoSidewaysScrollIn(layout: Layout, state: string): void {
  expect(layout.scrollWidth, `sideways overflow on ${state}`).toBeLessThanOrEqual(layout.innerWidth);
}

/**
 * The page is as tall as what it shows (the "second scrollbar": a visually hidden status line in a
 * pane once stretched the page). Nothing positioned outside the page's content makes it scroll,
 * and where the workspace has two panes side by side (wider than 900 px), the page fits the
 * window exactly: only the panes scroll.
 */
export async function expectPageAsTallAsItsContent(page: Page, at: string): Promise<void> {
  expectAsTallAsContentIn(await layoutAt(page), at);
}

function expectAsTallAsContentIn(layout: Layout, at: string): void {
  expect(layout.scrollHeight, `${at}: the page is taller than its content`).toBeLessThanOrEqual(
    Math.max(layout.innerHeight, layout.content) + 1,
  );
  if (layout.panes)
    expect(layout.scrollHeight, `${at}: the workspace scrolls as a page`).toBeLessThanOrEqual(
      layout.innerHeight,
    );
}
