/**
 * The pages that need the editor, the charts and the analysis core come in one lazily loaded chunk
 * (scenario-pages.ts), so the library shows before CodeMirror and Plot arrive. It is fetched once,
 * and as early as the route says it will be needed (main.tsx), not when the page first renders.
 */
import { mark } from "../lib/timing.ts";

export type ScenarioPages = typeof import("./scenario-pages.ts");

let pagesModule: Promise<ScenarioPages> | undefined;
let loaded: ScenarioPages | undefined;

export function loadPages(): Promise<ScenarioPages> {
  pagesModule ??= import("./scenario-pages.ts").then((m) => {
    mark("pages-chunk");
    loaded = m;
    return m;
  });
  return pagesModule;
}

/** The chunk's pages if they have arrived already (a page then renders without waiting a turn). */
export function loadedPages(): ScenarioPages | undefined {
  return loaded;
}

/** Whether the page a route names is in the lazily loaded chunk (App.tsx routes the same way). */
export function routeNeedsPages(path: readonly string[]): boolean {
  return path[0] === "new" || ((path[0] === "s" || path[0] === "a") && path[1] !== undefined);
}
