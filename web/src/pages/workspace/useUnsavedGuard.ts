/**
 * Unsaved edits: a warning before the tab closes or reloads, and before the app goes elsewhere
 * (the briefing of this scenario reads the draft, so going there loses nothing).
 */
import { useEffect, useRef } from "preact/hooks";
import { guardNavigation } from "../../lib/url-state.ts";

export const UNSAVED_WARNING =
  "This scenario has unsaved edits. Leave anyway? (They stay in this tab until it closes.)";

/**
 * Guards the scenario `id` (page `pageId`: the id, or "new") while `dirty`. Returns the function
 * to call before a move the page makes itself (to the copy it just saved), which passes unasked.
 */
export function useUnsavedGuard(dirty: boolean, pageId: string, id: string | undefined): () => void {
  const leaving = useRef(false);
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = UNSAVED_WARNING;
    };
    window.addEventListener("beforeunload", beforeUnload);
    const unguard = guardNavigation((to) => {
      if (leaving.current) return true;
      const here = to.path[0] === "s" && to.path[1] === pageId;
      const newHere = !id && to.path[0] === "new";
      return here || newHere || confirm(UNSAVED_WARNING);
    });
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      unguard();
    };
  }, [dirty, pageId, id]);
  return () => {
    leaving.current = true;
  };
}
