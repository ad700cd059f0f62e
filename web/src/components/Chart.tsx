/**
 * Mounts an Observable Plot chart at the width of its own box (a ResizeObserver redraws it when the
 * box changes), with a legend and a help link, and offers it as SVG and PNG that carry the title,
 * the legend and the summary with them.
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { download, framedSvg, svgText, svgToPng } from "../lib/export.ts";
import { mark } from "../lib/timing.ts";
import { HelpLink } from "./Glossary.tsx";

export interface LegendItem {
  label: string;
  /** A CSS colour. */
  color: string;
  /** How the item is drawn: a line, a dashed line, a dot or a filled band. */
  shape: "line" | "dashed" | "dot" | "band";
}

interface Props {
  title: string;
  /** File name without extension for exports. */
  fileName: string;
  /** Draws the chart at the given width (the box's width, in CSS pixels). */
  render: (width: number) => SVGSVGElement | HTMLElement;
  /** Re-render when any of these change. */
  deps: unknown[];
  testId?: string;
  /** The chart's text alternative: what it shows, in a sentence or two. */
  summary?: string;
  legend?: readonly LegendItem[];
  /** Glossary entries the chart uses (linked from its label). */
  terms?: string[];
  /** A line under the legend (the unit, when it is too long for an axis). */
  note?: string;
}

/**
 * The width of an element's content box, kept up to date by a ResizeObserver. `measure()` reads it
 * on the spot, so a chart's first drawing already has the box's width (no draw at a guess and
 * again at the real width).
 */
function useBoxWidth(fallback = 600) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(fallback);
  const measured = useRef(fallback);
  const measure = () => {
    const w = Math.floor(ref.current?.clientWidth ?? 0);
    measured.current = w > 0 ? w : width;
    return measured.current;
  };
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    // Only a width other than the one last drawn at is news (the observer also reports the first).
    const observer = new ResizeObserver(() => {
      const w = Math.floor(node.clientWidth);
      if (w > 0 && w !== measured.current) setWidth(w);
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  return [ref, width, measure] as const;
}

export function Chart({ title, fileName, render, deps, testId, summary, legend, terms, note }: Props) {
  const [box, width, measure] = useBoxWidth();
  const host = useRef<HTMLDivElement>(null);
  // Drawn in a layout effect: before the browser paints and before the page's other effects (the
  // YAML editor builds itself in one), so a chart is on screen in the first frame that shows the
  // plan (the "charts within 1 s of navigation" goal; docs/benchmarks.md, Workbench delivery).
  useLayoutEffect(() => {
    const w = measure();
    const node = render(w);
    // The box is one image with the summary as its text; the SVG's own labels are hidden from
    // assistive technology (Plot labels its mark groups, which an image may not contain).
    const svg = node instanceof SVGSVGElement ? node : node.querySelector("svg");
    svg?.setAttribute("aria-hidden", "true");
    host.current?.replaceChildren(node);
    host.current?.setAttribute("data-width", String(w));
    // The benchmark reads when the chart last changed, to time edit → updated chart.
    (window as unknown as { __lockstepChartDrawn?: number }).__lockstepChartDrawn = performance.now();
    mark(`chart:${testId ?? fileName}`);
    return () => node.remove();
  }, [...deps, width]);
  const framed = () => {
    const svg = host.current?.querySelector("svg");
    return svg
      ? framedSvg(svg, { title, legend, summary: note ? `${note} ${summary ?? ""}` : summary })
      : undefined;
  };
  return (
    <figure class="chart" data-testid={testId} ref={box}>
      <figcaption>
        <span class="chart-title">
          {title}
          {terms && terms.length > 0 && <HelpLink terms={terms} />}
        </span>
        <span class="chart-actions">
          <button
            type="button"
            class="small"
            aria-label={`SVG: download "${title}"`}
            onClick={() => {
              const s = framed();
              if (s) download(`${fileName}.svg`, svgText(s), "image/svg+xml");
            }}
          >
            SVG
          </button>
          <button
            type="button"
            class="small"
            aria-label={`PNG: download "${title}"`}
            onClick={async () => {
              const s = framed();
              if (s) download(`${fileName}.png`, await svgToPng(s));
            }}
          >
            PNG
          </button>
        </span>
      </figcaption>
      {legend && legend.length > 0 && (
        <ul class="chart-legend" data-testid="chart-legend">
          {legend.map((item) => (
            <li key={item.label}>
              <LegendSwatch item={item} />
              {item.label}
            </li>
          ))}
        </ul>
      )}
      {note && <p class="chart-note">{note}</p>}
      {/* The SVG is one image to assistive technology; the summary says what it shows. */}
      <div ref={host} class="chart-body" role="img" aria-label={summary ? `${title}. ${summary}` : title} />
    </figure>
  );
}

/** A legend key drawn with CSS (not SVG), so the chart's own SVG stays the only one in the figure. */
function LegendSwatch({ item }: { item: LegendItem }) {
  const style =
    item.shape === "band"
      ? { background: item.color, height: "10px" }
      : item.shape === "dot"
        ? { background: item.color, width: "9px", height: "9px", borderRadius: "50%" }
        : { borderTop: `3px ${item.shape === "dashed" ? "dashed" : "solid"} ${item.color}`, height: "0" };
  return <span class={`swatch swatch-${item.shape}`} aria-hidden="true" style={style} />;
}
