import { render } from "preact";
import { App } from "./App.tsx";
import { captureAdminToken } from "./lib/auth.ts";
import { prefetchScenario, workspaceScenario } from "./lib/early.ts";
import { mark } from "./lib/timing.ts";
import { readHash } from "./lib/url-state.ts";
import { loadPages, routeNeedsPages } from "./pages/load-pages.ts";
import "./style.css";

mark("entry");

// before the router reads the hash: `#admin=TOKEN` is a token, not a page (also when pasted
// into the address bar of an open tab, which changes only the hash)
captureAdminToken();
window.addEventListener("hashchange", captureAdminToken);

// What the page opened needs, asked for now: the scenario pages' chunk and the scenario itself
// arrive side by side instead of one after the other (docs/benchmarks.md, Workbench delivery).
const { path } = readHash();
if (routeNeedsPages(path)) void loadPages();
const opened = workspaceScenario(path);
if (opened) prefetchScenario(opened);

render(<App />, document.getElementById("app")!);
