/**
 * `lockstep plan` and `lockstep compare`: exit codes 0/1/2, the JSON document, --write keeping the
 * file's comments, and the planner's plan reproduced by `analyze`. The first searches of `plan`
 * (one feasible, one not) and of `compare`, and the progress on a terminal, run the real process
 * (`lockstep`); the other cases run through the binary's entry in this process
 * (`lockstepInProcess`).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ComparisonReport, PlanReport } from "../../src/planner/report.ts";
import { BIN, lockstep, lockstepInProcess, ROOT } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-plan-"));

/** A staged sale where neither side can bear any loss: no plan works. */
const SALE = `# A staged sale: neither side trusts the other.
id: sale
parties:
  - id: seller   # ships the goods
    tolerance: 0
  - id: buyer    # pays
    tolerance: 0
moves:
  - id: ship
    actor: seller
    value: { seller: -5, buyer: 6 }
    verify: { lag: 1 }
  - id: pay
    actor: buyer
    value: { buyer: -5, seller: 6 }
    verify: { lag: 1 }
horizon: 3
`;

/** The same sale through escrow: both steps can be taken back, so a plan exists. */
const ESCROW = `# Escrow makes both steps reversible.
id: escrow
parties:
  - id: seller   # ships the goods
    tolerance: 1
  - id: buyer    # pays into escrow
    tolerance: 1
moves:
  - id: pay
    actor: buyer
    value: { buyer: -5, seller: 6 }
    reversible: 1
  - id: ship
    actor: seller
    value: { seller: -2, buyer: 6 }
    reversible: 1
    requires: [pay]
horizon: 4
plans:
  # the hand-made plan
  by-hand: { pay: 1, ship: 3 }
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("lockstep plan", () => {
  it("prints a feasible plan as JSON with exit 0, and analyze reproduces its figures", async () => {
    const file = write("escrow.yaml", ESCROW);
    // one run prints the JSON and writes the plan (the search is the same either way)
    const run = lockstep(["plan", file, "--json", "--write", "--name", "best"]);
    // nothing on stderr but the line saying the plan was written
    expect(run.stderr).toBe(`${file}: plan 'best' written\n`);
    expect(run.status).toBe(0);
    const report = PlanReport.parse(JSON.parse(run.stdout));
    expect(report.feasible).toBe(true);
    expect(report.status).toBe("optimal");
    expect(report.phases).toBe(2);
    expect(report.plan).toEqual({ pay: 1, ship: 2 });

    const text = readFileSync(file, "utf8");
    expect(text).toContain("# Escrow makes both steps reversible.");
    expect(text).toContain("# the hand-made plan");
    expect(text.indexOf("by-hand")).toBeLessThan(text.indexOf("best:"));

    const analysed = await lockstepInProcess(["analyze", file, "--plan", "best", "--json"]);
    expect(analysed.status).toBe(0);
    const analysis = JSON.parse(analysed.stdout);
    expect(analysis.minSlack).toBeCloseTo(report.minSlack!, 9);
    expect(analysis.parties).toEqual(report.analysis!.parties);
  });

  it("exits 1 when no plan exists, still printing what it would take", async () => {
    const file = write("sale.yaml", SALE);
    const run = lockstep(["plan", file, "--json"]);
    expect(run.status).toBe(1);
    const report = PlanReport.parse(JSON.parse(run.stdout));
    expect(report.feasible).toBe(false);
    expect(report.status).toBe("infeasible");
    const total = Object.values(report.relaxation!).reduce((s, r) => s + r.tolerance + r.inducement, 0);
    expect(total).toBeGreaterThan(0);
    expect(report.binding!.join("\n")).toMatch(/buyer|seller/);

    const text = await lockstepInProcess(["plan", file]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain("no feasible plan within 3 phases");
    expect(text.stdout).toContain("What it would take");
    // in a pipe, no progress lines (on a terminal this run shows them: "progress on a terminal")
    expect(text.stderr).not.toContain("planning:");
    expect(text.stdout).not.toContain("planning:");
  });

  it("exits 3, not 1, when the time limit stops it before any answer", async () => {
    const run = await lockstepInProcess(["plan", write("sale-limit.yaml", SALE), "--time-limit", "0.000001"]);
    expect(run.status).toBe(3);
    expect(run.stdout).toContain("no plan found, and no proof that none exists");
    expect(run.stdout).not.toContain("no feasible plan");
  });

  it.each([
    [["--objective", "fastest"], /unknown objective 'fastest'.*phases, slack, welfare, maxmin, nash/],
    [["--horizon", "0"], /horizon must be a whole number of phases, at least 1/],
    [["--horizon", "two"], /--horizon: expected a whole number/],
    [["--time-limit", "soon"], /--time-limit: expected a number of seconds/],
  ])("exits 2 for bad options %j", async (args, message) => {
    const run = await lockstepInProcess(["plan", write("escrow-opts.yaml", ESCROW), ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(run.stdout).toBe("");
  });

  it("refuses to write into a built-in scenario, or under a doctrine's name", async () => {
    const run = await lockstepInProcess(["plan", "korea-2018", "--write"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("lockstep new");
    const reserved = await lockstepInProcess([
      "plan",
      write("escrow-name.yaml", ESCROW),
      "--write",
      "--name",
      "optimal",
    ]);
    expect(reserved.status).toBe(2);
    expect(reserved.stderr).toContain("'optimal' is a doctrine name");
  });

  it("writes into a JSON scenario file too", async () => {
    const file = join(dir, "escrow.json");
    writeFileSync(
      file,
      JSON.stringify({
        id: "escrow-json",
        parties: [
          { id: "seller", tolerance: 1 },
          { id: "buyer", tolerance: 1 },
        ],
        moves: [
          { id: "pay", actor: "buyer", value: { buyer: -5, seller: 6 }, reversible: 1 },
          { id: "ship", actor: "seller", value: { seller: -2, buyer: 6 }, reversible: 1, requires: ["pay"] },
        ],
      }),
    );
    const run = await lockstepInProcess(["plan", file, "--write"]);
    expect(run.status).toBe(0);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(saved.plans.optimised).sort()).toEqual(["pay", "ship"]);
    expect((await lockstepInProcess(["validate", file])).status).toBe(0);
  });
});

describe("korea-2018", () => {
  // disarm-first (upfront:dprk) not being feasible is the compare test's, below, and analyze's exit
  // 1 for an infeasible plan is test/planner/relaxation.test.ts's
  it("has a feasible optimal plan that analyze reproduces", async () => {
    const file = join(dir, "korea.yaml");
    copyFileSync(join(ROOT, "scenarios/korea-2018.yaml"), file);
    const run = await lockstepInProcess(["plan", file, "--json", "--write"]);
    expect(run.status).toBe(0);
    const report = PlanReport.parse(JSON.parse(run.stdout));
    expect(report.feasible).toBe(true);
    expect(report.analysis!.feasible).toBe(true);
    const analysed = JSON.parse(
      (await lockstepInProcess(["analyze", file, "--plan", "optimised", "--json"])).stdout,
    );
    expect(analysed.feasible).toBe(true);
    expect(analysed.parties).toEqual(report.analysis!.parties);
    expect(analysed.minSlack).toBeCloseTo(report.minSlack!, 9);
  });
});

describe("lockstep compare", () => {
  it("puts doctrines, named plans and the optimum side by side, with reasons in words", () => {
    const run = lockstep(["compare", "korea-2018", "--json"]);
    expect(run.status).toBe(0);
    const report = ComparisonReport.parse(JSON.parse(run.stdout));
    const names = report.rows.map((r) => r.name);
    expect(names.slice(0, 4)).toEqual(["simultaneous", "upfront:us", "upfront:dprk", "upfront:rok"]);
    expect(names.at(-1)).toBe("optimal");
    const byName = Object.fromEntries(report.rows.map((r) => [r.name, r]));
    expect(byName.optimal.feasible).toBe(true);
    expect(byName["upfront:dprk"].feasible).toBe(false);
    expect(byName["upfront:dprk"].firstViolation).toMatch(/DPR Korea is exposed/);
    expect(byName["upfront:dprk"].worstExposure.dprk).toBeGreaterThan(0);
  });

  it("exits 2 for a party in upfront: that does not exist", async () => {
    const run = await lockstepInProcess(["compare", "korea-2018", "--only", "simultaneous,upfront:nk"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown party 'nk'/);
  });

  it("shows only the rows asked for, as a table with the reasons in words", async () => {
    // a named plan and a doctrine: no solve for a row nobody asked for (the optimum is the JSON's above)
    const run = await lockstepInProcess(["compare", "korea-2018", "--only", "phased,upfront:dprk"]);
    expect(run.status).toBe(0);
    const table = run.stdout
      .split(/\n-+(?: +-+)*\n/)[1]!
      .split("\n\n")[0]!
      .split("\n");
    expect(table.map((row) => row.split(/\s+/)[0])).toEqual(["phased", "upfront:dprk"]);
    expect(run.stdout).toMatch(/^phased\s+yes/m);
    expect(run.stdout).toMatch(/^upfront:dprk\s+NO/m);
    expect(run.stdout).toMatch(/First violation, in words:\n {2}upfront:dprk: DPR Korea is exposed/);
  });
});

describe("progress on a terminal", () => {
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  // The same in a pipe prints none: "exits 1 when no plan exists" checks it on a plan that
  // also looks for what it would take, without a second solve of hanoi-2019 (about 2.7 CPU-s).
  it.skipIf(!hasScript)("shows which MILP it is solving on a TTY", () => {
    // `script` gives the command a pseudo-terminal, as a user's shell would
    const tty = spawnSync("script", ["-qec", `${process.execPath} ${BIN} plan hanoi-2019`, "/dev/null"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(tty.stdout).toMatch(/planning: looking for a plan in 2 phases \(MILP 2, [\d.]+ s\)/);
    expect(tty.stdout).toContain("planning: looking for what it would take");
  });
});
