/**
 * The simulation workers' code as one plain-JavaScript file, bundled with esbuild and cached on
 * disk. A worker that loads this file starts in a few milliseconds; loading the TypeScript sources
 * through tsx costs each worker about 0.2 s, which is most of what a second worker loses.
 *
 * Invalidation: the cache key is a hash of the *contents* of every file the last build read
 * (esbuild's metafile inputs, node_modules included), plus esbuild's version and the build
 * options. A change to the import graph always changes the contents of some file already in the
 * list (the one whose imports changed), so the old list is enough to notice it; the new build
 * then records the new list. Contents rather than mtimes, because a checkout or a copy can change
 * mtimes without changing code (a needless rebuild) and an editor can keep them (a stale bundle).
 * Hashing the ~15 small inputs takes about a millisecond.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface BundleOptions {
  /** The TypeScript module to bundle (its default export is the worker's task function). */
  entry: string;
  /** Where bundles and the list of their inputs are kept. */
  cacheDir: string;
  /** Paths in the key are relative to this, so the key does not depend on where the repo sits. */
  root: string;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const SIMULATION_BUNDLE: BundleOptions = {
  entry: fileURLToPath(new URL("./simulation-task.ts", import.meta.url)),
  cacheDir: join(ROOT, "node_modules", ".cache", "lockstep"),
  root: ROOT,
};

// Part of the key: changing how the bundle is built must not reuse bundles built the old way.
const BUILD_OPTIONS = { bundle: true, format: "esm", platform: "node", target: "node20" } as const;

// Bundles of older sources are removed once they are this old (not at once: another process may
// be about to start workers from one).
const STALE_MS = 60 * 60 * 1000;

export interface SourceFile {
  path: string;
  contents: string | Buffer;
}

/** The cache key of a bundle built from these files (in any order) with this esbuild version. */
export function bundleKey(files: readonly SourceFile[], esbuildVersion: string): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ esbuildVersion, BUILD_OPTIONS }));
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    // lengths keep "ab"+"c" and "a"+"bc" apart
    hash.update(`\0${file.path}\0${Buffer.byteLength(file.contents)}\0`);
    hash.update(file.contents);
  }
  return hash.digest("hex").slice(0, 16);
}

function readSources(paths: readonly string[], root: string): SourceFile[] {
  return paths.map((path) => ({ path, contents: readFileSync(resolve(root, path)) }));
}

function stem(options: BundleOptions): string {
  return relative(options.root, options.entry)
    .replace(/\.[cm]?[jt]s$/, "")
    .replaceAll(/[\\/]/g, "-");
}

function writeAtomically(path: string, text: string): void {
  // rename is atomic: a process running at the same time never sees half a file
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

type Esbuild = typeof import("esbuild");

async function loadEsbuild(): Promise<Esbuild | undefined> {
  try {
    return await import("esbuild");
  } catch {
    return undefined;
  }
}

/**
 * The path of an up-to-date bundle of `options.entry`, building it if needed; undefined when it
 * cannot be had (esbuild missing, the build failing, the cache not writable): the caller then
 * loads the sources through tsx, slower to start but the same code.
 */
export async function bundledEntry(options: BundleOptions = SIMULATION_BUNDLE): Promise<string | undefined> {
  const esbuild = await loadEsbuild();
  if (!esbuild) return undefined;
  const name = stem(options);
  const inputsFile = join(options.cacheDir, `${name}.inputs.json`);
  const bundleFile = (key: string) => join(options.cacheDir, `${name}-${key}.mjs`);
  try {
    const inputs: unknown = JSON.parse(readFileSync(inputsFile, "utf8"));
    if (Array.isArray(inputs) && inputs.every((input) => typeof input === "string")) {
      const cached = bundleFile(bundleKey(readSources(inputs, options.root), esbuild.version));
      statSync(cached);
      return cached;
    }
  } catch {
    // no list yet, an input gone, or no bundle for these contents: build
  }
  try {
    const started = Date.now();
    const result = esbuild.buildSync({
      ...BUILD_OPTIONS,
      entryPoints: [options.entry],
      absWorkingDir: options.root,
      metafile: true,
      write: false,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    const output = result.outputFiles[0];
    if (!output) return undefined;
    // A file saved while esbuild ran may be hashed in its new version but bundled in its old one:
    // do not cache that bundle under the new contents (this run falls back; the next one builds).
    if (inputs.some((input) => statSync(resolve(options.root, input)).mtimeMs >= started)) return undefined;
    const key = bundleKey(readSources(inputs, options.root), esbuild.version);
    mkdirSync(options.cacheDir, { recursive: true });
    const file = bundleFile(key);
    writeAtomically(file, output.text);
    writeAtomically(inputsFile, `${JSON.stringify(inputs)}\n`);
    removeStaleBundles(options.cacheDir, name, file);
    return file;
  } catch {
    return undefined;
  }
}

function removeStaleBundles(cacheDir: string, name: string, keep: string): void {
  const now = Date.now();
  for (const entry of readdirSync(cacheDir)) {
    const path = join(cacheDir, entry);
    if (path === keep || !entry.startsWith(`${name}-`) || !entry.endsWith(".mjs")) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}
