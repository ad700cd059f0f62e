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
import { lockstep } from "../helpers/cli.ts";
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
  const cases = [
    { name: "class A 20×3×10", c: compileGenerated(2, { moves: 20, parties: 3, horizon: 10 }) },
    {
      name: "class B 20×3×8",
      c: compileGenerated(3, { moves: 20, parties: 3, horizon: 8, tolerances: [10, 20] }),
    },
  ];
  it.each(cases)("finds the same plan figures on $name", { timeout: 240_000 }, async ({ c }) => {
    const results: Record<string, PlanResult> = {};
    try {
      for (const name of ["highs", "glpk", "cbc"] as const) {
        configureSolver({ backend: name === "highs" ? solveWithHighs : await nativeSolver(name) });
        results[name] = await findPlan(c, { objective: "phases", timeLimitSeconds: 60 });
      }
    } finally {
      configureSolver({});
    }
    for (const name of ["glpk", "cbc"]) {
      expect(results[name].status, name).toBe(results.highs.status);
      expect(results[name].phases, name).toBe(results.highs.phases);
      expect(results[name].minSlack, name).toBeCloseTo(results.highs.minSlack ?? 0, 6);
    }
  });
});

describe("lockstep plan --export / --solver", () => {
  it("writes the MILP behind the plan, which GLPK solves to the planner's slack", () => {
    for (const format of ["mps", "lp"] as const) {
      const file = join(dir, `korea.${format}`);
      const run = lockstep(["plan", "korea-2018", "--json", "--export", file]);
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

  it.each(["glpk", "cbc"])("plans with --solver %s as with the default", (solver) => {
    const native = lockstep(["plan", "korea-2018", "--json", "--solver", solver]);
    const highs = lockstep(["plan", "korea-2018", "--json"]);
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
  ])("rejects %j with exit 2", (args, message) => {
    const run = lockstep(["plan", "korea-2018", ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
