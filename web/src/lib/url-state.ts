/**
 * The page's state in its address: `#/s/ID?tab=compare&plan=phased&opt=…`. The path picks the
 * page; the query keeps what a reload or a shared link must restore (the tab, the plan chosen,
 * the optimum found). Updates use history.replaceState, which does not fire `hashchange`, so
 * writing the state never re-routes the page.
 */
import { useEffect, useState } from "preact/hooks";
import { Plan } from "../../../src/model/index.ts";

export interface HashLocation {
  path: string[];
  params: URLSearchParams;
}

export function readHash(hash = location.hash): HashLocation {
  const body = hash.replace(/^#\/?/, "");
  const q = body.indexOf("?");
  const pathPart = q < 0 ? body : body.slice(0, q);
  return {
    path: pathPart.split("/").filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(q < 0 ? "" : body.slice(q + 1)),
  };
}

/** Replaces the query of the current address (keeping the path), without a new history entry. */
export function writeParams(values: Record<string, string | undefined>): void {
  const { params } = readHash();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === "") params.delete(key);
    else params.set(key, value);
  }
  const body = location.hash.replace(/^#/, "").split("?")[0] ?? "";
  const query = params.toString();
  const next = `#${body}${query ? `?${query}` : ""}`;
  if (next !== location.hash) history.replaceState(history.state, "", next);
}

/** For a toggle kept in the address as `yes` (its default, `no`, is left out). */
export const yesNo = (v: string): v is "yes" | "no" => v === "yes" || v === "no";

/**
 * A view state kept in the address under `key` (absent when it is the default), so a reload or a
 * shared link opens the page as it was left.
 */
export function useParam<T extends string>(key: string, fallback: T, valid: (v: string) => v is T) {
  const [value, setValue] = useState<T>(() => {
    const given = readHash().params.get(key);
    return given !== null && valid(given) ? given : fallback;
  });
  useEffect(() => writeParams({ [key]: value === fallback ? undefined : value }), [key, value, fallback]);
  return [value, setValue] as const;
}

/** A plan kept in the address as JSON; undefined when absent or not a plan. */
export function planParam(params: URLSearchParams, key: string): Plan | undefined {
  const text = params.get(key);
  if (!text) return undefined;
  try {
    const parsed = Plan.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

type Guard = (to: HashLocation) => boolean;
let guard: Guard | undefined;

/**
 * Lets the open page veto leaving it (unsaved edits): `check` returns true to allow the move.
 * Returns the function that removes the guard.
 */
export function guardNavigation(check: Guard): () => void {
  guard = check;
  return () => {
    if (guard === check) guard = undefined;
  };
}

/** The page's path from the address, following `hashchange` (subject to the guard). */
export function useRoute(): string[] {
  const [route, setRoute] = useState(() => readHash().path);
  useEffect(() => {
    const update = (event: HashChangeEvent) => {
      const next = readHash();
      if (guard && !guard(next)) {
        // Stay: put the old address back without another hashchange. The event's old URL has
        // what replaceState wrote since (tab, plan, editor), which a copy kept here would not.
        history.replaceState(history.state, "", event.oldURL);
        return;
      }
      setRoute(next.path);
    };
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
