/**
 * Requests a page is known to make, started when the app starts rather than once the page's
 * code has arrived and rendered: opening `#/s/ID` fetches the scenario while the scenario pages'
 * chunk is still downloading, so the document is there when the page first asks for it.
 * A prefetched answer is handed out once, and forgotten when the address changes (a page opened
 * later asks the server again).
 */
import { api, type ScenarioDocument } from "./api.ts";

const early = new Map<string, Promise<ScenarioDocument>>();

export function prefetchScenario(id: string): void {
  if (early.has(id)) return;
  const pending = api.get(id);
  pending.catch(() => {}); // the page that takes it reports the error
  early.set(id, pending);
  window.addEventListener("hashchange", () => early.clear(), { once: true });
}

/** The scenario document: the prefetched request when there is one, else a new one. */
export function scenarioDocument(id: string): Promise<ScenarioDocument> {
  const pending = early.get(id);
  early.delete(id);
  return pending ?? api.get(id);
}

/** The scenario a workspace route opens (`#/s/ID`, not a new scenario or a sub-page), if any. */
export function workspaceScenario(path: readonly string[]): string | undefined {
  return path[0] === "s" && path[1] !== undefined && path[1] !== "new" && path.length === 2
    ? path[1]
    : undefined;
}
