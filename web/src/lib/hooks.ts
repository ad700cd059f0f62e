/** Hooks shared by the pages. (Charts measure their own box: see components/Chart.tsx.) */
import { useEffect, useRef } from "preact/hooks";

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
