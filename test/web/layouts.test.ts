/**
 * The workbench as a new analyst meets it, in headless Chromium, on every page state at 1280×800 and
 * on a 390×844 phone, and the plan view at 1920×1080 too (the one state whose checks read a chart's
 * drawing at its size; the style sheet lays out both wide sizes by the same rules, as the first
 * test checks): axe-core finds no serious or critical problem, nothing scrolls sideways, the page
 * is no taller than its content (no second scrollbar), every chart is as wide as its box, no move's
 * name is cut and no chip's words run over another's; a full-page screenshot of a state at any size
 * where a check failed goes to test-artifacts/screenshots/layouts/ (CI keeps it), and with
 * LOCKSTEP_LAYOUT_PICTURES=1 one of every state on the phone too, for a person to look over
 * (nothing compares them: the checks, not the pictures, fail a layout). axe-core runs all its rules
 * at the first size of each state, and the rules the size can change at every other (`SIZE_DEPENDENT_RULES`, test/web/page-checks.ts; the first
 * test below checks its premise). docs/testing.md ("Thirteenth session: layouts") lists the claims.
 * Along the way: a reload restores the state from the address (optimum, frontier point, frontier
 * plan, whose view, which editor, the briefing's plan; once per state, see `reloadRestores`),
 * unsaved edits warn before they are lost (in the app and on reload), the optimum saves into the
 * scenario, and at each size the exposure chart exports as an SVG and a PNG that carry its title,
 * legend and caption. Last, an agreement's page with a pending amendment and the form proposing a
 * new version.
 *
 * Two walks at the same time, each on a page of its own (see `walk`). A walk goes through its
 * states and resizes the page in place, so a state that took a planner search is reached once,
 * not once per size; the safest-plan search behind the briefing, the best-plan tab and the
 * frontier panel runs once in that walk's tab and is shared (web/src/lib/plan-cache.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../helpers/cli.ts";
import { type Eventually, SOLVE_MS } from "../helpers/wait.ts";
import { makeCast } from "../ledger/helpers.ts";
import { AGREEMENT, adoptWithPendingAmendment, writeKeyFile } from "./amendment-setup.ts";
import { openWorkbench, type Workbench } from "./browser.ts";
import { ownPage } from "./own-page.ts";
import { checkAtEverySize, SIZES, type Size, screenshotDir } from "./page-checks.ts";

const ARTIFACTS = screenshotDir("layouts");
/** Every state's phone picture as well as the failures' (about 0.2 CPU-s each, 26 states). */
const PHONE_PICTURES = process.env.LOCKSTEP_LAYOUT_PICTURES === "1";
/** A test that waits on planner searches: several of them, on a slow machine. */
const SEARCHING_MS = 4 * SOLVE_MS;

let workbench: Workbench;
const dir = mkdtempSync(join(tmpdir(), "lockstep-layouts-"));
const db = join(dir, "layouts.db");
// A small analysis-only sweep, so the sweeps page has a finished report to lay out.
const SWEEP = `title: layout sweep
scenario: korea-2018
seed: 3
measure:
  analysis: { plan: phased }
vary:
  - name: DPRK arsenal cost
    value: arsenal-dismantle/dprk
    range: [-16, -4]
    steps: 4
  - name: DPRK discount
    discount: dprk
    values: [0.7, 1]
`;

beforeAll(async () => {
  writeFileSync(join(dir, "sweep.yaml"), SWEEP);
  const sweep = spawnSync(process.execPath, [BIN, "sweep", join(dir, "sweep.yaml"), "--db", db, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: SOLVE_MS,
  });
  if (sweep.status !== 0) throw new Error(`lockstep sweep failed: ${sweep.stderr}`);
  workbench = await openWorkbench({ dbPath: db });
});
afterAll(async () => {
  await workbench?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A walk: a page of its own (test/web/own-page.ts) that the tests of one describe take from
 * state to state, and the checks they make on it. Neither walk changes what the other reads:
 * their edits stay in their own tab's drafts, and the agreement is adopted after the library
 * has been laid out, in the same walk.
 */
function walk() {
  const own = ownPage(() => workbench, { viewport: SIZES[0] });
  let page: Page;
  let eventually: Eventually;
  beforeEach(() => {
    ({ page, eventually } = own);
  });

  /**
   * The page as `readPage` reads it, once every chart is drawn at the width of its box (within a
   * pixel or two): after a resize, a ResizeObserver callback and then a redraw, waited for rather
   * than for a set time.
   */
  async function readOnceChartsFit(): Promise<PageReading> {
    const drawnToFit = ({ charts }: PageReading) => charts.every((c) => Math.abs(c.box - c.svg) <= 2);
    let read = await readPage(page);
    if (!drawnToFit(read))
      await eventually(async () => {
        read = await readPage(page);
        return drawnToFit(read);
      }).toBe(true);
    return read;
  }

  /**
   * Every chart is drawn at the width of its box, once it has redrawn; the first chart's width.
   * With `some: false`, a page without charts passes. `read`, the page read already.
   */
  async function chartsFitTheirBoxes({ some = true } = {}, read?: PageReading): Promise<number> {
    const { charts } = read ?? (await readOnceChartsFit());
    if (some) expect(charts.length).toBeGreaterThan(0);
    return charts[0]?.box ?? 0;
  }

  /**
   * No chip hides part of a move's name: the title is not cut, the full text is its label, and it
   * takes focus; and no chip's words run into another's or out of their own chip (`chipText`).
   * With `some: false`, a page without chips passes.
   */
  async function chipsShowTheirNames(at: string, { some = true } = {}, read?: PageReading): Promise<void> {
    const { chips, chipText } = read ?? (await readPage(page));
    if (!some && chips.length === 0) return;
    expect(chips.length).toBeGreaterThan(0);
    for (const chip of chips) {
      expect(chip.clipped, chip.name).toBe(false);
      expect(chip.label.startsWith(chip.name), `${chip.label} names ${chip.name}`).toBe(true);
      expect(chip.focusable, chip.name).toBe(true);
    }
    expect(chipText.lines, at).toBeGreaterThan(0);
    expect(chipText.strays, `${at}: chip text outside its chip`).toEqual([]);
    expect(chipText.overlaps, `${at}: chip text over other chip text`).toEqual([]);
  }

  /**
   * The exposure chart lists the parties in the swimlane's order, and draws the tolerance line over
   * the data (so a tolerance of 0 is not hidden under it).
   */
  async function exposureChartMatchesLanes(): Promise<void> {
    const found = await page.evaluate(() => {
      const svg = document.querySelector("[data-testid=exposure-chart] .chart-body svg");
      const facets = [
        ...(svg?.querySelectorAll(
          'g[aria-label="fx-axis tick label"] text, g[aria-label="fy-axis tick label"] text',
        ) ?? []),
      ].map((t) => t.textContent ?? "");
      const lanes = [...document.querySelectorAll("[data-testid=swimlane] tbody th.lane-party")].map(
        (th) => th.textContent ?? "",
      );
      const marks = [...(svg?.querySelectorAll("g[aria-label]") ?? [])].map((g) =>
        g.getAttribute("aria-label"),
      );
      return {
        facets: [...new Set(facets)],
        lanes,
        rule: marks.lastIndexOf("rule"),
        line: marks.lastIndexOf("line"),
      };
    });
    expect(found.facets.length).toBeGreaterThan(1);
    expect(found.lanes.map((lane) => found.facets.find((f) => lane.startsWith(f)))).toEqual(found.facets);
    expect(found.rule, "the tolerance rule is drawn after the exposure lines").toBeGreaterThan(found.line);
  }

  /**
   * The exposure chart as files: the SVG carries the chart's title, every legend label and its
   * summary as text, and is as wide as the chart on the page; the PNG, decoded by the browser, is
   * that SVG at twice its size, with the title and every legend colour above the chart (the header
   * band) and the caption's ink below it.
   */
  async function exportedChartStandsAlone(at: string): Promise<void> {
    const chart = page.locator("[data-testid=exposure-chart]");
    const save = async (format: "SVG" | "PNG") => {
      const [file] = await Promise.all([
        page.waitForEvent("download"),
        chart.getByRole("button", { name: `${format}: download` }).click(),
      ]);
      // saved where this file keeps its temporary files (the test browser may be another
      // process's, so the download's own path is not for this one to read)
      const saved = join(dir, `exported.${format.toLowerCase()}`);
      await file.saveAs(saved);
      return readFileSync(saved);
    };
    const svg = (await save("SVG")).toString("utf8");
    const pngBytes = await save("PNG");
    const png = pngBytes.toString("base64");
    // A file that opens on its own: an SVG root in the SVG namespace, a PNG signature; the exposure
    // chart's own title, its worst-case band in the legend and its tolerance in the caption's words.
    expect(svg, `${at}: the SVG's root`).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg, `${at}: the SVG's title`).toContain("Exposure E per party after each phase");
    expect(svg, `${at}: the SVG's legend`).toContain("worst case of the value ranges");
    expect(svg.replace(/<[^>]+>/g, " ").replace(/\s+/g, " "), `${at}: the SVG's caption`).toMatch(
      /against a tolerance of/,
    );
    expect(pngBytes.subarray(1, 4).toString(), `${at}: the PNG's signature`).toBe("PNG");
    const found = await chart.evaluate(
      async (figure, files) => {
        const words = (text: string | null | undefined) => (text ?? "").replace(/\s+/g, " ").trim();
        const title = words(figure.querySelector(".chart-title")?.firstChild?.textContent);
        const legend = [...figure.querySelectorAll<HTMLElement>("[data-testid=chart-legend] li")];
        const colours = legend.map((li) => {
          const swatch = getComputedStyle(li.querySelector(".swatch")!);
          const css = swatch.borderTopStyle !== "none" ? swatch.borderTopColor : swatch.backgroundColor;
          return css.match(/\d+/g)!.slice(0, 3).map(Number);
        });
        const summary = words(figure.querySelector(".chart-body")?.getAttribute("aria-label")).slice(
          title.length + 2,
        );
        const box = figure.querySelector<HTMLElement>(".chart-body")!.clientWidth;

        const file = new DOMParser().parseFromString(files.svg, "image/svg+xml").documentElement;
        const body = file.querySelector(":scope > svg")!;
        const text = words([...file.querySelectorAll("text")].map((t) => t.textContent).join(" "));
        const size = {
          width: Number(file.getAttribute("width")),
          height: Number(file.getAttribute("height")),
        };
        const top = Number(body.getAttribute("y"));
        const bottom = top + Number(body.getAttribute("height"));

        const bytes = Uint8Array.from(atob(files.png), (c) => c.charCodeAt(0));
        const image = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
        const canvas = new OffscreenCanvas(image.width, image.height);
        const context = canvas.getContext("2d")!;
        context.drawImage(image, 0, 0);
        const scale = image.width / size.width;
        /**
         * The pixels of rows [from, to) (in the SVG's units): only the bands the checks read (the
         * header above the chart, the caption below), not the chart between them.
         */
        const band = (from: number, to: number) => {
          const [first, end] = [Math.floor(from * scale), Math.min(image.height, Math.ceil(to * scale))];
          return end > first
            ? context.getImageData(0, first, image.width, end - first).data
            : new Uint8ClampedArray();
        };
        const [header, caption] = [band(0, top), band(bottom, size.height)];
        /**
         * Whether a pixel of a band passes `test`: the first found ends the scan (the page's
         * JavaScript runs on V8's baseline compiler in the tests, where counting every pixel of a
         * band made this call the slowest of the walk's evaluations).
         */
        const anyPixel = (data: Uint8ClampedArray, test: (r: number, g: number, b: number) => boolean) => {
          for (let i = 0; i < data.length; i += 4)
            if (test(data[i]!, data[i + 1]!, data[i + 2]!)) return true;
          return false;
        };
        const ink = (r: number, g: number, b: number) => r + g + b < 3 * 128;
        return {
          hasTitle: text.includes(title),
          missingLabels: legend.map((li) => words(li.textContent)).filter((label) => !text.includes(label)),
          hasSummary: summary.length > 0 && text.includes(summary),
          svg: size,
          box,
          png: { width: image.width, height: image.height },
          headerInk: anyPixel(header, ink),
          headerColours: colours.map((c) =>
            anyPixel(
              header,
              (r, g, b) => Math.max(Math.abs(r - c[0]!), Math.abs(g - c[1]!), Math.abs(b - c[2]!)) <= 8,
            ),
          ),
          captionInk: anyPixel(caption, ink),
        };
      },
      { svg, png },
    );
    expect(found.hasTitle, `${at}: the SVG's title`).toBe(true);
    expect(found.missingLabels, `${at}: the SVG's legend`).toEqual([]);
    expect(found.hasSummary, `${at}: the SVG's caption`).toBe(true);
    expect(Math.abs(found.svg.width - found.box), `${at}: the SVG as wide as the chart`).toBeLessThanOrEqual(
      2,
    );
    expect(found.png, `${at}: the PNG at twice the SVG's size`).toEqual({
      width: Math.ceil(2 * found.svg.width),
      height: Math.ceil(2 * found.svg.height),
    });
    expect(found.headerInk, `${at}: the PNG's title`).toBe(true);
    for (const [i, shown] of found.headerColours.entries())
      expect(shown, `${at}: the PNG's legend key ${i + 1}`).toBe(true);
    expect(found.captionInk, `${at}: the PNG's caption`).toBe(true);
  }

  const params = () => new URL(page.url().replace("#/", "")).searchParams;

  /**
   * Opens an address afresh: a new document, so nothing of the previous state is kept but the tab's
   * storage. Through about:blank, because going from one of the app's addresses to another only
   * changes the hash (the app would route in place): one page load instead of a route change and
   * a reload (a load costs 1.5-2 CPU-s).
   */
  async function open(hash: string): Promise<void> {
    await page.goto("about:blank");
    await page.goto(`${workbench.url}/${hash}`);
  }

  /**
   * Goes to an address in the open page, as the app's own links do: the app routes to it and
   * mounts its page afresh (a page of another kind or scenario; the same scenario's workspace would
   * stay as it is), without a page load (about 1 CPU-s each). For a state that needs nothing of a
   * new document; `open` for one that does (the tab's storage read back, the address's options).
   */
  async function follow(hash: string): Promise<void> {
    await page.evaluate((hash) => {
      location.hash = hash;
    }, hash);
  }

  /**
   * The page state as it stands, at 1280×800 and on the phone (390×844), and with `desktop` at
   * 1920×1080 too, one size after the other, starting at the size the walk is at and staying at the
   * last (one resize per state; the walk's steps work at any size): the checks of `checkAtEverySize`
   * (no sideways scroll, no second scrollbar, axe-core, a screenshot at any size where a check failed,
   * named after `name`), then, from one reading of the page (`readPage`), charts as wide as their
   * boxes, headings in order, charts explained, chips that show their names, and whatever `more`
   * checks at that size.
   *
   * 1920×1080 only with `desktop`: the style sheet's width queries are at 600 and 900 px (the first
   * test below checks that none lies between 1280 and 1920), so both wide sizes are laid out by the
   * same rules, and the larger gives every box more room than the smaller (wider and taller): what
   * overflows, overlaps, scrolls or is cut at 1920×1080 is so at 1280×800 too. What does change is
   * the size the charts are drawn at: the states whose checks read a chart's own drawing at its size
   * (the plan view: the exposure chart's lanes and its exported files) take `desktop`.
   */
  async function atEverySize(
    state: string,
    name: string,
    more?: (size: Size) => Promise<void>,
    { desktop = false } = {},
  ): Promise<void> {
    await checkAtEverySize(page, state, {
      screenshots: ARTIFACTS,
      phonePicture: PHONE_PICTURES,
      name,
      asTallAsContent: true,
      sizes: desktop ? SIZES : [SIZES[0], SIZES[2]],
      stay: true,
      more: async (size, at) => {
        const read = await readOnceChartsFit();
        await chartsFitTheirBoxes({ some: false }, read);
        headingsInOrder(at, read);
        chartsExplained(read);
        await chipsShowTheirNames(at, { some: false }, read);
        await more?.(size);
      },
    });
  }

  /**
   * A reload brings the state back from the address: `restored` waits for it. Once, at the size the
   * walk is at: the app reads its state from the address and its tab's storage, and nothing of it
   * from the window's size (its script asks for no size but its charts' box widths), so the
   * round trip is the same at every size; `atEverySize` then lays the restored state out at each.
   */
  async function reloadRestores(restored: () => Promise<void>): Promise<void> {
    await page.reload();
    await restored();
  }

  return {
    own,
    params,
    open,
    follow,
    reloadRestores,
    atEverySize,
    chartsFitTheirBoxes,
    chipsShowTheirNames,
    exposureChartMatchesLanes,
    exportedChartStandsAlone,
  };
}

const isPhone = (size: Size) => size.width < 600;

/** What the walks' own checks at each size read of the page: `readPage`. */
interface PageReading {
  /** Each chart's box width and the width its SVG was drawn at. */
  charts: { box: number; svg: number }[];
  /** The headings shown, in document order: "h2 Its text". */
  headings: string[];
  /** Each chart's title, its "?" links, legend entries and the length of its text summary. */
  explained: { title: string; help: number; legend: number; summary: number }[];
  /** Each move chip: whether its title is cut, its name, its label and whether it takes focus. */
  chips: { clipped: boolean; name: string; label: string; focusable: boolean }[];
  /** The swimlane's lines of chip text: how many, those outside their chip, those over another's. */
  chipText: { lines: number; strays: string[]; overlaps: string[] };
}

/**
 * The charts, headings, chips and chip text of the page as it stands, in one call to the page (a
 * walk makes it at every size of every state: about 80 times, each call a round trip through
 * Playwright's client and server and DevTools).
 */
function readPage(page: Page): Promise<PageReading> {
  return page.evaluate(() => {
    const charts = [...document.querySelectorAll<HTMLElement>(".chart-body")].map((body) => ({
      box: body.clientWidth,
      svg: Number(body.querySelector(":scope > svg, :scope > figure > svg")?.getAttribute("width") ?? 0),
    }));
    const headings = [...document.querySelectorAll<HTMLElement>("h1, h2, h3, h4, h5, h6")]
      .filter((h) => h.getClientRects().length > 0)
      .map((h) => `${h.tagName.toLowerCase()} ${h.textContent?.slice(0, 40) ?? ""}`);
    const explained = [...document.querySelectorAll<HTMLElement>("figure.chart")].map((figure) => ({
      // the title's own text, without the help note a "?" may have opened beside it
      title: figure.querySelector(".chart-title")?.firstChild?.textContent ?? "",
      help: figure.querySelectorAll("figcaption .help-toggle").length,
      legend: figure.querySelectorAll("[data-testid=chart-legend] li").length,
      summary: (figure.querySelector(".chart-body[role=img]")?.getAttribute("aria-label") ?? "").length,
    }));
    const chipElements = [...document.querySelectorAll<HTMLElement>(".chip")];
    const chips = chipElements.map((chip) => {
      const title = chip.querySelector<HTMLElement>(".chip-title");
      return {
        clipped:
          !title || title.scrollWidth > title.clientWidth + 1 || title.scrollHeight > title.clientHeight + 1,
        name: title?.textContent ?? "",
        label: chip.getAttribute("aria-label") ?? "",
        focusable: chip.tabIndex >= 0,
      };
    });

    // The boxes of every line of text in the swimlane (as the browser lays them out): each inside
    // its chip, each chip inside its lane's cell (text pushed out of its chip would be cut or drawn
    // over a neighbour), and pairwise apart.
    type Box = { left: number; top: number; right: number; bottom: number };
    const inside = (a: Box, b: Box) =>
      a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
    const lines: (Box & { text: string; chip: number })[] = [];
    const strays: string[] = [];
    chipElements.forEach((chip, index) => {
      const own = chip.getBoundingClientRect();
      const cell = chip.closest("td")?.getBoundingClientRect();
      if (own.width === 0) return;
      if (cell && !inside(own, cell)) strays.push(`chip "${chip.dataset.move}" outside its cell`);
      const walker = document.createTreeWalker(chip, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent?.trim() ?? "";
        if (!text) continue;
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
          if (r.width < 0.5 || r.height < 0.5) continue;
          if (!inside(r, own)) strays.push(`"${text}" outside its chip "${chip.dataset.move}"`);
          lines.push({ left: r.left, top: r.top, right: r.right, bottom: r.bottom, text, chip: index });
        }
      }
    });
    const overlaps: string[] = [];
    for (let i = 0; i < lines.length; i++)
      for (let j = i + 1; j < lines.length; j++) {
        const [a, b] = [lines[i]!, lines[j]!];
        // half a pixel of slack: the line boxes of one wrapped title may touch
        const apart =
          a.right <= b.left + 0.5 ||
          b.right <= a.left + 0.5 ||
          a.bottom <= b.top + 0.5 ||
          b.bottom <= a.top + 0.5;
        if (!apart) overlaps.push(`"${a.text}" (chip ${a.chip}) over "${b.text}" (chip ${b.chip})`);
      }
    return { charts, headings, explained, chips, chipText: { lines: lines.length, strays, overlaps } };
  });
}

/**
 * Every chart explains itself: a legend, a "?" beside its label that opens the glossary entries it
 * uses, and a text summary for screen readers (more than its title).
 */
function chartsExplained({ explained }: PageReading): void {
  for (const chart of explained) {
    expect(chart.help, `a help link on "${chart.title}"`).toBe(1);
    expect(chart.legend, `a legend on "${chart.title}"`).toBeGreaterThan(0);
    expect(chart.summary, `a summary on "${chart.title}"`).toBeGreaterThan(chart.title.length + 10);
  }
}

/** Headings do not skip a level (an h2 after the h1, never an h4 straight after an h2). */
function headingsInOrder(state: string, { headings }: PageReading): void {
  let previous = 0;
  for (const heading of headings) {
    const level = Number(heading[1]);
    expect(
      level,
      `${state}: heading "${heading}" after h${previous} in ${headings.join(" | ")}`,
    ).toBeLessThanOrEqual(previous + 1);
    previous = level;
  }
}

/** The blocks of a style sheet under a `@media` query on the window's width: the query and its rules. */
function widthQueries(css: string): { query: string; rules: string }[] {
  const found: { query: string; rules: string }[] = [];
  for (const match of css.matchAll(/@media([^{]*width[^{]*)\{/g)) {
    let depth = 1;
    let end = match.index + match[0].length;
    while (depth > 0 && end < css.length) depth += { "{": 1, "}": -1 }[css[end++]!] ?? 0;
    found.push({ query: match[1]!.trim(), rules: css.slice(match.index + match[0].length, end - 1) });
  }
  return found;
}

/** The selectors of a style sheet's rules outside any `@media` block that hide their elements. */
function hiddenEverywhere(css: string): string[] {
  const outside = css.replace(/@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, "");
  return [...outside.matchAll(/([^{}]+)\{([^{}]*)\}/g)]
    .filter(([, , body]) => /(^|[;\s])(display:\s*none|visibility:\s*hidden)/.test(body!))
    .flatMap(([, selectors]) => selectors!.split(",").map((s) => s.trim()));
}

// What lets axe-core's rules run once per state (SIZE_DEPENDENT_RULES, test/web/page-checks.ts):
// a query on the width that coloured text or a background, or showed what the other layouts hide,
// would make colour contrast (and the rules on what is shown) depend on the size.
// And what lets the walks check 1920×1080 only where a chart's size matters (`atEverySize`): no
// width query tells 1280 px from 1920 px, so the same rules lay out both.
it("the style sheet's width queries change the layout, no colour, show nothing hidden, and treat 1280 px as 1920 px", () => {
  const css = readFileSync(join(ROOT, "web", "src", "style.css"), "utf8");
  const queries = widthQueries(css);
  expect(queries.length).toBeGreaterThan(0);
  for (const { query } of queries)
    for (const [, px] of query.matchAll(/width\s*:\s*(\d+(?:\.\d+)?)px/g))
      expect(Number(px), `@media ${query} between the two wide sizes`).toBeLessThan(SIZES[0].width);
  const hidden = new Set(hiddenEverywhere(css));
  for (const { query, rules } of queries) {
    const colours = rules.match(
      /(^|[;{\s])(color|background[\w-]*|opacity|filter|mix-blend-mode|fill|stroke|text-shadow|-webkit-text-fill-color)\s*:/g,
    );
    expect(colours, `colours under @media ${query}`).toBeNull();
    for (const [, selectors, body] of rules.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      if (!/(^|[;\s])(display|visibility)\s*:/.test(body!) || /display:\s*none/.test(body!)) continue;
      for (const selector of selectors!.split(",").map((s) => s.trim()))
        expect(hidden.has(selector), `${selector} shown under @media ${query}`).toBe(false);
    }
  }
});

/**
 * The scenario of the simulation, the briefing and the frontier states: egypt-israel-1979, whose
 * safest plan and frontier the planner finds in about a fifth of korea-2018's CPU (`lockstep plan
 * --objective safety --frontier`: 0.9 against 4.7 CPU-s). What these states' checks claim is about
 * the pages' layout, not the answer (test/web/planner-views.test.ts checks the frontier's figures,
 * on jcpoa-2015); the frontier is flat here (θ* 0.47 at 2 to 6 phases), drawn and picked the same way.
 */
const CHEAP_FRONTIER = "egypt-israel-1979";

// The two walks run at the same time. Every planner search and simulation is in the second, one
// after another: the planner's budget is wall-clock time (src/planner/find.ts), and two searches
// side by side would each get half of it.
describe("states with no search behind them", { concurrent: true, timeout: SEARCHING_MS }, () => {
  const w = walk();
  const {
    open,
    follow,
    params,
    reloadRestores,
    atEverySize,
    chartsFitTheirBoxes,
    chipsShowTheirNames,
    exposureChartMatchesLanes,
    exportedChartStandsAlone,
  } = w;
  let page: Page;
  let eventually: Eventually;
  beforeEach(() => {
    ({ page, eventually } = w.own);
  });
  describe.sequential("the library and a scenario's views", () => {
    it("library", async () => {
      await open("#/");
      await page.locator("[data-scenario=korea-2018]").waitFor();
      await eventually(() => page.title()).toMatch(/Scenarios/);
      // The first Tab on a fresh page reaches the skip link.
      await page.keyboard.press("Tab");
      await eventually(() => page.evaluate(() => document.activeElement?.textContent)).toBe(
        "Skip to the content",
      );
      await atEverySize("library", "library", async (size) => {
        // Focused, the skip link shows inside the window, and takes the focus to the content.
        const skip = page.locator(".skip-link");
        await skip.focus();
        await eventually(async () => {
          const box = await skip.boundingBox();
          return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width;
        }).toBe(true);
        await page.keyboard.press("Enter");
        await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
      });
      // Opening a scenario takes the focus to its title; Back returns to the library. (Once: the
      // app moves the focus in its script, which never reads the window's size.)
      await page.locator("[data-scenario=korea-2018] a").click();
      await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe("scenario-title");
      await page.goBack();
      await page.locator("[data-scenario=korea-2018]").waitFor();
    });

    it("plan view: focus, charts, chips, violations in the lanes' words", async () => {
      await page.locator("[data-scenario=korea-2018] a").click();
      await page.locator("[data-testid=plan-select]").waitFor();
      await eventually(() => page.title()).toMatch(/Korea/);
      await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe("scenario-title");
      await page.selectOption("[data-testid=plan-select]", "upfront:dprk");
      await eventually(() => params().get("plan")).toBe("upfront:dprk");
      // θ* beside the verdict: this plan is not feasible at the stated values, so it has none.
      await eventually(() => page.locator(".plan-view [data-testid=verdict]").first().textContent()).toBe(
        "Not feasible",
      );
      await eventually(() => page.locator("[data-testid=safety]").first().textContent()).toMatch(/θ\* —/);
      // The last violation names a party by name; picking it lights its lane, brought into view.
      const last = page.locator("[data-testid=violations] button").last();
      await eventually(() => last.textContent()).toMatch(/United States/);
      await last.click();
      const lit = page.locator("[data-testid=swimlane] .chip.is-highlighted").first();
      await lit.waitFor();
      /** The lit lane's chip is (eventually) inside the window. */
      const litLaneInView = () =>
        eventually(() =>
          lit.evaluate((el) => {
            const r = el.getBoundingClientRect();
            return r.bottom > 0 && r.top < window.innerHeight;
          }),
        ).toBe(true);
      await litLaneInView();
      // The glossary is one click from the chart's label.
      await page.locator("[data-testid=exposure-chart] .help-toggle").click();
      await eventually(() =>
        page.locator("[data-testid=exposure-chart] [data-testid=help]").textContent(),
      ).toMatch(/exposure.*tolerance/s);
      await atEverySize(
        "plan view",
        "plan",
        async (size) => {
          await exposureChartMatchesLanes();
          await exportedChartStandsAlone(`plan view at ${size.width}×${size.height}`);
          // At every size, picking the violation brings its lit lane into view (a second click unpicks it).
          await last.click();
          await eventually(() => page.locator("[data-testid=swimlane] .chip.is-highlighted").count()).toBe(0);
          await page.evaluate(() => window.scrollTo(0, 0));
          await last.click();
          await litLaneInView();
          if (!isPhone(size)) return;
          // On a phone the analysis comes first: the verdict and a chart within the first two screens.
          await page.evaluate(() => window.scrollTo(0, 0));
          const verdict = await page.locator("[data-testid=verdict]").first().boundingBox();
          const chart = await page.locator("[data-testid=exposure-chart]").boundingBox();
          expect(verdict?.y).toBeLessThan(size.height);
          expect(chart?.y).toBeLessThan(2 * size.height);
        },
        { desktop: true },
      );
      // Printed, no chip's name is cut either.
      await page.emulateMedia({ media: "print" });
      await chipsShowTheirNames("plan view, printed");
      await page.emulateMedia({ media: "screen" });
      await page.locator("[data-testid=exposure-chart] .help-toggle").click();
    });

    it("a chart follows its box when the window changes", async () => {
      if ((page.viewportSize()?.width ?? 0) < 1000) await page.setViewportSize(SIZES[0]);
      const wide = await chartsFitTheirBoxes();
      await page.setViewportSize({ width: 1000, height: 800 });
      await eventually(() => chartsFitTheirBoxes()).toBeLessThan(wide);
      await page.setViewportSize(SIZES[0]);
    });

    it("unsaved edits warn before they are lost", async () => {
      await page.getByRole("tab", { name: "Tables" }).click();
      const cell = page.locator("[data-testid='tolerance-us']");
      await cell.fill("1.5");
      await cell.press("Tab");
      await page.locator("[data-testid=unsaved]").waitFor();
      // Going elsewhere in the app asks first and dismissing stays: url-state.test.ts's walk checks
      // it ("An unsaved edit of the scenario: leaving asks first"), the same dialog on the same page.
      // Closing or reloading the tab asks (the browser's own dialog; the key pressed in the cell is
      // the user's gesture a browser wants before it asks). Once: the warning comes from the app's
      // script and the browser, neither of which asks the window's size.
      const unload = page.waitForEvent("dialog").then(async (dialog) => {
        const type = dialog.type();
        await dialog.dismiss();
        return type;
      });
      await page.evaluate(() => setTimeout(() => location.reload(), 0));
      expect(await unload).toBe("beforeunload");
      await eventually(() => cell.inputValue()).toBe("1.5");
      await page.locator("[data-testid=unsaved]").waitFor();
      // Laid out at every size with a move added to the edit (the next test).
    });

    it("the table editor with an unsaved edit and a move being added", async () => {
      await page.locator("[data-testid=new-move-id]").fill("audit");
      await page.getByRole("button", { name: "Add the move" }).click();
      await page.locator("[data-testid='actor-audit']").waitFor();
      await eventually(() => page.locator("[data-testid='tolerance-us']").inputValue()).toBe("1.5");
      await atEverySize("table editor with an unsaved edit and a move added", "tables");
      await page.locator("[data-testid=table-undo]").click();
      await page.locator("[data-testid='actor-audit']").waitFor({ state: "detached" });
      await page.getByRole("button", { name: "Revert" }).click();
      await page.locator("[data-testid=unsaved]").waitFor({ state: "detached" });
      // Which editor is open is kept in the address too, and a reload opens it again.
      await eventually(() => params().get("editor")).toBe("table");
      await reloadRestores(async () => {
        await page.locator("[data-testid='tolerance-us']").waitFor();
        expect(await page.getByRole("tab", { name: "Tables" }).getAttribute("aria-selected")).toBe("true");
      });
      await page.getByRole("tab", { name: "YAML" }).click();
    });

    it("redraws the charts as each side sees the plan, with its surprises and fears", async () => {
      // korea-2018's views: Washington doubts Pyongyang's patience. The plan view of upfront:dprk,
      // as the table editor's reload left it.
      await eventually(() => params().get("plan")).toBe("upfront:dprk");
      const switcher = page.locator("[data-testid=perspective-switcher]");
      await switcher.waitFor();
      const title = page.locator("[data-testid=exposure-chart] .chart-title");
      const margins = page.locator("[data-testid=margin-chart] .chart-body svg");
      await margins.waitFor();
      const before = await margins.innerHTML();
      await switcher.getByLabel("United States").check();
      await eventually(() => title.textContent()).toMatch(/as United States sees it/);
      // Washington's view changes DPRK's patience, so the margins are redrawn.
      await eventually(() => margins.innerHTML()).not.toBe(before);
      await eventually(() => page.locator("[data-testid=credible]").textContent()).toMatch(
        /to United States/,
      );
      // Washington fears DPRK would walk away, which in truth it would not: a fear, in words.
      const fear = page.locator("[data-testid=surprises-fears] tr[data-finding=fear]").first();
      await eventually(() => fear.textContent()).toMatch(/United States.*DPR Korea/s);
      await eventually(() =>
        page.locator("[data-testid=perspectives-chart] .chart-body").getAttribute("aria-label"),
      ).toMatch(/1 fear/);
      // Whose view is shown is kept in the address: a reload redraws it as Washington sees it.
      await eventually(() => params().get("view")).toBe("us");
      await reloadRestores(async () => {
        await eventually(() => title.textContent()).toMatch(/as United States sees it/);
        expect(await switcher.getByLabel("United States").isChecked()).toBe(true);
      });
      await atEverySize("perspectives", "perspectives");
    });
  });

  describe.sequential("dialogs, errors and the other pages", () => {
    it("the save-a-copy form and a help note open", async () => {
      await follow("#/s/escrow-sale");
      await page.getByRole("button", { name: "Save a copy" }).click();
      await page.locator("#save-copy-form").waitFor();
      await page.locator("[data-testid=exposure-chart] .help-toggle").click();
      await page.locator("[data-testid=exposure-chart] [data-testid=help]").waitFor();
      await atEverySize("save-copy form and help", "dialogs");
      await page.keyboard.press("Escape");
    });

    it("a scenario with an error in its text", async () => {
      await page.getByRole("tab", { name: "YAML" }).click();
      await page.locator(".cm-line", { hasText: /^id: escrow-sale$/ }).click();
      await page.keyboard.press("End");
      await page.keyboard.press("Enter");
      await page.keyboard.type("colour: red");
      await page.locator("[data-testid=issues]").waitFor();
      await atEverySize("scenario error", "scenario-error");
      await page.getByRole("button", { name: "Revert" }).click();
      await page.locator("[data-testid=issues]").waitFor({ state: "detached" });
    });

    it("a scenario that does not exist", async () => {
      await follow("#/s/no-such-scenario");
      await page.locator("main.error").waitFor();
      await atEverySize("unknown scenario", "not-found");
    });

    it("a new scenario", async () => {
      await follow("#/new");
      await page.locator("[data-testid=plan-select]").waitFor();
      await atEverySize("new scenario", "new-scenario");
    });

    it("the sweeps list and a sweep's report", async () => {
      await follow("#/sweeps");
      const card = page.locator("[data-testid=sweeps] .card", { hasText: "layout sweep" });
      await card.waitFor();
      await atEverySize("sweeps list", "sweeps");
      await card.click();
      await page.locator("[data-testid=sweep-progress]", { hasText: "done" }).waitFor({ timeout: SOLVE_MS });
      await atEverySize("sweep report", "sweep-report");
    });
  });

  describe.sequential("an agreement's charter versions", () => {
    it(
      "a pending amendment, and a party's form proposing a new plan, with a mistake named",
      async () => {
        const cast = await makeCast();
        await adoptWithPendingAmendment(workbench.url, cast);
        await follow(`#/a/${AGREEMENT}`);
        const pending = page.locator("[data-testid=pending-amendment]");
        await eventually(() => pending.textContent()).toMatch(/Pending: version 2.*waiting for south-gov/s);
        await eventually(() => page.title()).toMatch(/agreement/);
        await page
          .locator("[data-testid=agreement-load-key]")
          .setInputFiles(writeKeyFile(dir, cast, "north-gov"));
        const form = page.locator("[data-testid=propose-amendment]");
        await eventually(() => form.locator("p.muted").first().textContent()).toMatch(
          /replaces the pending version 2/,
        );
        await form.locator("[data-testid=propose-plan]").fill("freeze: 1\nrelief: 9\nhandover: { 4: 0.5 }\n");
        await form.locator("[data-testid=propose-submit]").click();
        await eventually(() => form.locator("[data-testid=propose-problem]").textContent()).toMatch(
          /plan:3:\d+: handover: fractions sum to 0\.5/,
        );
        // The pending version is still shown above the form: the page laid out at every size has both.
        expect(await pending.isVisible()).toBe(true);
        await atEverySize("pending amendment and the proposal form", "amendment-propose");
      },
      SEARCHING_MS,
    );
  });
});

describe("states behind a search or a simulation", { concurrent: true, timeout: SEARCHING_MS }, () => {
  const w = walk();
  const { open, follow, params, reloadRestores, atEverySize } = w;
  let page: Page;
  let eventually: Eventually;
  beforeEach(() => {
    ({ page, eventually } = w.own);
  });
  describe.sequential("a simulation, the briefing, the frontier", () => {
    it(
      "simulation setup and its results",
      async () => {
        await open(`#/s/${CHEAP_FRONTIER}`);
        await page.getByRole("tab", { name: "Simulate" }).click();
        await page.selectOption("[data-testid=plan-select]", "historical");
        await page.getByLabel("runs", { exact: true }).fill("400");
        await page.getByLabel("hazard per phase").fill("0.05");
        await page.getByRole("combobox", { name: "response" }).selectOption("generous");
        await page.getByRole("spinbutton", { name: "forgiveness" }).fill("0.5");
        await page.getByRole("button", { name: "Simulate", exact: true }).click();
        await page.locator("[data-testid=simulation-result]").waitFor({ timeout: SOLVE_MS });
        await eventually(() => page.locator("[data-testid=causes-explained]").textContent()).toMatch(
          /outside shock/,
        );
        await eventually(() => page.locator("[data-testid=over-tolerance]").textContent()).toMatch(
          /midpoint/,
        );
        await atEverySize("simulation results", "simulate");
      },
      SEARCHING_MS,
    );

    // The same tab from here on: its simulation and its chosen plan are what the next states show.
    it(
      "the simulation's results in Compare, and the export tab",
      async () => {
        await page.getByRole("tab", { name: "Compare" }).click();
        await eventually(() =>
          page
            .locator("[data-testid=compare-table] tr[data-plan=historical] [data-testid=simulated]")
            .textContent(),
        ).toMatch(/%/);
        await atEverySize("compare with a simulation", "compare-simulated", async (size) => {
          if (!isPhone(size)) return;
          // One card per plan: every figure of a row fits the window.
          const cell = await page.locator("[data-testid=compare-table] td[data-label]").first().boundingBox();
          expect((cell?.x ?? 0) + (cell?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(size.width);
        });
        await page.getByRole("tab", { name: "Export" }).click();
        await page.locator("[data-testid=open-briefing-chosen]").waitFor();
        await atEverySize("export", "export");
      },
      SEARCHING_MS,
    );

    it(
      "the briefing of the chosen plan, with the simulation",
      async () => {
        await page.locator("[data-testid=open-briefing-chosen]").click();
        await page.locator("[data-testid=briefing]").waitFor();
        await eventually(() => page.locator("[data-testid=briefing-plan]").inputValue()).toBe("historical");
        await eventually(() => page.locator("[data-testid=briefing-simulation]").textContent()).toMatch(
          /hazard 0.05, generous/,
        );
        await eventually(() => page.title()).toMatch(/briefing/);
        // The briefing searches for the safest plan and its frontier: wait for it, once; it is kept.
        await page.locator("[data-testid=briefing-frontier]").waitFor({ timeout: SOLVE_MS });
        // The plan the briefing covers is in the address: a reload keeps it. (A search its time
        // limit cut short is not kept in the tab, and then runs again: a solve's wait.)
        await reloadRestores(async () => {
          await page.locator("[data-testid=briefing-frontier]").waitFor({ timeout: SOLVE_MS });
          await eventually(() => page.locator("[data-testid=briefing-plan]").inputValue()).toBe("historical");
        });
        await atEverySize("briefing of a chosen plan", "briefing");
      },
      SEARCHING_MS,
    );

    it("glossary", async () => {
      await page.locator("a.glossary-link").click();
      await page.locator(".glossary dt").first().waitFor();
      await eventually(() => page.locator(".glossary").textContent()).toMatch(/θ\*.*slack/s);
      await eventually(() => page.title()).toMatch(/Glossary/);
      await atEverySize("glossary", "glossary");
    });

    it(
      "the safest plan with its frontier; the point picked is kept in the address",
      async () => {
        await follow(`#/s/${CHEAP_FRONTIER}?tab=best&objective=safety`);
        await page.locator("[data-testid=find-best-plan]").click();
        const result = page.locator("[data-testid=best-plan-result]");
        await result.locator("[data-testid=frontier-chart] svg").waitFor({ timeout: SOLVE_MS });
        const first = result.locator(".frontier-points button").first();
        const phases = (await first.textContent())?.match(/≤ (\d+)/)?.[1];
        expect(phases).toMatch(/^\d+$/);
        await first.click();
        await eventually(() => params().get("frontier")).toBe(phases);
        // The same point, picked, after a reload.
        await reloadRestores(async () => {
          await eventually(() => first.getAttribute("aria-pressed"), SOLVE_MS).toBe("true");
          await eventually(() => result.locator("h3").first().textContent()).toMatch(
            new RegExp(`within ${phases} phases`),
          );
          await eventually(() => params().get("objective")).toBe("safety");
        });
        await atEverySize("safest plan, a frontier point picked", "frontier-best-plan");
      },
      SEARCHING_MS,
    );

    it(
      "the frontier on the plan page; the plan it picks is kept in the address",
      async () => {
        await page.getByRole("tab", { name: "Plan", exact: true }).click();
        const panel = page.locator("[data-testid=frontier-panel]");
        await panel.locator("[data-testid=frontier-chart] svg").waitFor({ timeout: SOLVE_MS });
        await panel.locator(".frontier-points button").last().click();
        const select = page.locator("[data-testid=plan-select]");
        await eventually(() => select.inputValue()).toMatch(/^frontier-\d+$/);
        const chosen = await select.inputValue();
        await eventually(() => params().get("plan")).toBe(chosen);
        await reloadRestores(async () => {
          await eventually(() => select.inputValue(), SOLVE_MS).toBe(chosen);
          await eventually(() => panel.locator("button[aria-pressed=true]").count(), SOLVE_MS).toBe(1);
        });
        await atEverySize("frontier on the plan page", "frontier-plan");
      },
      SEARCHING_MS,
    );
  });

  describe.sequential("planner states", () => {
    it(
      "finds the best plan, focuses it, keeps it in the address and saves it into the scenario",
      async () => {
        // another scenario than the walk was at: the app mounts its workspace afresh
        await follow("#/s/korea-2018?tab=best");
        await page.locator("[data-testid=find-best-plan]").click();
        const result = page.locator("[data-testid=best-plan-result]");
        await result.waitFor({ timeout: SOLVE_MS });
        await page.waitForFunction(() => document.activeElement?.closest("[data-testid=best-plan-result]"));
        const optimum = params().get("optimum");
        expect(optimum).toBeTruthy();
        // Saved into the scenario: an unsaved edit that adds the optimum as a named plan.
        await page.locator("[data-testid=save-optimum]").click();
        await page.locator("[data-testid=unsaved]").waitFor();
        const draft = await page.evaluate(() => sessionStorage.getItem("lockstep:draft:korea-2018") ?? "");
        expect(draft).toMatch(/^ {2}optimised:/m);
        await page.getByRole("button", { name: "Revert" }).click();
        await page.locator("[data-testid=unsaved]").waitFor({ state: "detached" });
        // The link's optimum comes back with the planner's report after a reload (the search is
        // kept in the tab).
        await reloadRestores(async () => {
          await eventually(() => params().get("optimum")).toBe(optimum);
          await eventually(() => result.locator("[data-testid=verdict]").first().textContent()).toMatch(
            /^Feasible/,
          );
          await eventually(() => result.locator("h3").first().textContent(), SOLVE_MS).toMatch(
            /^Optimal plan/,
          );
          // The optimum shows its safety factor and what breaks first.
          await eventually(() => result.locator("[data-testid=safety]").first().textContent()).toMatch(
            /θ\* (≥ )?\d|unbounded/,
          );
        });
        // Finding it again (the search kept in the tab) takes the focus to the result.
        await page.locator("[data-testid=find-best-plan]").click();
        await page.waitForFunction(() => document.activeElement?.closest("[data-testid=best-plan-result]"));
        await atEverySize("best plan (fewest phases)", "best-plan");
        // ... and the tornado of its breaking points.
        const tornado = result.locator("[data-testid=tornado-chart]");
        if ((await tornado.count()) > 0) {
          await eventually(() => tornado.locator(".chart-body").getAttribute("aria-label")).toMatch(
            /half-range/,
          );
        }
      },
      SEARCHING_MS,
    );

    it(
      "says what it would take, coherently, when no plan works",
      async () => {
        await follow("#/s/hanoi-2019?tab=best");
        await page.locator("[data-testid=find-best-plan]").click();
        await page.locator("[data-testid=what-it-would-take]").waitFor({ timeout: SOLVE_MS });
        // The relaxed plan is shown feasible (under the relaxation); what fails without it is apart, as a list.
        await eventually(() =>
          page.locator("[data-testid=relaxed-plan] [data-testid=verdict]").textContent(),
        ).toMatch(/^Feasible/);
        await eventually(() => page.locator("[data-testid=fails-without] li").count()).toBeGreaterThan(0);
        await eventually(() => page.locator("[data-testid=what-it-would-take] p.error").count()).toBe(0);
        await atEverySize("what it would take", "what-it-would-take");
      },
      SEARCHING_MS,
    );

    it(
      "the interim deal: progress and deferred items",
      async () => {
        await page.getByRole("tab", { name: "Find the best plan" }).click();
        await page.getByRole("radio", { name: /Most progress/ }).check();
        await eventually(() => params().get("objective")).toBe("progress");
        await page.locator("[data-testid=find-best-plan]").click();
        await page.locator("[data-testid=interim-deal]").waitFor({ timeout: SOLVE_MS });
        // hanoi-2019's interim deal (carried from planner-views): its progress, each deferred item
        // with why, its chart, and the interim plan judged feasible (the goal aside, every row holds)
        const interim = page.locator("[data-testid=interim-deal]");
        const progress = Number(await interim.locator("progress").getAttribute("value"));
        expect(progress).toBeGreaterThan(0);
        expect(progress).toBeLessThan(1);
        await eventually(() => interim.locator("h3").textContent()).toContain(
          `${(progress * 100).toFixed(1)}%`,
        );
        const deferred = interim.locator("[data-testid=deferred] li");
        await eventually(() => deferred.count()).toBeGreaterThan(0);
        await eventually(() => deferred.first().textContent()).toMatch(/: \S.{10,}/);
        await eventually(() =>
          interim.locator("[data-testid=interim-chart] .chart-body").getAttribute("aria-label"),
        ).toMatch(/deferred/);
        await eventually(() =>
          page
            .locator("[data-testid=best-plan-result] .plan-view [data-testid=verdict]")
            .first()
            .textContent(),
        ).toMatch(/^Feasible/);
        await atEverySize("interim deal", "interim-deal");
      },
      SEARCHING_MS,
    );
  });
});
