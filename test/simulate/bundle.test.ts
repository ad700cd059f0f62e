/**
 * The workers' bundle: rebuilt when a source changes, reused when nothing did, and the tsx
 * fallback gives the same reports as the bundle.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type BundleOptions, bundledEntry, bundleKey } from "../../src/io/simulation-bundle.ts";
import { workerEntry } from "../../src/io/simulation-pool.ts";
import { lockstep } from "../helpers/cli.ts";

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A tiny project: entry.ts imports dep.ts; its bundle's default export returns dep's value. */
function project(depValue: string): BundleOptions & { dep: string } {
  const root = mkdtempSync(join(tmpdir(), "lockstep-bundle-"));
  temporaryDirs.push(root);
  const entry = join(root, "entry.ts");
  const dep = join(root, "dep.ts");
  writeFileSync(entry, `import { value } from "./dep.ts";\nexport default (): string => value;\n`);
  writeFileSync(dep, `export const value: string = ${JSON.stringify(depValue)};\n`);
  return { entry, dep, root, cacheDir: join(root, "cache") };
}

/** Runs a bundle with plain node (no tsx), as a worker thread would load it. */
function runBundle(file: string): string {
  const script = `import run from ${JSON.stringify(pathToFileURL(file).href)}; process.stdout.write(run());`;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
}

describe("bundleKey", () => {
  const files = [
    { path: "src/a.ts", contents: "export const a = 1;" },
    { path: "src/b.ts", contents: "export const b = 2;" },
  ];

  it("changes when any file's contents, path or the esbuild version change, not with the order", () => {
    const key = bundleKey(files, "0.28.2");
    expect(bundleKey([...files].reverse(), "0.28.2")).toBe(key);
    expect(bundleKey([files[0], { ...files[1], contents: "export const b = 3;" }], "0.28.2")).not.toBe(key);
    expect(bundleKey([files[0], { ...files[1], path: "src/c.ts" }], "0.28.2")).not.toBe(key);
    expect(bundleKey(files, "0.28.3")).not.toBe(key);
    // the same bytes split differently between files are different sources
    const shifted = [
      { path: "src/a.ts", contents: "export const a = 1;e" },
      { path: "src/b.ts", contents: "xport const b = 2;" },
    ];
    expect(bundleKey(shifted, "0.28.2")).not.toBe(key);
  });
});

describe("bundledEntry", () => {
  it("reuses the bundle while the sources are unchanged and rebuilds it when one changes", async () => {
    const options = project("first");
    const first = await bundledEntry(options);
    expect(first).toBeDefined();
    expect(runBundle(first!)).toBe("first");
    const builtAt = statSync(first!).mtimeMs;

    const again = await bundledEntry(options);
    expect(again).toBe(first);
    expect(statSync(again!).mtimeMs).toBe(builtAt);

    // a change in an imported file (not the entry) must reach the workers
    writeFileSync(options.dep, `export const value: string = "second";\n`);
    const rebuilt = await bundledEntry(options);
    expect(rebuilt).toBeDefined();
    expect(rebuilt).not.toBe(first);
    expect(runBundle(rebuilt!)).toBe("second");
    expect(readdirSync(options.cacheDir).filter((name) => name.endsWith(".mjs"))).toHaveLength(2);
  });

  it("gives no bundle when the build fails, so the pool falls back to tsx", async () => {
    const options = project("fine");
    writeFileSync(options.dep, "export const value = ;\n");
    expect(await bundledEntry(options)).toBeUndefined();
  });
});

describe("the workers' entry", () => {
  it("is the bundle by default and the tsx entry with LOCKSTEP_SIMULATION_BUNDLE=0", async () => {
    const saved = process.env.LOCKSTEP_SIMULATION_BUNDLE;
    try {
      delete process.env.LOCKSTEP_SIMULATION_BUNDLE;
      expect(await workerEntry()).toMatch(/node_modules\/\.cache\/lockstep\/.*\.mjs$/);
      process.env.LOCKSTEP_SIMULATION_BUNDLE = "0";
      expect(await workerEntry()).toMatch(/simulation-worker\.cjs$/);
    } finally {
      if (saved === undefined) delete process.env.LOCKSTEP_SIMULATION_BUNDLE;
      else process.env.LOCKSTEP_SIMULATION_BUNDLE = saved;
    }
  });

  it("gives byte-identical --json through the bundle and through tsx", () => {
    // 40,000 runs make three chunks, so both workers run code from the entry under test
    const args = ["simulate", "korea-2018", "--plan", "phased", "--runs", "40000", "--seed", "7"];
    const viaBundle = lockstep([...args, "--workers", "2", "--json"]);
    const viaTsx = lockstep([...args, "--workers", "2", "--json"], {
      env: { LOCKSTEP_SIMULATION_BUNDLE: "0" },
    });
    expect(viaBundle.status, viaBundle.stderr).toBe(0);
    expect(viaTsx.status, viaTsx.stderr).toBe(0);
    expect(JSON.parse(viaBundle.stdout).runs).toBe(40000);
    expect(viaTsx.stdout).toBe(viaBundle.stdout);
  });
});
