/**
 * `lockstep sweep` as a user meets it: the checked-in korea-2018 example, bad input (exit 2,
 * nothing stored), and a local sweep whose worker and then whose own process are killed with
 * kill -9: the finished sweep has every point exactly once, equal to an undisturbed run.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { analyzePlan, compileScenario, resolvePlan } from "../../src/analysis/index.ts";
import { parseScenario } from "../../src/model/index.ts";
import { parseSweep, type SweepReport } from "../../src/sweep/index.ts";
import { BIN, lockstepAsync, lockstepInProcess, ROOT } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE = join(ROOT, "examples", "korea-2018-sweep.yaml");

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Stored results by point, without who computed them or how long it took. */
function storedResults(db: string): { count: number; distinct: number; byPoint: Map<number, string> } {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite.prepare("select point, result from sweep_points order by point").all() as {
      point: number;
      result: string;
    }[];
    return {
      count: rows.length,
      distinct: new Set(rows.map((r) => r.point)).size,
      byPoint: new Map(rows.map((r) => [r.point, r.result])),
    };
  } finally {
    sqlite.close();
  }
}

describe("lockstep sweep: the korea-2018 example", () => {
  it("names where the phased plan stops being feasible, and each threshold checks out by direct analysis", async () => {
    const db = join(dir, "example.db");
    const csv = join(dir, "example.csv");
    const run = await lockstepAsync(["sweep", EXAMPLE, "--db", db, "--json", "--csv", csv]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as SweepReport;
    expect(report.done).toBe(report.points);
    expect(report.feasibility).toBe("analysis.feasible");
    const byName = new Map(report.flips.map((f) => [f.variable, f]));
    // the arsenal cost and DPRK's patience decide feasibility; the hazard (a simulator setting) cannot
    expect(byName.get("DPRK arsenal cost")?.asWritten).not.toBeNull();
    expect(byName.get("DPRK discount")?.asWritten).not.toBeNull();
    expect(byName.get("hazard")?.flipped).toBe(0);
    // and it moves completion, which the tornado shows
    expect(
      report.tornado["simulation.completion"].find((b) => b.variable === "hazard")?.swing,
    ).toBeGreaterThan(0);
    // θ* (from the analysis layer) rises with a cheaper arsenal and a more patient DPRK
    const theta = new Map(report.tornado["safety.theta"].map((b) => [b.variable, b]));
    expect(theta.get("DPRK arsenal cost")!.atHigh).toBeGreaterThan(theta.get("DPRK arsenal cost")!.atLow);
    expect(theta.get("DPRK discount")!.atHigh).toBeGreaterThan(theta.get("DPRK discount")!.atLow);

    // each as-written threshold: the phased plan really is feasible on one side and not on the other
    const sweepFile = parseSweep(readFileSync(EXAMPLE, "utf8"));
    const parsed = parseScenario(
      readFileSync(join(ROOT, "scenarios", "korea-2018.yaml"), "utf8"),
      "korea-2018.yaml",
    );
    if (!sweepFile.ok || !parsed.ok) throw new Error("example does not parse");
    const feasibleAt = (cost: number, discount: number) => {
      const s = structuredClone(parsed.scenario);
      s.moves.find((m) => m.id === "arsenal-dismantle")!.value.dprk = cost;
      s.parties.find((p) => p.id === "dprk")!.discount = discount;
      const c = compileScenario(s);
      const plan = resolvePlan(c, "phased");
      if (!plan.ok) throw new Error(plan.message);
      return analyzePlan(c, plan.plan).feasible;
    };
    const cost = byName.get("DPRK arsenal cost")!.asWritten!;
    expect(feasibleAt(cost.between[0], cost.others["DPRK discount"])).toBe(cost.feasible === "below");
    expect(feasibleAt(cost.between[1], cost.others["DPRK discount"])).toBe(cost.feasible === "above");
    const patience = byName.get("DPRK discount")!.asWritten!;
    expect(feasibleAt(patience.others["DPRK arsenal cost"], patience.between[0])).toBe(
      patience.feasible === "below",
    );
    expect(feasibleAt(patience.others["DPRK arsenal cost"], patience.between[1])).toBe(
      patience.feasible === "above",
    );

    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows).toHaveLength(report.points + 1);
    expect(rows[0]).toContain("DPRK arsenal cost,DPRK discount,hazard");

    // the text report says the same in words (every point stored: only the report; through the
    // binary's entry in this process, the JSON run above being the real process)
    const text = await lockstepInProcess(["sweep", EXAMPLE, "--db", db]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/DPRK arsenal cost\s+flips on \d+ of \d+ lines/);
    expect(text.stdout).toMatch(
      /as written \(DPRK discount [\d.]+, hazard [\d.]+\): feasible (above|below) -?[\d.]+/,
    );
    expect(text.stdout).toMatch(/hazard\s+never flips feasibility/);
  });
});

describe("lockstep sweep: bad input exits 2 with the place and nothing is stored", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "unknown move",
      "scenario: korea-2018\nmeasure: { analysis: { plan: phased } }\nvary:\n  - value: arsenal/dprk\n    range: [-2, -1]\n",
      /bad\.yaml:4:12: vary\.0\.value: unknown move 'arsenal'/,
    ],
    [
      "unknown party",
      "scenario: korea-2018\nmeasure: { analysis: { plan: phased } }\nvary:\n  - discount: north\n    range: [0.5, 1]\n",
      /bad\.yaml:4:15: vary\.0\.discount: unknown party 'north'/,
    ],
    [
      "low > high",
      "scenario: korea-2018\nmeasure: { analysis: { plan: phased } }\nvary:\n  - discount: dprk\n    range: [1, 0.5]\n",
      /bad\.yaml:5:12: vary\.0\.range: expected low <= high/,
    ],
  ];
  for (const [label, text, message] of cases) {
    it(label, async () => {
      const db = join(dir, `bad-${label.replace(/\W+/g, "-")}.db`);
      // refused before anything runs: through the binary's entry in this process
      const run = await lockstepInProcess(["sweep", file("bad.yaml", text), "--db", db]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(db)).toBe(false);
    });
  }

  it("an unreachable queue URL", async () => {
    const run = await lockstepInProcess([
      "sweep",
      EXAMPLE,
      "--queue",
      "postgres://lockstep:lockstep@127.0.0.1:1/lockstep",
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--queue: cannot reach PostgreSQL at 127\.0\.0\.1:1\/lockstep/);
    const worker = await lockstepInProcess(["worker", "--queue", "redis://127.0.0.1:6379"]);
    expect(worker.status).toBe(2);
    expect(worker.stderr).toMatch(/the queue runs on PostgreSQL/);
  });
});

/** Waits until the database holds at least `n` points (polling, bounded). */
async function waitForPoints(db: string, n: number, within = 120_000): Promise<number> {
  const until = Date.now() + within;
  for (;;) {
    if (existsSync(db)) {
      try {
        const count = storedResults(db).count;
        if (count >= n) return count;
      } catch {
        // tables not created yet
      }
    }
    if (Date.now() > until) throw new Error(`fewer than ${n} points stored after ${within} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function childrenOf(pid: number): number[] {
  const list = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return list ? list.split(/\s+/).map(Number) : [];
}

describe("lockstep sweep: kill -9 and resume (SQLite)", () => {
  // 24 points of 3,000 simulated runs each: long enough to kill something in the middle
  const SLOW = `scenario: korea-2018
seed: 11
measure:
  analysis: { plan: phased }
  simulation: { plan: phased, runs: 3000 }
vary:
  - value: arsenal-dismantle/dprk
    range: [-14, -6]
    steps: 6
  - risk: hazard
    values: [0, 0.05, 0.1, 0.2]
`;

  // The undisturbed run has 1 worker, the killed and resumed runs 2: so this also checks that a
  // local sweep gives the same results with 1 worker and with 2 (sweep/queue's first test did).
  it("retries a killed worker's points and resumes a killed sweep; every point stored once, as an undisturbed run with 1 worker", async () => {
    const sweepFile = file("slow.yaml", SLOW);
    const reference = join(dir, "reference.db");
    const clean = await lockstepAsync(["sweep", sweepFile, "--db", reference, "--workers", "1", "--json"]);
    expect(clean.status).toBe(0);
    const expected = storedResults(reference);
    expect(expected.count).toBe(24);

    const db = join(dir, "killed.db");
    const parent = spawn(
      process.execPath,
      [BIN, "sweep", sweepFile, "--db", db, "--workers", "2", "--json"],
      {
        cwd: ROOT,
        stdio: "ignore",
      },
    );
    const exited = new Promise<number | null>((resolve) => parent.on("exit", (code) => resolve(code)));
    await waitForPoints(db, 2);
    // a worker dies in the middle of its points
    const [victim] = childrenOf(parent.pid!);
    process.kill(victim, "SIGKILL");
    await waitForPoints(db, 8);
    // then the sweep itself (and, with it, its remaining workers' channel)
    process.kill(parent.pid!, "SIGKILL");
    await exited;
    const partial = storedResults(db).count;
    expect(partial).toBeGreaterThanOrEqual(8);
    expect(partial).toBeLessThan(24);

    const resumed = await lockstepAsync(["sweep", sweepFile, "--db", db, "--workers", "2", "--json"]);
    expect(resumed.status).toBe(0);
    const after = storedResults(db);
    expect(after.count).toBe(24);
    expect(after.distinct).toBe(24);
    expect(after.byPoint).toEqual(expected.byPoint);
    // the resumed run computed only what was missing; and several worker processes computed the
    // points that equal the 1-worker run's (the results name the process that computed each)
    const sqlite = new Database(db, { readonly: true });
    const stamps = sqlite.prepare("select count(distinct stored_at) as n from sweep_points").get() as {
      n: number;
    };
    const workers = sqlite.prepare("select count(distinct worker) as n from sweep_points").get() as {
      n: number;
    };
    const single = new Database(reference, { readonly: true });
    const one = single.prepare("select count(distinct worker) as n from sweep_points").get() as { n: number };
    single.close();
    sqlite.close();
    expect(stamps.n).toBeGreaterThan(1);
    expect(one.n).toBe(1);
    expect(workers.n).toBeGreaterThan(1);
  }, 240_000);
});
