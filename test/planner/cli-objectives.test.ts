/**
 * The safety and progress objectives: the JSON a user gets (`safety`, `frontier`, `progress`,
 * `deferred`), the same θ* as `analyze` for the same plan, the frontier's table and chart, and exit
 * 2 for options an objective cannot take or a goal weight ≤ 0. The JSON of each objective's first search
 * runs the real process (`lockstep`); the text of the same searches, the refusals before any search
 * and the analysis of the plan a search wrote, through the binary's entry in this process
 * (`lockstepInProcess`).
 */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PlanReport } from "../../src/planner/report.ts";
import { lockstep, lockstepInProcess, ROOT } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-objectives-"));

/** Two small steps work together; the big pair cannot (a's reservation); weights 1, 1, 4, 1. */
const INTERIM = `id: interim
parties:
  - {id: a, tolerance: 1, discount: 1}
  - {id: b, tolerance: 1, discount: 1}
moves:
  - {id: small-a, actor: a, value: {a: -1, b: 2}, reversible: 0.5}
  - {id: small-b, actor: b, value: {b: -1, a: 2}, reversible: 0.5}
  - {id: big-a, actor: a, value: {a: -8, b: 3}}
  - {id: big-b, actor: b, value: {b: -2, a: 3}, requires: [big-a]}
goal:
  - small-a
  - {move: small-b, weight: 1}
  - {anyOf: [big-a], weight: 4}
  - big-b
horizon: 4
`;

/** A sale through escrow with uncertain values: waiting longer buys safety. */
const RANGED = `id: ranged
parties:
  - {id: seller, tolerance: 2}
  - {id: buyer, tolerance: 2}
moves:
  - {id: pay, actor: buyer, value: {buyer: [-6, -4], seller: [5, 7]}, reversible: 1}
  - {id: ship, actor: seller, value: {seller: [-3, -1], buyer: [5, 7]}, reversible: 0.5, requires: [pay]}
horizon: 4
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("lockstep plan --objective safety", () => {
  // On jcpoa-2015, not korea-2018: the same search and report code, a frontier that still rises
  // (0.64 at 1 phase, 0.79 from 2), and about a third of the CPU (korea-2018's safest plan and
  // frontier took about 4.7 CPU-s as a process, thirteenth session). That each frontier entry is
  // the largest θ* of a plan with at most T phases, and the safest plan the largest θ*, is
  // test/planner/safety.test.ts's claim against brute force.
  it("finds the safest plan, with the same θ* analyze gives it, and charts the frontier", async () => {
    const file = join(dir, "jcpoa.yaml");
    copyFileSync(join(ROOT, "scenarios/jcpoa-2015.yaml"), file);
    // A time limit the search never reaches, so what it asserts does not depend on the machine's
    // load.
    const run = lockstep([
      "plan",
      file,
      "--objective",
      "safety",
      "--frontier",
      "--time-limit",
      "500",
      "--json",
      "--write",
      "--name",
      "safest",
    ]);
    expect(run.status).toBe(0);
    const report = PlanReport.parse(JSON.parse(run.stdout));
    expect(report.objective).toBe("safety");
    expect(report.safety?.theta).toBeGreaterThan(0);
    const analysed = JSON.parse(
      (await lockstepInProcess(["analyze", file, "--plan", "safest", "--json"])).stdout,
    );
    expect(analysed.safety).toEqual(report.safety);

    const frontier = report.frontier!;
    expect(frontier.length).toBeGreaterThan(1);
    expect(frontier.at(-1)!.phases).toBe(6); // the horizon
    expect(frontier.at(-1)!.theta).toBeGreaterThan(frontier[0].theta); // a longer plan is safer
    for (let n = 1; n < frontier.length; n++) {
      expect(frontier[n].theta).toBeGreaterThanOrEqual(frontier[n - 1].theta - 1e-9);
    }
    // the safest plan is as safe as the frontier's best, within the objective's 10⁻³
    expect(report.safety!.theta!).toBeGreaterThanOrEqual(frontier.at(-1)!.theta / 1.001 - 1e-9);

    const text = await lockstepInProcess([
      "plan",
      write("ranged.yaml", RANGED),
      "--objective",
      "safety",
      "--frontier",
    ]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Safety factor θ\* = [\d.]+: survives estimation errors up to [\d.]+×/);
    expect(text.stdout).toContain("Frontier: the largest safety factor θ* for each number of phases");
    expect(text.stdout).toMatch(/^\s+\d+ phases\s+█+ [\d.]+$/m);
  });
});

describe("lockstep plan --objective progress", () => {
  it("gives the largest interim deal, its progress and the deferred items with reasons", async () => {
    const file = write("interim.yaml", INTERIM);
    const run = lockstep(["plan", file, "--objective", "progress", "--json"]);
    expect(run.status).toBe(0);
    const report = PlanReport.parse(JSON.parse(run.stdout));
    expect(report.plan).toEqual({ "small-a": 1, "small-b": 1 });
    expect(report.progress).toBeCloseTo(2 / 7, 9);
    expect(report.safety).toBeDefined();
    expect(report.deferred!.map((d) => d.item)).toEqual([{ anyOf: ["big-a"], weight: 4 }, "big-b"]);
    for (const d of report.deferred!) expect(d.reason).toBe("no valid plan within the horizon");

    const text = await lockstepInProcess(["plan", file, "--objective", "progress"]);
    expect(text.stdout).toContain("Progress: 28.6% of the goal's weight.");
    expect(text.stdout).toContain("- big-a (weight 4): no valid plan within the horizon");
    expect(text.stdout).toMatch(/as an interim plan \(goal items deferred\): 1 phase, FEASIBLE/);
  });

  it("calls a whole deal whole: a divisible move split by the solver is done, not deferred (korea-2018)", async () => {
    const run = await lockstepInProcess([
      "plan",
      join(ROOT, "scenarios/korea-2018.yaml"),
      "--objective",
      "progress",
      "--json",
    ]);
    expect(run.status).toBe(0);
    const report = PlanReport.parse(JSON.parse(run.stdout));
    expect(report.progress).toBe(1);
    expect(report.deferred).toEqual([]);
    // A complete plan is feasible at nominal values, so it has a safety factor.
    expect(report.safety).not.toBeNull();
    for (const entry of Object.values(report.plan))
      if (typeof entry !== "number")
        expect(Object.values(entry).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe("options an objective cannot take, and bad weights", () => {
  it.each([
    [
      ["--objective", "progress", "--frontier"],
      /--frontier .* goes with the safety objective, not 'progress'/,
    ],
    [["--objective", "safety", "--robust"], /safety objective already measures .* cannot also be --robust/],
  ])("exits 2 for %j", async (args, message) => {
    const run = await lockstepInProcess(["plan", write("interim-opts.yaml", INTERIM), ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it("exits 2 for a goal weight ≤ 0, naming the file, line and column", async () => {
    const bad = INTERIM.replace("{move: small-b, weight: 1}", "{move: small-b, weight: 0}");
    const file = write("bad-weight.yaml", bad);
    const run = await lockstepInProcess(["plan", file, "--objective", "progress"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}:12:29:`);
    expect(run.stderr).toMatch(/goal\.1\.weight: expected a number > 0, got 0/);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
