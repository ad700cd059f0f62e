/**
 * The workbench's side of the server's access control (docs/ledger.md, "Access control").
 * `lockstep serve` prints `http://HOST:PORT/#admin=TOKEN`: the fragment never leaves the browser,
 * so the token is read from it once, kept for this tab in sessionStorage and removed from the
 * address bar (and from history). Every API call then carries `Authorization: Bearer TOKEN`;
 * EventSource cannot set headers, so streams carry `?access_token=`. A participant's read token
 * for one agreement (from signing a challenge) is kept the same way, per agreement.
 */
const ADMIN = "lockstep.admin";
const READ = "lockstep.read.";

function storage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined; // storage disabled: tokens last only as long as the page
  }
}

const memory = new Map<string, string>();
const get = (key: string) => storage()?.getItem(key) ?? memory.get(key) ?? undefined;
const set = (key: string, value: string) => {
  memory.set(key, value);
  storage()?.setItem(key, value);
};

/** Reads `#admin=TOKEN` (alone or before `&` and a route) into storage and strips it from the URL. */
export function captureAdminToken(): void {
  const match = /^#admin=([^&]*)(?:&(.*))?$/.exec(location.hash);
  if (!match) return;
  if (match[1]) set(ADMIN, decodeURIComponent(match[1]));
  const rest = match[2] ? `#${match[2]}` : "#/";
  history.replaceState(history.state, "", `${location.pathname}${location.search}${rest}`);
}

export function adminToken(): string | undefined {
  return get(ADMIN) || undefined;
}

/** Keeps a participant's read token for one agreement (webtrack's key import signs the challenge). */
export function setReadToken(agreement: string, token: string): void {
  set(READ + agreement, token);
}

/** The token for a request to `url`: the admin token, else a read token for the agreement it names. */
export function tokenFor(url: string): string | undefined {
  const admin = adminToken();
  if (admin) return admin;
  const agreement = /^\/api\/agreements\/([^/?#]+)/.exec(url)?.[1];
  return agreement ? get(READ + decodeURIComponent(agreement)) || undefined : undefined;
}

/** fetch with the caller's bearer token, when there is one. */
export function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const token = tokenFor(url);
  if (!token) return fetch(url, init);
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return fetch(url, { ...init, headers });
}

/** A stream URL with `access_token=` added, for EventSource. */
export function streamUrl(url: string): string {
  const token = tokenFor(url);
  if (!token) return url;
  return `${url}${url.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(token)}`;
}

/** What to tell someone who got a 401: where the token comes from. */
export const NEEDS_TOKEN =
  "This server needs its admin token: open the address `lockstep serve` printed (it ends in #admin=…), or start the server with --open.";
