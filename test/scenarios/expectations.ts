/**
 * Checks a scenario file's `expect:` entries against the analysis engine.
 *
 * What `robust` means for each kind of claim:
 *  - `feasible: true, robust: true`   the plan is feasible at the worst case of every range
 *                                      (the analysis's `robustlyFeasible`);
 *  - `feasible: true, robust: false`  feasible at the midpoints, but some corner of the ranges breaks it;
 *  - `feasible: false, robust: true`  the first violation persists even at the BEST case of the ranges
 *                                      for that figure, so no value in the ranges rescues the plan there;
 *  - `feasible: false, robust: false` the first violation disappears at the best case of its figure.
 * Validity violations (requires, goal, horizon) do not depend on values, so they are always robust.
 */
import { type Analysis, analyzePlan, EPSILON } from "../../src/analysis/analyze.ts";
import type { CompiledScenario } from "../../src/analysis/compile.ts";
import { resolvePlan } from "../../src/analysis/doctrines.ts";
import {
  complianceWeights,
  defectionWeights,
  detectionLag,
  exposureCoefficients,
} from "../../src/analysis/figures.ts";
import { analyzePerspectives } from "../../src/analysis/perspectives.ts";
import type { Violation } from "../../src/analysis/report.ts";
import type { Expectation } from "../../src/model/schema.ts";

/** The largest value of Σ v_m · coef_m with each v_m anywhere in [low_m, high_m]. */
export function bestDot(low: Float64Array, high: Float64Array, coef: Float64Array): number {
  let sum = 0;
  for (let m = 0; m < coef.length; m++) sum += (coef[m] >= 0 ? high[m] : low[m]) * coef[m];
  return sum;
}

/** Whether a violation of the nominal analysis is still a violation at the best case of its figure. */
export function violatedAtBestCase(c: CompiledScenario, a: Analysis, v: Violation): boolean {
  if (v.kind === "requires" || v.kind === "goal" || v.kind === "horizon") return true;
  const i = c.partyIndex.get(v.party ?? "");
  if (i === undefined) throw new Error(`violation without a known party: ${v.message}`);
  const { low, high } = c.values;
  const s = a.schedule;
  if (v.kind === "exposure") {
    const coef = exposureCoefficients(c, s, i, v.phase ?? 0);
    return Math.max(0, -bestDot(low[i], high[i], coef)) > c.tolerance[i] + EPSILON;
  }
  if (v.kind === "margin") {
    const k = v.phase ?? 0;
    const lag = detectionLag(c, s, i, k);
    if (lag === undefined) throw new Error(`margin violation where ${v.party} has no move: phase ${k}`);
    const comply = complianceWeights(c, s, i)[k];
    const defect = defectionWeights(c, s, i, k, lag);
    const weights = comply.map((w, m) => w - defect[m]);
    return bestDot(low[i], high[i], weights) < -EPSILON;
  }
  // reservation
  return bestDot(low[i], high[i], s.x[s.phases]) < c.reservation[i] - EPSILON;
}

/** Every way an expectation fails, in words (empty when it holds). */
export function checkExpectation(c: CompiledScenario, e: Expectation): string[] {
  const lookup = resolvePlan(c, e.plan);
  if (!lookup.ok) return [lookup.message];
  const a = analyzePlan(c, lookup.plan);
  const problems: string[] = [];
  const first = a.violations[0];
  const describe = (v: Violation | undefined) =>
    v
      ? `${v.kind}${v.party ? ` ${v.party}` : ""}${v.phase !== undefined ? ` phase ${v.phase}` : ""}`
      : "none";
  if (a.feasible !== e.feasible) {
    problems.push(
      `expected ${e.feasible ? "feasible" : "infeasible"}, got ${a.feasible ? "feasible" : `infeasible (first: ${describe(first)}: ${first?.message})`}`,
    );
    return problems;
  }
  if (e.robust !== undefined) {
    const robust = e.feasible ? a.robustlyFeasible : violatedAtBestCase(c, a, first);
    if (robust !== e.robust) {
      problems.push(
        e.feasible
          ? `expected robustlyFeasible ${e.robust}, got ${a.robustlyFeasible}`
          : `expected the first violation (${describe(first)}) ${e.robust ? "to persist" : "to vanish"} at the best case of the ranges; it ${robust ? "persists" : "vanishes"}`,
      );
    }
  }
  const fv = e.firstViolation;
  if (fv) {
    if (!first) problems.push("expected a first violation, got none");
    else {
      if (first.kind !== fv.kind)
        problems.push(`first violation: expected kind ${fv.kind}, got ${describe(first)}`);
      if (fv.party !== undefined && first.party !== fv.party)
        problems.push(`first violation: expected party ${fv.party}, got ${describe(first)}`);
      if (fv.phase !== undefined && first.phase !== fv.phase)
        problems.push(`first violation: expected phase ${fv.phase}, got ${describe(first)}`);
    }
  }
  problems.push(...checkPerspectives(c, a, e));
  return problems;
}

/** The perspective claims (MODEL.md §9): credibility per party, and surprises and fears that must be found. */
function checkPerspectives(c: CompiledScenario, a: Analysis, e: Expectation): string[] {
  if (!e.credible && !e.surprises && !e.fears) return [];
  const p = analyzePerspectives(c, a);
  if (!p) return ["the expectation claims perspectives, but the scenario has no views"];
  const problems: string[] = [];
  for (const [party, credible] of Object.entries(e.credible ?? {})) {
    if (p.report.credible[party] !== credible)
      problems.push(`expected the plan ${credible ? "" : "not "}to be credible to ${party}`);
  }
  for (const list of ["surprises", "fears"] as const) {
    for (const want of e[list] ?? []) {
      const found = p.report[list].some(
        (f) =>
          f.view === want.view &&
          f.party === want.party &&
          f.kind === want.kind &&
          (want.phase === undefined || f.phase === want.phase),
      );
      if (!found) {
        const got = p.report[list].map((f) => `${f.view}: ${f.kind} ${f.party} ${f.phase ?? ""}`).join("; ");
        problems.push(
          `expected among the ${list}: ${want.view}'s view of ${want.kind} ${want.party}${want.phase === undefined ? "" : ` phase ${want.phase}`}; got ${got || "none"}`,
        );
      }
    }
  }
  return problems;
}
