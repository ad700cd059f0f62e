/** Hooks shared by the pages. (Charts measure their own box: see components/Chart.tsx.) */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "./api.ts";
import { drafts, NEW_SCENARIO } from "./drafts.ts";

export { useRoute } from "./url-state.ts";

/**
 * The tab's title (`title — Lockstep workbench`), and the page's heading focused once `ready` (its
 * content loaded), so reading starts there. Returns the ref to put on the heading.
 */
export function usePageTitle(title: string, ready: boolean) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Lockstep workbench`;
  }, [title]);
  useEffect(() => {
    if (ready) heading.current?.focus({ preventScroll: true });
  }, [ready]);
  return heading;
}

/**
 * A scenario's text as the workspace shows it, for the pages beside it (briefing, adoption): its
 * unsaved draft in this tab, else the saved or built-in scenario, loaded; or why it did not load.
 */
export function useScenarioText(id: string) {
  const [source, setSource] = useState<string | undefined>(
    drafts.get(id) ?? (id === "new" ? NEW_SCENARIO : undefined),
  );
  const [loadError, setLoadError] = useState<string | undefined>();
  useEffect(() => {
    if (source !== undefined) return;
    api
      .get(id)
      .then((d) => setSource(d.source))
      .catch((e: Error) => setLoadError(e.message));
  }, [id, source]);
  return { source, loadError };
}
