/**
 * The planner's MILP written as MPS and LP, and the native solvers behind `--solver`: an exported
 * model reads back into GLPK and CBC with the optimum HiGHS finds, names map back to the scenario,
 * and the three solvers give the planner the same answers. Through the real `lockstep plan`
 * where a user meets it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileScenario } from "../../src/analysis/compile.ts";
import { nativeSolver } from "../../src/io/native-solvers.ts";
import { parseSource, readScenarioSource } from "../../src/io/scenario-files.ts";
import {
  configureSolver,
  exportNames,
  findPlan,
  type Milp,
  MilpBuilder,
  type PlanResult,
  solveWithHighs,
  writeModel,
} from "../../src/planner/index.ts";
import { PlanReport } from "../../src/planner/report.ts";
import { type CliResult, lockstep, lockstepInProcess } from "../helpers/cli.ts";
import { compileGenerated } from "./generate.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-export-"));

/** Every kind of row and column bound the writers must express, in a small maximisation. */
function awkwardModel(): Milp {
  const b = new MilpBuilder();
  const x = b.addColumn("x_0_1", 0, 1, true, 3);
  const y = b.addColumn("y", Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, false, -1);
  const z = b.addColumn("z", -2, 5, true, 2);
  const w = b.addColumn("w", 1.5, 1.5, false, 1); // fixed
  const v = b.addColumn("v", Number.NEGATIVE_INFINITY, 4, false, 0.5);
  b.addRow(
    [
      { col: x, coef: 1 },
      { col: z, coef: 1 },
      { col: y, coef: 0.25 },
    ],
    -1,
    3.5,
    "ranged row",
  );
  b.atLeast(
    [
      { col: y, coef: 1 },
      { col: z, coef: -1 },
    ],
    -0.75,
    "free-ish",
  );
  b.atMost(
    [
      { col: v, coef: 1 },
      { col: y, coef: 1 },
    ],
    2,
  );
  b.equal(
    [
      { col: w, coef: 2 },
      { col: v, coef: -1 },
      { col: y, coef: 1 },
    ],
    1e-3,
  );
  b.model.maximize = true;
  return b.model;
}

const names = (milp: Milp) => ({
  cols: milp.colNames.map((name) => name.replaceAll(/\W/g, "_")),
  rows: milp.rowLower.map((_, r) => `r${r}`),
});

function glpsolObjective(file: string, format: "mps" | "lp"): number {
  const solution = `${file}.sol`;
  const run = spawnSync(
    "glpsol",
    [format === "mps" ? "--freemps" : "--lp", file, ...(format === "mps" ? ["--min"] : []), "-w", solution],
    { encoding: "utf8" },
  );
  expect(run.stdout).toMatch(/INTEGER OPTIMAL SOLUTION FOUND/);
  const status = readFileSync(solution, "utf8")
    .split("\n")
    .find((line) => line.startsWith("s mip"))!;
  return Number(status.trim().split(/\s+/)[5]);
}

/** The row names of a free MPS file, and the columns each row has an entry for. */
function readMps(text: string): { rows: string[]; entries: Map<string, string[]> } {
  const rows: string[] = [];
  const entries = new Map<string, string[]>();
  let section = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) continue;
    if (/^\S/.test(line)) {
      section = line.trim();
      continue;
    }
    const fields = line.trim().split(/\s+/);
    if (section === "ROWS" && fields[0] !== "N") rows.push(fields[1]);
    if (section === "COLUMNS" && fields[1] !== "'MARKER'") {
      for (let n = 1; n + 1 < fields.length; n += 2) {
        entries.set(fields[n], [...(entries.get(fields[n]) ?? []), fields[0]]);
      }
    }
  }
  return { rows, entries };
}

describe("exported models", () => {
  it("read back into GLPK (MPS and LP) with the optimum HiGHS finds in-process", async () => {
    const milp = awkwardModel();
    const highs = await solveWithHighs(milp, { timeLimitSeconds: 10 });
    expect(highs.status).toBe("optimal");
    const mps = join(dir, "awkward.mps");
    const lp = join(dir, "awkward.lp");
    writeFileSync(mps, writeModel(milp, "mps", { names: names(milp) }));
    writeFileSync(lp, writeModel(milp, "lp", { names: names(milp) }));
    // MPS minimises the negated objective (GLPK reads no OBJSENSE); LP says Maximize
    expect(-glpsolObjective(mps, "mps")).toBeCloseTo(highs.objective!, 9);
    expect(glpsolObjective(lp, "lp")).toBeCloseTo(highs.objective!, 9);
  });

  it("solve the same in every backend: HiGHS, GLPK and CBC", async () => {
    const milp = awkwardModel();
    const highs = await solveWithHighs(milp, { timeLimitSeconds: 10 });
    for (const name of ["glpk", "cbc"] as const) {
      const solve = await nativeSolver(name);
      const result = await solve(milp, { timeLimitSeconds: 10 });
      expect(result.status, name).toBe("optimal");
      expect(result.objective, name).toBeCloseTo(highs.objective!, 9);
    }
  });

  it("name columns after the scenario's moves and parties", () => {
    const parsed = parseSource(readScenarioSource("korea-2018"));
    if (!parsed.ok) throw new Error("korea-2018 does not parse");
    const c = compileScenario(parsed.scenario);
    const b = new MilpBuilder();
    b.addColumn("x_1_3", 0, 1, true);
    b.addColumn("comply_2_4", Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    b.addColumn("g_0_2_1", 0, 1);
    b.addColumn("sigma_1", 0, Number.POSITIVE_INFINITY);
    b.addColumn("x_1_3", 0, 1); // a clash still gets a name of its own
    b.atLeast([{ col: 0, coef: 1 }], 0, "exposure us 1");
    b.atLeast([{ col: 1, coef: 1 }], 0);
    const exported = exportNames(c, b.model);
    const move = c.moveIds[1].replaceAll("-", "_");
    expect(exported.cols).toEqual([
      `x.${move}.3`,
      `comply.${c.partyIds[2]}.4`,
      `g.${c.partyIds[0]}.2.1`,
      `sigma.${c.partyIds[1]}`,
      `x.${move}.3.2`,
    ]);
    expect(exported.rows).toEqual(["exposure_us_1", "r1"]);
  });
});

describe("the planner on every solver", () => {
  // One scenario with a plan (the solvers must agree on its phases and slack) and one without
  // (they must agree there is none). Small, so the nine searches take seconds: 20-move cases both
  // came out infeasible and cost about four times the CPU (docs/benchmarks.md, eleventh session).
  const cases = [
    {
      name: "a 10×3×6 scenario with a 3-phase plan",
      c: compileGenerated(4, { moves: 10, parties: 3, horizon: 6, generosity: 2 }),
      status: "optimal",
    },
    {
      name: "a 10×3×6 scenario with none",
      c: compileGenerated(5, { moves: 10, parties: 3, horizon: 6, tolerances: [10, 20] }),
      status: "infeasible",
    },
  ];
  it.each(cases)("finds the same plan figures on $name", { timeout: 240_000 }, async ({ c, status }) => {
    const results: Record<string, PlanResult> = {};
    try {
      for (const name of ["highs", "glpk", "cbc"] as const) {
        configureSolver({ backend: name === "highs" ? solveWithHighs : await nativeSolver(name) });
        results[name] = await findPlan(c, { objective: "phases", timeLimitSeconds: 60 });
      }
    } finally {
      configureSolver({});
    }
    expect(results.highs.status).toBe(status);
    for (const name of ["glpk", "cbc"]) {
      expect(results[name].status, name).toBe(results.highs.status);
      expect(results[name].phases, name).toBe(results.highs.phases);
      expect(results[name].minSlack, name).toBeCloseTo(results.highs.minSlack ?? 0, 6);
    }
  });
});

/**
 * `lockstep plan ARGS`, run once per distinct ARGS in this file: several tests read the same run
 * (the MPS export's JSON is also the default plan the native solvers are compared with), and each
 * run is a process start and a solve. Deterministic, so reading one run twice checks the same.
 */
const planRuns = new Map<string, CliResult>();
function plan(...args: string[]): CliResult {
  const key = JSON.stringify(args);
  if (!planRuns.has(key)) planRuns.set(key, lockstep(["plan", "korea-2018", ...args]));
  return planRuns.get(key)!;
}

/**
 * The default (HiGHS) plan as JSON: the run that also exports the MPS file, since `--export` only
 * writes the model beside the same search (the export tests check its report is the plan's).
 */
const defaultPlan = () => plan("--json", "--export", join(dir, "korea.mps"));

describe("lockstep plan --export / --solver", () => {
  it("writes the MILP behind the plan, which GLPK solves to the planner's slack", () => {
    for (const format of ["mps", "lp"] as const) {
      const file = join(dir, `korea.${format}`);
      const run = plan("--json", "--export", file);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/the 3-phase MILP \(\d+ columns, \d+ rows\)/);
      const report = PlanReport.parse(JSON.parse(run.stdout));
      const text = readFileSync(file, "utf8");
      expect(text).toMatch(/scenario korea-2018, 3 phases, objective phases/);
      // every move of the scenario appears under its own id
      for (const id of Object.keys(report.plan)) expect(text).toContain(`x.${id.replaceAll("-", "_")}.`);
      const objective = glpsolObjective(file, format);
      expect(format === "mps" ? -objective : objective).toBeCloseTo(report.minSlack ?? 0, 6);
    }
  });

  it("names every row after the party, phase and move it is about", () => {
    const file = join(dir, "korea.mps");
    const run = defaultPlan();
    expect(run.status, run.stderr).toBe(0);
    const parsed = parseSource(readScenarioSource("korea-2018"));
    if (!parsed.ok) throw new Error("korea-2018 does not parse");
    const c = compileScenario(parsed.scenario);
    const clean = (id: string) => id.replaceAll(/[^A-Za-z0-9_.]/g, "_");
    const parties = new Set(c.partyIds.map(clean));
    const moves = new Set(c.moveIds.map(clean));
    const { rows, entries } = readMps(readFileSync(file, "utf8"));
    expect(rows.length).toBeGreaterThan(100);
    const phases = PlanReport.parse(JSON.parse(run.stdout)).phases;
    const phase = (k: string) => Number(k) >= 1 && Number(k) <= phases;
    // family . ids: each id is checked against the scenario, each K against the plan's phases
    const shapes: Array<[RegExp, (...parts: string[]) => boolean]> = [
      [/^state\.(.+)\.(\d+)$/, (m, k) => moves.has(m) && phase(k)],
      [/^share\.(?:min|max)\.(.+)\.(\d+)$/, (m, k) => moves.has(m) && phase(k)],
      [/^requires\.(.+)\.(.+)\.(\d+)$/, (m, p, k) => moves.has(m) && moves.has(p) && phase(k)],
      [/^goal\.(.+)$/, (item) => item.split(".or.").every((m) => moves.has(m))],
      [/^(?:slack\.)?exposure\.(.+)\.(\d+)$/, (i, k) => parties.has(i) && phase(k)],
      [/^(?:slack\.)?reservation\.(.+)$/, (i) => parties.has(i)],
      [/^(?:slack\.)?margin\.(.+)\.(\d+)\.(\d+)$/, (i, k) => parties.has(i) && phase(k)],
      [/^most\.margin\.(.+)\.(\d+)\.(\d+)$/, (i, k) => parties.has(i) && phase(k)],
      [
        /^touched\.(.+)\.(\d+|final)\.(.+)$/,
        (i, k, m) => parties.has(i) && (k === "final" || phase(k)) && moves.has(m),
      ],
      [
        /^lag\.(.+)\.(\d+)\.(\d+)(?:\.(.+))?$/,
        (i, k, _l, m) => parties.has(i) && phase(k) && (!m || moves.has(m)),
      ],
      [/^def\.(?:own|ownk|oth|othk|comply)\.(.+)\.(\d+)$/, (i, k) => parties.has(i) && phase(k)],
      [/^constant\.(.+)\.(\d+)\.(\d+)\.(.+)$/, (i, k, _l, m) => parties.has(i) && phase(k) && moves.has(m)],
    ];
    for (const row of rows) {
      const shape = shapes.find(([pattern]) => pattern.test(row));
      expect(shape, `row ${row} has no known family`).toBeDefined();
      const [pattern, check] = shape!;
      expect(check(...pattern.exec(row)!.slice(1)), `row ${row} names something the scenario lacks`).toBe(
        true,
      );
    }
    // and the names mean what they say: an exposure row reads only x of moves credited by then,
    // and a margin row starts from that party's comply value in that phase
    for (const row of rows.filter((r) => /^exposure\./.test(r))) {
      const k = Number(row.split(".").at(-1));
      for (const col of entries.get(row) ?? []) {
        expect(col).toMatch(/^x\./);
        expect(Number(col.split(".").at(-1))).toBeLessThanOrEqual(k);
      }
    }
    const margins = rows.filter((r) => /^(slack\.)?margin\./.test(r));
    expect(margins.length).toBeGreaterThan(0);
    for (const row of margins) {
      const [party, k] = row
        .replace(/^slack\./, "")
        .split(".")
        .slice(1);
      expect(entries.get(row)).toContain(`comply.${party}.${k}`);
    }
  });

  it("names the solver that answered (--solver glpk does not say HiGHS)", () => {
    const run = plan("--solver", "glpk");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Solver: GLPK \(glpsol\)/m);
    expect(run.stdout).not.toMatch(/^Solver: HiGHS/m);
    const json = plan("--json", "--solver", "cbc");
    expect(PlanReport.parse(JSON.parse(json.stdout)).stats.solver).toMatch(/^CBC/);
    const highs = defaultPlan();
    expect(PlanReport.parse(JSON.parse(highs.stdout)).stats.solver).toBe("HiGHS");
  });

  it.each(["glpk", "cbc"])("plans with --solver %s as with the default", (solver) => {
    const native = plan("--json", "--solver", solver);
    const highs = defaultPlan();
    expect(native.status, native.stderr).toBe(0);
    const a = PlanReport.parse(JSON.parse(native.stdout));
    const b = PlanReport.parse(JSON.parse(highs.stdout));
    expect(a.phases).toBe(b.phases);
    expect(a.minSlack).toBeCloseTo(b.minSlack ?? 0, 6);
  });

  it("says how to install a native solver that is missing (exit 2)", () => {
    const empty = mkdtempSync(join(tmpdir(), "lockstep-nopath-"));
    const run = lockstep(["plan", "korea-2018", "--solver", "cbc"], { env: { PATH: empty } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/'cbc' program was not found on PATH.*coinor-cbc.*--solver highs/s);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [["--solver", "gurobi"], /--solver: unknown solver 'gurobi' \(solvers: highs, glpk, cbc\)/],
    [["--export", "model.txt"], /--export: expected a file name ending in .mps or .lp/],
  ])("rejects %j with exit 2", async (args, message) => {
    // through the binary's entry in this process: the flags are refused before any solver is
    // plugged in (src/cli/solver-flags.ts), so nothing stays configured for the process
    const run = await lockstepInProcess(["plan", "korea-2018", ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
