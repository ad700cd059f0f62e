/**
 * The sweep core: parsing with positions, checking against the scenario, point generation and
 * seeds, and a report whose thresholds agree with analysing each point directly.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyzePlan, compileScenario, resolvePlan } from "../../src/analysis/index.ts";
import { parseScenario, type Scenario } from "../../src/model/index.ts";
import {
  applyPoint,
  checkSweep,
  evaluatePoint,
  levels,
  parseSweep,
  pointCount,
  pointSeed,
  pointValues,
  type Sweep,
  sweepDocument,
  sweepReport,
  toCsv,
} from "../../src/sweep/index.ts";

function scenario(name: string): Scenario {
  const parsed = parseScenario(
    readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), "utf8"),
    name,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.scenario;
}

function sweep(text: string): Sweep {
  const parsed = parseSweep(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.sweep;
}

const KOREA = `scenario: korea-2018
seed: 7
measure:
  analysis: { plan: phased }
vary:
  - value: arsenal-dismantle/dprk
    range: [-16, -4]
    steps: 7
  - discount: dprk
    values: [0.7, 0.8, 0.9, 1]
`;

describe("sweep files", () => {
  it("reports a range with low > high at its line and column", () => {
    const parsed = parseSweep(`scenario: korea-2018
measure: { analysis: { plan: phased } }
vary:
  - discount: dprk
    range: [0.9, 0.5]
`);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      expect.objectContaining({
        path: "vary.0.range",
        line: 5,
        column: 12,
        message: expect.stringContaining("low <= high"),
      }),
    ]);
  });

  it("suggests the intended field for a typo and names the sweep's own fields", () => {
    const parsed = parseSweep(
      "scenario: x\nmeasure: { analysis: { plan: p } }\nvary:\n  - discont: dprk\n    range: [0, 1]\n",
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const typo = parsed.issues.find((i) => i.code === "unknown-field");
    expect(typo).toMatchObject({ path: "vary.0.discont", line: 4, column: 5 });
    expect(typo?.message).toContain("did you mean 'discount'");
  });

  it("refuses a variable with no target, two targets, or both a range and values", () => {
    for (const body of [
      "range: [0, 1]",
      "discount: dprk\n    risk: hazard\n    range: [0, 1]",
      "risk: hazard\n    range: [0, 1]\n    values: [0]",
    ]) {
      const parsed = parseSweep(`scenario: x\nmeasure: { analysis: { plan: p } }\nvary:\n  - ${body}\n`);
      expect(parsed.ok, body).toBe(false);
    }
  });

  it("checks moves, parties, plans and bounds against the scenario", () => {
    const s = sweep(`scenario: korea-2018
measure:
  analysis: { plan: phasd }
vary:
  - value: arsenal-dismantel/dprk
    range: [-2, -1]
  - tolerance: dprkk
    range: [0, 1]
  - discount: dprk
    range: [0, 1]
  - risk: hazard
    values: [0.5, 1.5]
`);
    const problems = checkSweep(s, scenario("korea-2018"));
    const text = problems.map((p) => `${p.path.join(".")}: ${p.message}`);
    expect(text).toEqual([
      expect.stringMatching(
        /^vary\.0\.value: unknown move 'arsenal-dismantel'.*did you mean 'arsenal-dismantle'/,
      ),
      expect.stringMatching(/^vary\.1\.tolerance: unknown party 'dprkk'.*did you mean 'dprk'/),
      expect.stringMatching(/^vary\.2\.range: 0 is not a valid setting: parties\.1\.discount/),
      expect.stringMatching(/^vary\.3\.values: 1\.5 is not a valid setting: risk\.hazard/),
      expect.stringMatching(/^measure\.analysis\.plan: unknown plan 'phasd'.*did you mean 'phased'/),
    ]);
  });
});

describe("points", () => {
  it("enumerates the full grid once, last variable fastest, ends exact", () => {
    const s = sweep(KOREA);
    expect(levels(s.vary[0])).toEqual([-16, -14, -12, -10, -8, -6, -4]);
    expect(pointCount(s)).toBe(28);
    const all = Array.from({ length: 28 }, (_, i) => pointValues(s, i).join(","));
    expect(new Set(all).size).toBe(28);
    expect(pointValues(s, 0)).toEqual([-16, 0.7]);
    expect(pointValues(s, 1)).toEqual([-16, 0.8]);
    expect(pointValues(s, 27)).toEqual([-4, 1]);
  });

  it("uses every stratum of a Latin hypercube exactly once, reproducibly from the seed", () => {
    const text = KOREA.replace("seed: 7", "seed: 7\nsampling: { latin: 50 }");
    const s = sweep(text);
    expect(pointCount(s)).toBe(50);
    const xs = Array.from({ length: 50 }, (_, i) => pointValues(s, i)[0]);
    const strata = xs.map((x) => Math.floor(((x + 16) / 12) * 50)).sort((a, b) => a - b);
    expect(strata).toEqual(Array.from({ length: 50 }, (_, k) => k));
    // a fresh parse (a new object, no cache) gives the same points; another seed does not
    expect(Array.from({ length: 50 }, (_, i) => pointValues(sweep(text), i)[0])).toEqual(xs);
    const other = sweep(text.replace("seed: 7", "seed: 8"));
    expect(Array.from({ length: 50 }, (_, i) => pointValues(other, i)[0])).not.toEqual(xs);
  });

  it("gives each point its own seed from the sweep seed and the index", () => {
    const seeds = Array.from({ length: 10_000 }, (_, i) => pointSeed(7, i));
    expect(new Set(seeds).size).toBe(10_000);
    expect(seeds.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff_ffff)).toBe(true);
    expect(pointSeed(7, 123)).toBe(seeds[123]);
    expect(pointSeed(8, 123)).not.toBe(seeds[123]);
  });

  it("applies a point to a copy of the scenario", () => {
    const base = scenario("korea-2018");
    const s = sweep(
      KOREA.replace(
        "  - discount: dprk\n    values: [0.7, 0.8, 0.9, 1]\n",
        "  - risk: hazard\n    values: [0.3]\n",
      ),
    );
    const applied = applyPoint(base, s, [-5, 0.3]);
    expect(applied.moves.find((m) => m.id === "arsenal-dismantle")?.value.dprk).toBe(-5);
    expect(applied.risk.hazard).toBe(0.3);
    expect(base.moves.find((m) => m.id === "arsenal-dismantle")?.value.dprk).toEqual([-12, -8]);
  });
});

describe("report", () => {
  it("puts each feasibility threshold between the two levels where direct analysis flips", async () => {
    const s = sweep(KOREA);
    const base = scenario("korea-2018");
    const doc = sweepDocument(s, base, "korea-2018");
    const results = await Promise.all(Array.from({ length: doc.points }, (_, i) => evaluatePoint(doc, i)));
    const report = sweepReport(doc, results);
    expect(report.done).toBe(28);
    const direct = (values: number[]) => {
      const c = compileScenario(applyPoint(base, s, values));
      const plan = resolvePlan(c, "phased");
      if (!plan.ok) throw new Error(plan.message);
      return analyzePlan(c, plan.plan).feasible;
    };
    const arsenal = report.flips[0];
    expect(arsenal.flips.length).toBeGreaterThan(0);
    for (const flip of arsenal.flips) {
      const discount = flip.others["dprk discount"];
      const [a, b] = flip.between;
      expect(flip.threshold).toBeCloseTo((a + b) / 2, 9);
      expect(direct([a, discount])).toBe(flip.feasible === "below");
      expect(direct([b, discount])).toBe(flip.feasible === "above");
    }
    // lines with no flip are uniformly feasible or infeasible when analysed directly
    const flippedDiscounts = new Set(arsenal.flips.map((f) => f.others["dprk discount"]));
    for (const d of [0.7, 0.8, 0.9, 1].filter((x) => !flippedDiscounts.has(x))) {
      const verdicts = new Set(levels(s.vary[0]).map((x) => direct([x, d])));
      expect(verdicts.size).toBe(1);
    }
    expect(report.tornado["analysis.minSlack"].map((b) => b.variable).sort()).toEqual(
      ["arsenal-dismantle/dprk", "dprk discount"].sort(),
    );
    const csv = toCsv(doc, results).trim().split("\n");
    expect(csv[0]).toBe(
      "point,seed,arsenal-dismantle/dprk,dprk discount,analysis.feasible,analysis.robust,analysis.minSlack,analysis.breaks,error",
    );
    expect(csv).toHaveLength(29);
  });
});
