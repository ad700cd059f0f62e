/**
 * Builds the web app when web/dist is missing or older than its sources, so `npm start` and the
 * end-to-end tests never serve a stale page. Vite is loaded only when a build is needed.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT as ROOT } from "../io/package-root.ts";

export const WEB_DIR = join(ROOT, "web");
const BUILT_MARKER = join(WEB_DIR, "dist", "index.html");
/** Everything the bundle is made from: the web app and the pure core it imports (workers included). */
const SOURCES = [
  "web/src",
  "web/index.html",
  "web/vite.config.ts",
  "src/model",
  "src/analysis",
  "src/planner",
  "src/simulate",
  "src/ledger",
].map((p) => join(ROOT, p));

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

export function webBuildIsStale(): boolean {
  if (!existsSync(BUILT_MARKER)) return true;
  const built = statSync(BUILT_MARKER).mtimeMs;
  return SOURCES.some((source) => newestChange(source) > built);
}

/** Returns true when it had to build. */
export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<boolean> {
  if (!webBuildIsStale()) return false;
  log("Building the web app (web/dist is missing or stale)...");
  const { build } = await import("vite");
  await build({ root: WEB_DIR, configFile: join(WEB_DIR, "vite.config.ts"), logLevel: "warn" });
  return true;
}
