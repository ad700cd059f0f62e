/**
 * The workbench shell: a header and the page the URL's hash names. The scenario pages (editor,
 * charts) load as a separate chunk, so the library appears before CodeMirror and Plot arrive.
 */
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { GlossaryPage } from "./components/Glossary.tsx";
import { api, type Capabilities } from "./lib/api.ts";
import { useRoute } from "./lib/hooks.ts";
import { Library } from "./pages/Library.tsx";
import { loadedPages, loadPages, type ScenarioPages } from "./pages/load-pages.ts";
import { SweepsPage } from "./pages/Sweeps.tsx";

/** Renders a page from the lazily loaded chunk once it has arrived. */
function Lazy<P extends object>({ pick, props }: { pick: (m: ScenarioPages) => ComponentType<P>; props: P }) {
  const [Page, setPage] = useState<ComponentType<P> | undefined>(() => {
    const pages = loadedPages();
    return pages ? pick(pages) : undefined;
  });
  useEffect(() => {
    if (!Page) void loadPages().then((m) => setPage(() => pick(m)));
  }, [pick]);
  return Page ? (
    <Page {...props} />
  ) : (
    <main class="loading" id="main" tabIndex={-1}>
      Loading…
    </main>
  );
}

const pickWorkspace = (m: ScenarioPages) => m.Workspace;
const pickBriefing = (m: ScenarioPages) => m.Briefing;
const pickAgreement = (m: ScenarioPages) => m.Agreement;
const pickAdopt = (m: ScenarioPages) => m.Adopt;

export function App() {
  const route = useRoute();
  const [capabilities, setCapabilities] = useState<Capabilities | undefined>();
  useEffect(() => {
    api
      .capabilities()
      .then(setCapabilities)
      .catch(() => setCapabilities(undefined));
  }, []);
  let page = <Library />;
  if (route[0] === "glossary") {
    page = <GlossaryPage />;
  } else if (route[0] === "new") {
    page = <Lazy key="new" pick={pickWorkspace} props={{ capabilities }} />;
  } else if (route[0] === "s" && route[1] && route[2] === "briefing") {
    page = <Lazy key={`briefing-${route[1]}`} pick={pickBriefing} props={{ id: route[1], capabilities }} />;
  } else if (route[0] === "s" && route[1] && route[2] === "adopt") {
    page = <Lazy key={`adopt-${route[1]}`} pick={pickAdopt} props={{ id: route[1] }} />;
  } else if (route[0] === "sweeps") {
    page = <SweepsPage key={`sweeps-${route[1] ?? ""}`} id={route[1]} />;
  } else if (route[0] === "a" && route[1]) {
    page = <Lazy key={`agreement-${route[1]}`} pick={pickAgreement} props={{ id: route[1] }} />;
  } else if (route[0] === "s" && route[1]) {
    const id = route[1] === "new" ? undefined : route[1];
    page = <Lazy key={route[1]} pick={pickWorkspace} props={{ id, capabilities }} />;
  }
  return (
    <>
      {/* The skip link moves focus without touching the address, which the router owns. */}
      <button
        type="button"
        class="skip-link no-print"
        onClick={() => {
          const main = document.getElementById("main");
          main?.focus();
          main?.scrollIntoView();
        }}
      >
        Skip to the content
      </button>
      <header class="app-header no-print">
        <a href="#/" class="brand">
          Lockstep
        </a>
        <span class="muted tagline">design, stress-test and track phased agreements</span>
        <a href="#/glossary" class="glossary-link">
          Glossary
        </a>
        <a href="#/sweeps" class="sweeps-link" style="color:white;margin-left:1rem">
          Sweeps
        </a>
      </header>
      {page}
    </>
  );
}
