/**
 * The floor search (src/planner/floor.ts) against exhaustive enumeration. Small scenarios are
 * proven by the direct MILP at once, so `probesOnly` skips it: every answer here comes from the
 * probes (a plan at s ≥ 0, halfway probes, the last probe just above the best plan) and, on even
 * seeds, the bracketed solve after the first infeasible probe (the floor search's `bracket`: "maximise s"
 * between the best plan and that probe's floor); odd seeds keep the probes alone.
 */
import { afterEach, describe, expect, it } from "vitest";
import { analyzePlan } from "../../src/analysis/analyze.ts";
import { earliestStarts } from "../../src/planner/bounds.ts";
import { extractPlan } from "../../src/planner/extract.ts";
import { buildFormulation } from "../../src/planner/formulation.ts";
import { placementColumns } from "../../src/planner/incumbent.ts";
import { configureSolver, findPlan, solveWithHighs } from "../../src/planner/index.ts";
import { earliestPlacement } from "../../src/planner/placement-search.ts";
import { onLongerHorizon } from "../../src/planner/shorter.ts";
import { literalFigures, literallyFeasible } from "../analysis/literal.ts";
import { bruteForce } from "./brute-force.ts";
import { bruteForceOptions, compileGenerated } from "./generate.ts";

/** 3..6 moves. */
const options = (seed: number) => bruteForceOptions(seed, 4);

afterEach(() => {
  configureSolver({});
});

/** Counts the bracketed solves: the only ones that maximise with the lag indicators g integer. */
function countBrackets(): { count: number } {
  const seen = { count: 0 };
  configureSolver({
    backend: (milp, options) => {
      if (milp.maximize && milp.colNames.some((name, col) => name.startsWith("g_") && milp.integer[col]))
        seen.count++;
      return solveWithHighs(milp, options);
    },
  });
  return seen;
}

describe("floor search = brute force", () => {
  it("finds the fewest phases and the largest minimum slack by probes alone (60 seeds)", async () => {
    const brackets = countBrackets();
    let feasible = 0;
    let infeasible = 0;
    for (let seed = 2001; seed <= 2060; seed++) {
      const search = { floor: { probesOnly: true, bracket: seed % 2 === 0 } };
      const o = options(seed);
      const c = compileGenerated(seed, o);
      const truth = bruteForce(c, o.horizon);
      const where = `seed ${seed}`;
      const phases = await findPlan(c, { horizon: o.horizon, timeLimitSeconds: 120, search });
      expect(phases.status, where).toBe(truth.fewest ? "optimal" : "infeasible");
      if (truth.fewest) {
        feasible++;
        expect(phases.phases, where).toBe(truth.fewest.phases);
        expect(phases.minSlack!, where).toBeCloseTo(truth.fewest.minSlack, 6);
        expect(analyzePlan(c, phases.plan).minSlack, where).toBeCloseTo(phases.minSlack!, 9);
      } else infeasible++;
      const slack = await findPlan(c, {
        horizon: o.horizon,
        objective: "slack",
        timeLimitSeconds: 120,
        search,
      });
      expect(slack.feasible, where).toBe(truth.slack !== undefined);
      if (truth.slack !== undefined) {
        expect(slack.status, where).toBe("optimal");
        expect(slack.minSlack!, where).toBeCloseTo(truth.slack, 6);
      }
    }
    expect(feasible).toBeGreaterThan(15);
    expect(infeasible).toBeGreaterThan(3);
    expect(brackets.count).toBeGreaterThan(5);
  }, 600_000);

  it("proves nothing by an infeasible probe that HiGHS at its default tolerances finds a plan for (20 seeds)", async () => {
    // HiGHS at the planner's 1e-9 tolerances once called a feasible probe infeasible (B seed 4 of
    // the 60×4×20 benchmark, src/planner/probe.ts): here every probe at those tolerances says so,
    // and only the re-check at HiGHS's defaults solves it, so each answer must come from there.
    const told = { lies: 0, checks: 0 };
    configureSolver({
      backend: (milp, options) => {
        const isProbe = milp.colCost.every((cost) => cost === 0);
        const looser = options.highsOptions?.primal_feasibility_tolerance === 1e-7;
        if (isProbe && looser) told.checks++;
        if (isProbe && !looser) {
          told.lies++;
          return Promise.resolve({ status: "infeasible", seconds: 0, solver: "HiGHS" });
        }
        return solveWithHighs(milp, options);
      },
    });
    let feasible = 0;
    for (let seed = 2001; seed <= 2020; seed++) {
      const o = options(seed);
      const c = compileGenerated(seed, o);
      const truth = bruteForce(c, o.horizon);
      const where = `seed ${seed}`;
      const search = { floor: { probesOnly: true, bracket: false } };
      const phases = await findPlan(c, { horizon: o.horizon, timeLimitSeconds: 120, search });
      expect(phases.status, where).toBe(truth.fewest ? "optimal" : "infeasible");
      if (!truth.fewest) continue;
      feasible++;
      expect(phases.phases, where).toBe(truth.fewest.phases);
      expect(phases.minSlack!, where).toBeCloseTo(truth.fewest.minSlack, 6);
    }
    expect(feasible).toBeGreaterThan(5);
    expect(told.lies).toBeGreaterThan(feasible);
    expect(told.checks).toBe(told.lies);
  }, 600_000);

  it("raises each probe's plan to its shape's best slack without changing the answer (divisible moves, 40 seeds)", async () => {
    // Continuous shares beat any enumeration's grid, so the reference here is the direct MILP,
    // which proves these small scenarios at once; the probes alone, each plan they find raised to
    // the best slack of its shape (the floor search's `polish`), must reach the same slack.
    let compared = 0;
    for (let seed = 2101; seed <= 2140; seed++) {
      const bracket = seed % 2 === 0;
      const o = { ...options(seed), divisible: 0.5, looseGoal: 0 };
      const c = compileGenerated(seed, o);
      if (!c.divisible.some(Boolean)) continue;
      const where = `seed ${seed}`;
      const run = (probesOnly: boolean) =>
        findPlan(c, {
          horizon: o.horizon,
          objective: "slack",
          timeLimitSeconds: 120,
          search: { floor: { probesOnly, bracket } },
        });
      const direct = await run(false);
      const probed = await run(true);
      expect(probed.feasible, where).toBe(direct.feasible);
      if (!direct.feasible) continue;
      expect([direct.status, probed.status], where).toEqual(["optimal", "optimal"]);
      expect(probed.minSlack!, where).toBeCloseTo(direct.minSlack!, 6);
      expect(analyzePlan(c, probed.plan).minSlack, where).toBeCloseTo(probed.minSlack!, 9);
      compared++;
    }
    expect(compared).toBeGreaterThan(6);
  }, 600_000);

  it("takes plans from a shorter model without taking its bound (slack objective, 3 phases, 10 seeds with a plan)", async () => {
    // The step of shorter.ts, forced on: probes on a model of 2 phases, each plan moved to the
    // 3-phase model and polished there, then the 3-phase probes from the 2-phase model's lowest
    // infeasible floor. Where the best plan needs all 3 phases, a search that took that floor as
    // a bound would stop below the optimum; the enumeration says which seeds those are.
    const search = { floor: { probesOnly: true }, shorter: { when: "always" as const } };
    let shortProbes = 0;
    configureSolver({
      backend: (milp, options) => {
        if (!milp.colNames.includes("x_0_3") && milp.colCost.every((cost) => cost === 0)) shortProbes++;
        return solveWithHighs(milp, options);
      },
    });
    let longer = 0;
    let solved = 0;
    for (let seed = 2201; seed <= 2260 && solved < 10; seed++) {
      const o = { ...bruteForceOptions(seed, 3), horizon: 3, generosity: 4, looseGoal: 0.2 };
      const c = compileGenerated(seed, o);
      const truth = bruteForce(c, 3).slack;
      if (truth === undefined) continue;
      const short = bruteForce(c, 2).slack;
      // no plan of 2 phases, or none as good: the 2-phase model's floors are no bound here
      if (short === undefined || short < truth - 1e-9) longer++;
      const where = `seed ${seed}`;
      const found = await findPlan(c, { horizon: 3, objective: "slack", timeLimitSeconds: 120, search });
      expect(found.status, where).toBe("optimal");
      expect(found.minSlack!, where).toBeCloseTo(truth, 6);
      expect(analyzePlan(c, found.plan).minSlack, where).toBeCloseTo(found.minSlack!, 9);
      expect(literallyFeasible(literalFigures(c.scenario, found.plan)), where).toBe(true);
      solved++;
    }
    expect(solved).toBe(10);
    expect(shortProbes).toBeGreaterThan(10);
    expect(longer).toBeGreaterThan(3);
  }, 600_000);

  it("moves a plan of 2 phases to a model of 4 unchanged: states held after phase 2, nothing advancing", () => {
    const seed = 2301;
    const c = compileGenerated(seed, { ...bruteForceOptions(seed, 4), horizon: 4, divisible: 0.6 });
    const earliest = earliestStarts(c);
    const model = (phases: number) =>
      buildFormulation(c, { phases, values: c.values.nominal, objective: "slack", relax: false, earliest });
    const [short, long] = [model(2), model(4)];
    // every move at its earliest phase up to 2; a divisible move done in phase 1 split 0.25 / 0.75
    // over phases 1 and 2
    const at = earliestPlacement(c, earliest, 2);
    const values = placementColumns(short, at, short.builder.model.colLower.length);
    let split = 0;
    at.forEach((k, m) => {
      const act = short.active[m];
      if (k !== 1 || !act) return;
      values[short.x[m][1]] = 0.25;
      values[act[2]] = 1;
      split++;
    });
    expect(split).toBeGreaterThan(0);
    const moved = onLongerHorizon(short, long, values);
    const plan = extractPlan(c, short, values);
    expect(Object.values(plan).some((entry) => typeof entry === "object")).toBe(true);
    expect(extractPlan(c, long, moved)).toEqual(plan);
    c.moveIds.forEach((_, m) => {
      for (let k = 3; k <= 4; k++) {
        expect(moved[long.x[m][k]]).toBe(values[short.x[m][2]]);
        if (long.active[m]) expect(moved[long.active[m]![k]]).toBe(0);
      }
    });
  });
});
