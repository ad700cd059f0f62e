/**
 * Analysis of one plan (MODEL.md §2–5): per party and phase the exposure and incentive margin,
 * nominal and worst case; validity; feasibility; and every violation with its reason.
 */
import type { Plan } from "../model/schema.ts";
import type { CompiledScenario } from "./compile.ts";
import {
  explainExposure,
  explainGoal,
  explainHorizon,
  explainMargin,
  explainRequires,
  explainReservation,
} from "./explain.ts";
import {
  complianceWeights,
  defectionWeights,
  detectionLag,
  dot,
  exposureCoefficients,
  worstDot,
} from "./figures.ts";
import type { AnalysisReport, PartyReport, Violation, ViolationKind } from "./report.ts";
import { buildSchedule, donePhase, type Schedule, startPhase } from "./schedule.ts";

/** Figures within this of a limit count as on it (floating-point noise, not a violation). */
export const EPSILON = 1e-9;

const tidy = (x: number) => {
  const r = Math.round(x * 1e9) / 1e9;
  return Object.is(r, -0) ? 0 : r;
};

export interface Analysis extends AnalysisReport {
  /** The trajectory analysed, for charts and the simulator. */
  schedule: Schedule;
}

/** Everything about one party's figures under a plan: nominal, worst case and the weights behind them. */
function partyFigures(c: CompiledScenario, s: Schedule, i: number, violations: Violation[]): PartyReport {
  const nominal = c.values.nominal[i];
  const { low, high } = c.values;
  const tau = c.tolerance[i];
  const exposure: number[] = [];
  const worstExposure: number[] = [];
  for (let k = 0; k <= s.phases; k++) {
    const coef = exposureCoefficients(c, s, i, k);
    const e = Math.max(0, -dot(nominal, coef));
    exposure.push(tidy(e));
    // Coefficients are ≥ 0, so the worst (largest) exposure takes every value at its low end.
    worstExposure.push(tidy(Math.max(0, -worstDot(low[i], high[i], coef))));
    if (e > tau + EPSILON) violations.push(explainExposure(c, s, i, k, e, coef));
  }
  const margin: Record<string, number> = {};
  const worstMargin: Record<string, number> = {};
  const comply = complianceWeights(c, s, i);
  for (let k = 1; k <= s.phases; k++) {
    const lag = detectionLag(c, s, i, k);
    if (lag === undefined) continue;
    const defect = defectionWeights(c, s, i, k, lag);
    const weights = comply[k].map((w, m) => w - defect[m]);
    const value = dot(nominal, weights);
    margin[k] = tidy(value);
    worstMargin[k] = tidy(worstDot(low[i], high[i], weights));
    if (value < -EPSILON) violations.push(explainMargin(c, s, i, k, lag, value, weights));
  }
  const xT = s.x[s.phases];
  const final = dot(nominal, xT);
  if (final < c.reservation[i] - EPSILON) violations.push(explainReservation(c, i, final));
  return {
    exposure,
    margin,
    final: tidy(final),
    tolerance: tau,
    reservation: c.reservation[i],
    worst: { exposure: worstExposure, margin: worstMargin, final: tidy(worstDot(low[i], high[i], xT)) },
  };
}

function validityViolations(c: CompiledScenario, s: Schedule): Violation[] {
  const violations: Violation[] = [];
  if (s.phases > c.horizon) violations.push(explainHorizon(c, s.phases));
  const xT = s.x[s.phases];
  c.goal.forEach((item) => {
    if (!item.some((m) => xT[m] >= 1 - EPSILON)) violations.push(explainGoal(c, item, xT));
  });
  c.requires.forEach((reqs, m) => {
    const start = startPhase(s, m);
    if (start === undefined) return;
    for (const p of reqs) {
      const done = donePhase(s, p);
      const earliest = done === undefined ? undefined : done + c.lag[p] + 1;
      if (earliest === undefined || start < earliest) violations.push(explainRequires(c, m, p, start, done));
    }
  });
  return violations;
}

const KIND_ORDER: Record<ViolationKind, number> = {
  requires: 0,
  horizon: 1,
  exposure: 2,
  margin: 3,
  goal: 4,
  reservation: 5,
};

/** Violations in the order they would bite: by phase, then by kind, then by party. */
function byFirstToBite(c: CompiledScenario) {
  return (a: Violation, b: Violation) =>
    (a.phase ?? Number.MAX_SAFE_INTEGER) - (b.phase ?? Number.MAX_SAFE_INTEGER) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (c.partyIndex.get(a.party ?? "") ?? -1) - (c.partyIndex.get(b.party ?? "") ?? -1);
}

export function analyzeSchedule(c: CompiledScenario, s: Schedule): Analysis {
  const violations = validityViolations(c, s);
  const valid = violations.length === 0;
  const parties: Record<string, PartyReport> = {};
  let minSlack = Number.POSITIVE_INFINITY;
  let robust = valid;
  c.partyIds.forEach((id, i) => {
    const report = partyFigures(c, s, i, violations);
    parties[id] = report;
    for (const e of report.exposure) minSlack = Math.min(minSlack, c.tolerance[i] - e);
    for (const m of Object.values(report.margin)) minSlack = Math.min(minSlack, m);
    const w = report.worst;
    if (
      w.exposure.some((e) => e > c.tolerance[i] + EPSILON) ||
      Object.values(w.margin).some((m) => m < -EPSILON) ||
      w.final < c.reservation[i] - EPSILON
    ) {
      robust = false;
    }
  });
  violations.sort(byFirstToBite(c));
  const feasible = violations.length === 0;
  return {
    feasible,
    robustlyFeasible: feasible && robust,
    valid,
    phases: s.phases,
    minSlack: tidy(minSlack),
    parties,
    violations,
    schedule: s,
  };
}

/** Analyses a plan (move id → phase, or phase → fraction for divisible moves). */
export function analyzePlan(c: CompiledScenario, plan: Plan): Analysis {
  return analyzeSchedule(c, buildSchedule(c, plan));
}

/** The JSON document of an analysis (drops the trajectory). */
export function toReport(analysis: Analysis): AnalysisReport {
  const { schedule: _schedule, ...report } = analysis;
  return report;
}
