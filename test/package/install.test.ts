/**
 * The package as a user gets it: `npm pack`, `npm install` of the tarball into an empty directory,
 * then the installed `lockstep` binary: --version, analyze, and serve with its page in Chromium.
 *
 * The vitest global setup has just built dist/ and web/dist/ from these sources (what `prepack`
 * does), so the pack skips its scripts instead of building a second time. Installing also skips
 * install scripts: the one that matters, better-sqlite3's, compiles SQLite from source when no
 * prebuilt binary can be downloaded (about ten minutes on the test machine). The test puts the
 * project's own compiled addon in its place instead, after checking it is the same version built
 * for this Node; with any other version it runs `npm rebuild better-sqlite3`.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.ts";
import { CHROMIUM_ARGS } from "../web/browser.ts";

const dir = mkdtempSync(path.join(tmpdir(), "lockstep-package-"));
const app = path.join(dir, "app");
const bin = path.join(app, "node_modules", ".bin", "lockstep");
const version = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string })
  .version;
let files: string[] = [];

/** `npm …` with output captured; a failure throws with what npm said. */
function npm(args: string[], cwd: string): string {
  const result = spawnSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_fund: "false" },
  });
  if (result.status !== 0)
    throw new Error(`npm ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function sameAddon(): boolean {
  const versionOf = (root: string) =>
    (
      JSON.parse(readFileSync(path.join(root, "node_modules/better-sqlite3/package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  const built = path.join(ROOT, "node_modules/better-sqlite3/build/Release/better_sqlite3.node");
  if (!existsSync(built) || versionOf(ROOT) !== versionOf(app)) return false;
  const target = path.join(app, "node_modules/better-sqlite3/build/Release");
  mkdirSync(target, { recursive: true });
  copyFileSync(built, path.join(target, "better_sqlite3.node"));
  return true;
}

beforeAll(() => {
  const packed = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  files = packed[0]!.files.map((f) => f.path);
  mkdirSync(app);
  writeFileSync(path.join(app, "package.json"), '{ "name": "try-lockstep", "private": true }\n');
  npm(
    ["install", "--no-audit", "--prefer-offline", "--ignore-scripts", path.join(dir, packed[0]!.filename)],
    app,
  );
  if (!sameAddon()) npm(["rebuild", "better-sqlite3"], app);
}, 900_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the packed and installed package", () => {
  it("ships the compiled CLI, the built web app, scenarios and schema, and no tests or benchmarks", () => {
    expect(files).toContain("bin/lockstep.js");
    expect(files).toContain("dist/cli.js");
    expect(files).toContain("web/dist/index.html");
    expect(files).toContain("scenarios/korea-2018.yaml");
    expect(files.some((f) => f.startsWith("schema/"))).toBe(true);
    expect(files.filter((f) => /^(test|bench|src|\.ci|scripts)\//.test(f))).toEqual([]);
  });

  it("lockstep --version prints the package's version", () => {
    expect(execFileSync(bin, ["--version"], { cwd: app, encoding: "utf8" }).trim()).toBe(version);
  });

  it("lockstep analyze korea-2018 analyses the built-in scenario", () => {
    const result = spawnSync(bin, ["analyze", "korea-2018"], { cwd: app, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/FEASIBLE/);
    expect(result.stdout).toMatch(/exposure E/);
  });

  it("lockstep serve serves the web app, which loads in Chromium", async () => {
    const { DATABASE_URL: _unset, LOCKSTEP_DB: _unset2, LOCKSTEP_ADMIN_TOKEN: _unset3, ...env } = process.env;
    const child = spawn(bin, ["serve", "--port", "0"], { cwd: app, env });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = out.match(/Lockstep workbench: (http:\/\/127\.0\.0\.1:\d+\/\S*)\n/);
          if (match) resolve(match[1]!);
        });
        child.stderr.on("data", (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      // the default SQLite store, in the directory the user started it from
      expect(existsSync(path.join(app, "data", "lockstep.db"))).toBe(true);
      const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(url); // the printed URL, admin token and all
        await page.locator("[data-scenario=korea-2018]").waitFor();
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});
