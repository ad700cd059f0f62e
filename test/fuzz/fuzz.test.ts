/**
 * The fuzz suite (issue 13): seeded mutations of every built-in scenario must be either valid or
 * bad input — `lockstep validate` exits 0 or 2 and the server answers 2xx or 4xx — never a crash,
 * an exit 70, a 500 or a stall. Every file goes through the parser in-process (fast); all of them
 * also go through one `lockstep validate` process, and one file of each kind through the HTTP API.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import { parseScenario } from "../../src/model/parse.ts";
import { lockstepAsync, ROOT } from "../helpers/cli.ts";
import { type Served, serve } from "../server/http.ts";
import { mutateJson, mutateText } from "./mutate.ts";

const PER_SCENARIO = 45;
const SCENARIOS = readdirSync(join(ROOT, "scenarios"))
  .filter((f) => f.endsWith(".yaml"))
  .map((file) => ({ file, text: readFileSync(join(ROOT, "scenarios", file), "utf8") }));

/** Every mutated file: its name says which scenario and which seed made it. */
const FILES = SCENARIOS.flatMap(({ file, text }, s) =>
  Array.from({ length: PER_SCENARIO }, (_, k) => {
    const seed = 1000 * (s + 1) + k;
    return { name: `${file.replace(/\.yaml$/, "")}-seed${seed}.yaml`, text: mutateText(text, seed) };
  }),
);

/** Each file's parse, once: the in-process test times it, the samples below read it. */
const parses = new Map<string, ReturnType<typeof parseScenario>>();
function parsed(f: { name: string; text: string }) {
  if (!parses.has(f.name)) parses.set(f.name, parseScenario(f.text, f.name));
  return parses.get(f.name)!;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lockstep-fuzz-"));
  for (const f of FILES) writeFileSync(join(dir, f.name), f.text);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("fuzzed scenario files", () => {
  it("covers every built-in scenario with at least 300 files in all", () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(8);
    expect(FILES.length).toBeGreaterThanOrEqual(300);
  });

  it("parse in-process to a scenario or located problems, never an exception, each quickly", () => {
    let valid = 0;
    for (const f of FILES) {
      const started = performance.now();
      const result = parsed(f);
      if (result.ok) {
        valid += 1;
        compileScenario(result.scenario);
      } else {
        expect(result.issues.length, f.name).toBeGreaterThan(0);
        for (const issue of result.issues) expect(issue.message, f.name).toBeTruthy();
      }
      // tens of ms each; the bound catches runaway parses, with room for a slower, loaded machine
      expect(performance.now() - started, f.name).toBeLessThan(10_000);
    }
    // the mutations must leave some files valid and make most invalid, or they test too little
    expect(valid).toBeGreaterThan(5);
    expect(valid).toBeLessThan(FILES.length - 100);
  });

  it("`lockstep validate` on all of them in one process exits 2 with no internal error", async () => {
    const run = await lockstepAsync(["validate", ...FILES.map((f) => join(dir, f.name))]);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/of \d+ files have problems/);
  }, 120_000);

  // One valid file and one invalid one (the first of each): a single file's exit status is the
  // command's mapping of the parser's answer, which the in-process test checks for every file.
  // Four processes on every 120th file checked the same with no guarantee of a valid one.
  it("`lockstep validate` on single files exits 0 or 2", async () => {
    const valid = FILES.find((f) => parsed(f).ok)!;
    const invalid = FILES.find((f) => !parsed(f).ok)!;
    for (const [f, status] of [
      [valid, 0],
      [invalid, 2],
    ] as const) {
      const run = await lockstepAsync(["validate", join(dir, f.name)]);
      expect(run.status, `${f.name}: ${run.stderr.slice(0, 300)}`).toBe(status);
    }
  }, 120_000);
});

describe("fuzzed HTTP bodies", () => {
  let server: Served;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(async () => {
    await server?.close();
  });

  const ok = (status: number) => (status >= 200 && status < 300) || (status >= 400 && status < 500);

  // Every valid file (its analysis is where a valid but odd scenario could fail) and the first
  // file of each kind of rejection (the set of issue codes the parser gives it: 59 kinds among
  // the 405 files) to /api/analyze; the first file with each issue code to /api/scenarios. The
  // parser's answer for every file is the in-process test's and the validate process's above; what
  // this test adds is the server's mapping of each kind of answer to a status, so one file of a
  // kind checks what every file of it did (the thirteenth session's cut: 81 and 24 requests, not
  // every third and every ninth file, 135 and 45).
  it("scenario text sent to /api/analyze and /api/scenarios gets 2xx or 4xx", async () => {
    const kinds = new Set<string>();
    const codes = new Set<string>();
    const analyse: typeof FILES = [];
    const save: typeof FILES = [];
    for (const f of FILES) {
      const result = parsed(f);
      const found = result.ok ? ["valid"] : [...new Set(result.issues.map((i) => i.code))].sort();
      const kind = found.join(",");
      if (result.ok || !kinds.has(kind)) analyse.push(f);
      kinds.add(kind);
      if (found.some((code) => !codes.has(code))) save.push(f);
      for (const code of found) codes.add(code);
    }
    // the mutations must still give many kinds of rejection, or this samples too little
    expect(kinds.size).toBeGreaterThan(40);
    expect(codes.size).toBeGreaterThan(20);
    for (const f of analyse) {
      const analysed = await server.request("POST", "/api/analyze", { source: f.text });
      expect(ok(analysed.status), `${f.name}: ${JSON.stringify(analysed.body).slice(0, 200)}`).toBe(true);
    }
    for (const f of save) {
      const saved = await server.request("POST", "/api/scenarios", { source: f.text });
      expect(ok(saved.status), `${f.name}: ${JSON.stringify(saved.body).slice(0, 200)}`).toBe(true);
    }
  }, 120_000);

  it("mutated analysis requests with plan objects get 2xx or 4xx", async () => {
    const base = {
      scenarioId: "korea-2018",
      plan: { "test-moratorium": 1, "arsenal-dismantle": { "4": 0.3, "5": 0.3, "6": 0.4 } },
    };
    for (let seed = 1; seed <= 150; seed++) {
      const body = mutateJson(base, seed);
      const { status, body: answer } = await server.request("POST", "/api/analyze", body);
      expect(
        ok(status),
        `seed ${seed}: ${JSON.stringify(body).slice(0, 200)} → ${status} ${JSON.stringify(answer).slice(0, 200)}`,
      ).toBe(true);
    }
  }, 120_000);

  it("bodies that are not JSON objects get 4xx", async () => {
    for (const raw of ["", "null", "[]", "1", '"x"', "{", '{"source": 1}', '{"plan": {"a": {"-1": 1}}}']) {
      const { status } = await server.request("POST", "/api/analyze", raw);
      expect(ok(status), raw).toBe(true);
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });
});
