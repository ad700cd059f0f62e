/**
 * The layering rule (docs/architecture.md): other layers reach model, analysis, planner, simulate,
 * ledger and store only through src/<layer>/index.ts, and the core imports no node:* module. The
 * rule lives in biome.json; this test runs biome with that configuration on probe files, so a
 * change to the configuration that stops it catching a bypass fails here.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIOME = path.join(ROOT, "node_modules/.bin/biome");

/** Probe file → whether the rule must refuse it. */
const PROBES: Record<string, { code: string; refused: boolean }> = {
  "src/cli/deep.ts": { code: 'import { rowHolds } from "../analysis/rows.ts";', refused: true },
  "src/cli/commands/deep.ts": { code: 'import type { Store } from "../../store/connect.ts";', refused: true },
  "src/server/deep.ts": { code: 'export { signEvent } from "../ledger/sign.ts";', refused: true },
  "src/planner/deep.ts": { code: 'import { rowHolds } from "../analysis/rows.ts";', refused: true },
  "src/ledger/deep.ts": { code: 'import { parseScenario } from "../model/parse.ts";', refused: true },
  "web/src/lib/deep.ts": {
    code: 'import { simulateRuns } from "../../../src/simulate/runs.ts";',
    refused: true,
  },
  "src/simulate/node.ts": { code: 'import { cpus } from "node:os";', refused: true },
  "src/analysis/node.ts": { code: 'import { readFileSync } from "node:fs";', refused: true },
  "src/cli/entry.ts": { code: 'import { rowHolds } from "../analysis/index.ts";', refused: false },
  "web/src/lib/entry.ts": {
    code: 'import type { Plan } from "../../../src/model/index.ts";',
    refused: false,
  },
  "src/planner/own.ts": { code: 'import { MilpBuilder } from "./milp.ts";', refused: false },
  "src/io/node.ts": { code: 'import { cpus } from "node:os";', refused: false },
  "test/analysis/internal.test.ts": {
    code: 'import { rowHolds } from "../../src/analysis/rows.ts";',
    refused: false,
  },
};

let dir: string;
let refused: Set<string>;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lockstep-layers-"));
  copyFileSync(path.join(ROOT, "biome.json"), path.join(dir, "biome.json"));
  for (const [file, { code }] of Object.entries(PROBES)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), `${code}\n`);
  }
  let out: string;
  try {
    out = execFileSync(BIOME, ["lint", "--reporter=json", "--max-diagnostics=none", "."], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(out.slice(out.indexOf("{"), out.lastIndexOf("}") + 1)) as {
    diagnostics: { category: string; location: { path: string } }[];
  };
  refused = new Set(
    report.diagnostics
      .filter((d) => d.category === "lint/style/noRestrictedImports")
      .map((d) => d.location.path.split(path.sep).join("/")),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the entry-point lint rule", () => {
  for (const [file, { code, refused: expected }] of Object.entries(PROBES)) {
    it(`${expected ? "refuses" : "allows"} ${code} in ${file}`, () => {
      expect(refused.has(file)).toBe(expected);
    });
  }
});
