/**
 * The directory of Lockstep's package.json: where the built-in scenarios and the built web app
 * are, found the same way whether this code runs from src/ (tsx, vitest), from the compiled
 * bundle in dist/, or from an installed copy under node_modules. Relative paths from
 * `import.meta.url` would differ between those layouts; walking up to the manifest does not.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "lockstep")
          return dir;
      } catch {
        // an unreadable manifest is not ours: keep walking
      }
    }
    if (dirname(dir) === dir) throw new Error(`lockstep: no package.json of 'lockstep' above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
