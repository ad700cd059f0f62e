/**
 * "What it would take" through the real process (issue 17 §2): σ and μ come from the chosen
 * plan's own analysis, only parties that need something are listed, and the plan is shown both
 * with the relaxation applied (it reads feasible) and without it (what fails).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AnalysisReport } from "../../src/analysis/report.ts";
import { PlanReport } from "../../src/planner/report.ts";
import { lockstep } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-relax-"));

/** Issue 17: the solver's σ/μ columns drifted here ("c would need an inducement worth 0.00"). */
const RELAX_DRIFT = `id: relax-drift
parties: [{id: a, discount: 0.78, tolerance: 6}, {id: b, discount: 0.85, tolerance: 3}, {id: c, discount: 0.94, tolerance: 2}]
moves:
  - {id: m0, actor: a, value: {a: -4, b: 4, c: 2}, reversible: 0, verify: {lag: 2}}
  - {id: m1, actor: b, value: {b: -1, a: 6, c: 0.5}, reversible: 0.75}
  - {id: m2, actor: c, value: {c: -1}, reversible: 0.5, verify: {lag: 1}}
  - {id: m3, actor: c, value: {c: -1, a: 2, b: 6}, reversible: 0.5, verify: {lag: 1}}
  - {id: m4, actor: b, value: {b: -5, a: 3}, reversible: 0, verify: {lag: 2}}
  - {id: m5, actor: b, value: {b: -1, a: 4}, reversible: 0.75, verify: {lag: 1}, requires: [m4]}
horizon: 5
`;

describe("what it would take (relax-drift)", () => {
  const file = join(dir, "relax-drift.yaml");
  writeFileSync(file, RELAX_DRIFT);

  it("reports σ and μ recomputed from the plan's analysis, and only where positive", () => {
    const run = lockstep(["plan", file, "--json"]);
    expect(run.status).toBe(1);
    const report = PlanReport.parse(JSON.parse(run.stdout));
    expect(report.status).toBe("infeasible");

    // Analyse the relaxed plan independently, through `analyze` on a copy that names it.
    const named = join(dir, "relax-drift-named.yaml");
    writeFileSync(named, `${RELAX_DRIFT}plans:\n  relaxed: ${JSON.stringify(report.plan)}\n`);
    const analysed = lockstep(["analyze", named, "--plan", "relaxed", "--json"]);
    expect(analysed.status).toBe(1);
    const analysis = AnalysisReport.parse(JSON.parse(analysed.stdout));
    expect(analysis.parties).toEqual(report.analysis!.parties);

    const expected: Record<string, { tolerance: number; inducement: number }> = {};
    for (const [party, f] of Object.entries(analysis.parties)) {
      const sigma = Math.max(0, Math.max(...f.exposure) - f.tolerance);
      const mu = Math.max(0, -Math.min(0, ...Object.values(f.margin)));
      if (sigma > 1e-9 || mu > 1e-9) expected[party] = { tolerance: sigma, inducement: mu };
    }
    expect(Object.keys(report.relaxation!).sort()).toEqual(Object.keys(expected).sort());
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    for (const [party, r] of Object.entries(expected)) {
      expect(report.relaxation![party].tolerance).toBeCloseTo(r.tolerance, 9);
      expect(report.relaxation![party].inducement).toBeCloseTo(r.inducement, 9);
    }
    // c's margins are all positive in this plan: it needs nothing and is not listed
    expect(report.relaxation!.c).toBeUndefined();

    // With the relaxation applied the same plan reads feasible, with the same exposures.
    const relaxed = report.relaxed!;
    expect(relaxed.feasible).toBe(true);
    expect(relaxed.violations).toEqual([]);
    for (const [party, f] of Object.entries(analysis.parties)) {
      const r = report.relaxation![party] ?? { tolerance: 0, inducement: 0 };
      expect(relaxed.parties[party].tolerance).toBeCloseTo(f.tolerance + r.tolerance, 9);
      expect(relaxed.parties[party].exposure).toEqual(f.exposure);
      for (const [k, m] of Object.entries(f.margin)) {
        expect(relaxed.parties[party].margin[k]).toBeCloseTo(m + r.inducement, 9);
      }
    }
    // Without it, the analysis fails exactly where the relaxation was needed.
    expect(report.analysis!.feasible).toBe(false);
    for (const v of report.analysis!.violations) expect(Object.keys(expected)).toContain(v.party);
  });

  it("prints the relaxation with its unit, no zero rows, then the plan feasible, then what fails", () => {
    const run = lockstep(["plan", file]);
    expect(run.status).toBe(1);
    const out = run.stdout;
    expect(out).toContain("What it would take");
    expect(out).toContain("per-phase value, in each party's own unit");
    expect(out).toContain("the moment it defects");
    expect(out).not.toMatch(/worth 0\.00|gains 0\.00|inducement of 0\.00/);
    // the relaxation table lists b alone
    const table = out.slice(out.indexOf("What it would take"), out.indexOf("σ raises"));
    expect(table).toMatch(/^b\s+-\s+0\.\d\d$/m);
    expect(table).not.toMatch(/^[ac]\s/m);
    const feasibleAt = out.indexOf("that plan with the relaxation applied");
    const failsAt = out.indexOf("Without the relaxation, that plan fails:");
    expect(feasibleAt).toBeGreaterThan(0);
    expect(out.slice(feasibleAt)).toMatch(/^[^\n]*FEASIBLE/);
    expect(out.slice(feasibleAt)).not.toMatch(/^[^\n]*NOT FEASIBLE/);
    expect(failsAt).toBeGreaterThan(feasibleAt);
    expect(out.slice(failsAt)).toMatch(/b gains [\d.]+ by walking away in phase \d/);
  });
});
