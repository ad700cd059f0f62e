/** The Export tab: the chosen plan as Markdown, CSV or JSON, and the way to the briefing. */
import type { Analysis, CompiledScenario } from "../../../../src/analysis/index.ts";
import type { PlanChoice } from "../../lib/analysis.ts";
import { download, planCsv, planJson, planMarkdown } from "../../lib/export.ts";

interface Props {
  compiled: CompiledScenario;
  chosen: PlanChoice;
  analysis: Analysis;
  /** The page's scenario id ("new" for an unsaved one), for the briefing's address. */
  pageId: string;
}

/** The adoption wizard's address; a plan the planner found travels along, since no file holds it. */
function adoptHref(pageId: string, chosen: PlanChoice): string {
  const params = new URLSearchParams({ plan: chosen.name });
  if (chosen.name === "optimal") params.set("optimum", JSON.stringify(chosen.plan));
  return `#/s/${encodeURIComponent(pageId)}/adopt?${params}`;
}

export function ExportTab({ compiled, chosen, analysis, pageId }: Props) {
  const base = `${compiled.scenario.id}-${chosen.name}`;
  return (
    <section aria-labelledby="export-heading" class="export">
      <h2 id="export-heading">Plan '{chosen.name}'</h2>
      <p class="toolbar">
        <button
          type="button"
          onClick={() =>
            download(`${base}.md`, planMarkdown(compiled, chosen.name, analysis), "text/markdown")
          }
        >
          Markdown
        </button>
        <button
          type="button"
          onClick={() => download(`${base}.csv`, planCsv(compiled, analysis), "text/csv")}
        >
          CSV
        </button>
        <button
          type="button"
          onClick={() =>
            download(`${base}.json`, planJson(chosen.name, chosen.plan, analysis), "application/json")
          }
        >
          JSON
        </button>
      </p>
      <p class="muted">
        Every chart has its own SVG and PNG buttons; the files carry the chart's title, legend and summary.
      </p>
      <h2>Briefing</h2>
      <p class="toolbar">
        <a
          class="button primary"
          href={`#/s/${encodeURIComponent(pageId)}/briefing`}
          data-testid="open-briefing"
        >
          Open the printable briefing
        </a>
        <a
          class="button"
          href={`#/s/${encodeURIComponent(pageId)}/briefing?plan=${encodeURIComponent(chosen.name)}`}
          data-testid="open-briefing-chosen"
        >
          Briefing on plan '{chosen.name}'
        </a>
      </p>
      <p class="muted">The briefing recommends the best plan it finds; you can choose another there.</p>
      <h2>Agreement</h2>
      <p class="toolbar">
        <a class="button" href={adoptHref(pageId, chosen)} data-testid="open-adopt">
          Adopt plan '{chosen.name}' as an agreement…
        </a>
      </p>
      <p class="muted">
        The parties' participants then sign its charter and record what is done, each with their own key.
      </p>
    </section>
  );
}
