/**
 * `npm run build`: compiles the CLI (and everything it loads) to dist/ as a split ESM bundle, and
 * the simulation workers' task to one self-contained file, dist/simulation-worker.mjs.
 *
 *   dist/cli.js                  the CLI's entry (bin/lockstep.js imports it)
 *   dist/chunks/*.js             code shared between commands; each command is its own chunk, so
 *                                a command loads only what it uses
 *   dist/simulation-worker.mjs   the simulation threads' module: plain JavaScript with its npm
 *                                dependencies inlined, so a worker starts in milliseconds
 *   dist/planner-worker.mjs      the server's planner threads' module, one file with the npm
 *                                packages external (HiGHS loads its WebAssembly beside itself)
 *   dist/append-worker.mjs       the SQLite append thread's module (src/store/append-thread.ts),
 *                                the CLI's pure-JS packages inlined, better-sqlite3 external
 *
 * npm packages stay external in the CLI (better-sqlite3 is native, highs loads its WebAssembly
 * beside itself). `--if-stale` builds only when the sources differ from the last build's, by
 * contents (a hash), so a checkout that only touches mtimes does not rebuild and an editor that
 * keeps them cannot leave a stale build. The vitest global setup and `npm start` use it.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIST = join(ROOT, "dist");
const STAMP = ".build-stamp";
/** What the build is made from: a change to any of these makes the build stale. */
const INPUTS = ["src", "scripts/build.ts", "package.json", "package-lock.json"];

const COMMON = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
} as const;

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => files(join(path, entry)));
}

/** A hash of every input's path and contents. */
export function sourceHash(): string {
  const hash = createHash("sha256").update(esbuild.version);
  for (const file of INPUTS.flatMap((input) => files(join(ROOT, input)))) {
    const contents = readFileSync(file);
    // the lengths keep "ab"+"c" and "a"+"bc" apart
    hash.update(`\0${relative(ROOT, file)}\0${contents.length}\0`).update(contents);
  }
  return hash.digest("hex");
}

export function isStale(): boolean {
  try {
    return readFileSync(join(DIST, STAMP), "utf8").trim() !== sourceHash();
  } catch {
    return true;
  }
}

export async function build(): Promise<void> {
  const hash = sourceHash();
  // Built beside dist/ and swapped in whole, so a process running the CLI meanwhile never loads
  // half of an old build and half of a new one.
  const temporary = `${DIST}.${process.pid}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  try {
    await compile(temporary);
    writeFileSync(join(temporary, STAMP), `${hash}\n`);
    swapIn(temporary);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

async function compile(outdir: string): Promise<void> {
  await esbuild.build({
    ...COMMON,
    absWorkingDir: ROOT,
    entryPoints: { cli: "src/cli/main.ts" },
    splitting: true,
    plugins: [externalExcept(INLINED), englishOnly],
    // the inlined CommonJS packages (commander, yaml) call require() for Node's own modules
    banner: {
      js: 'import { createRequire as __lockstepRequire } from "node:module";\nconst require = __lockstepRequire(import.meta.url);',
    },
    outdir,
    chunkNames: "chunks/[name]-[hash]",
  });
  await esbuild.build({
    ...COMMON,
    absWorkingDir: ROOT,
    entryPoints: { "simulation-worker": "src/io/simulation-task.ts" },
    plugins: [englishOnly],
    outExtension: { ".js": ".mjs" },
    outdir,
  });
  await esbuild.build({
    ...COMMON,
    absWorkingDir: ROOT,
    entryPoints: { "planner-worker": "src/io/planner-task.ts" },
    // npm packages stay external, as in the CLI: highs finds its WebAssembly beside its own module
    packages: "external",
    outExtension: { ".js": ".mjs" },
    outdir,
  });
  await esbuild.build({
    ...COMMON,
    absWorkingDir: ROOT,
    entryPoints: { "append-worker": "src/store/append-worker.ts" },
    plugins: [externalExcept(INLINED), englishOnly],
    outExtension: { ".js": ".mjs" },
    outdir,
  });
}

/**
 * npm packages the CLI carries inside its chunks: plain JavaScript that loads no file beside
 * itself. Node resolving and reading their hundreds of small files took about 0.15 CPU-s of each
 * `lockstep` start (0.5 CPU-s in all), and the tests start it hundreds of times. zod goes with
 * fastify-type-provider-zod, its one importer among the packages, so there is one zod. The rest stay
 * external: better-sqlite3 is native, highs loads its WebAssembly and bullmq its scripts from
 * beside themselves, piscina starts workers by file name, and fastify and pg gain little.
 */
const INLINED = [
  "commander",
  "yaml",
  "zod",
  "fastify-type-provider-zod",
  "kysely",
  "pure-rand",
  "eventsource-parser",
  "cli-progress",
];

function externalExcept(inlined: string[]): esbuild.Plugin {
  return {
    name: "external-except",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const parts = args.path.split("/");
        const name = args.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
        return inlined.includes(name) ? undefined : { external: true };
      });
    },
  };
}

/**
 * zod's error messages in English only. zod exports its 60-odd translations as `z.locales`, and
 * that namespace keeps all of them in a bundle: 370 KB of the CLI's largest chunk and of each
 * worker's module, parsed by every `lockstep` process and simulation thread, though the code
 * never calls `z.config()` and so only ever uses the English one (zod's default, which its schemas
 * import directly). `z.locales.en` is kept.
 */
const englishOnly: esbuild.Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

function swapIn(temporary: string): void {
  const old = `${DIST}.${process.pid}.old`;
  if (existsSync(DIST)) renameSync(DIST, old);
  try {
    renameSync(temporary, DIST);
  } catch (error) {
    // another process swapped in its build first: it was built from the same sources or newer
    if (!existsSync(DIST)) throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Builds when the sources changed since the last build; true when it built. */
export async function buildIfStale(): Promise<boolean> {
  if (!isStale()) return false;
  await build();
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  let built = true;
  if (process.argv.includes("--if-stale")) built = await buildIfStale();
  else await build();
  if (!process.argv.includes("--quiet"))
    process.stdout.write(
      built ? `built dist/ in ${Math.round(performance.now() - started)} ms\n` : "dist/ is up to date\n",
    );
}
