/** Mounts an Observable Plot chart and offers it as SVG and PNG. */
import { useEffect, useRef } from "preact/hooks";
import { download, svgText, svgToPng } from "../lib/export.ts";

interface Props {
  title: string;
  /** File name without extension for exports. */
  fileName: string;
  render: () => SVGSVGElement | HTMLElement;
  /** Re-render when any of these change. */
  deps: unknown[];
  testId?: string;
  /** The chart's text alternative: what it shows, in a sentence or two. */
  summary?: string;
}

export function Chart({ title, fileName, render, deps, testId, summary }: Props) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = render();
    host.current?.replaceChildren(node);
    // The benchmark reads when the chart last changed, to time edit → updated chart.
    (window as unknown as { __lockstepChartDrawn?: number }).__lockstepChartDrawn = performance.now();
    return () => node.remove();
  }, deps);
  const svg = () => host.current?.querySelector("svg") ?? undefined;
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>
        <span>{title}</span>
        <span class="chart-actions">
          <button
            type="button"
            class="small"
            aria-label={`SVG: download "${title}"`}
            onClick={() => {
              const s = svg();
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
              const s = svg();
              if (s) download(`${fileName}.png`, await svgToPng(s));
            }}
          >
            PNG
          </button>
        </span>
      </figcaption>
      {/* The SVG is one image to assistive technology; the summary says what it shows. */}
      <div ref={host} class="chart-body" role="img" aria-label={summary ? `${title}. ${summary}` : title} />
    </figure>
  );
}
