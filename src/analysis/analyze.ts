/**
 * Analysis of one plan (MODEL.md §2–5): per party and phase the exposure and incentive margin,
 * nominal and worst case; validity; feasibility; and every violation with its reason.
 */
import type { Plan } from "../model/index.ts";
import type { CompiledScenario } from "./compile.ts";
import {
  explainExposure,
  explainGoal,
  explainHorizon,
  explainMargin,
  explainRequires,
  explainReservation,
} from "./explain.ts";
import { exposureOf } from "./exposure.ts";
import type { AnalysisReport, ConstraintRowReport, PartyReport, Violation, ViolationKind } from "./report.ts";
import {
  type ConstraintRow,
  leastSlack,
  partyRows,
  type RowFigures,
  rowFigures,
  rowHolds,
  tidyFigure,
} from "./rows.ts";
import { buildSchedule, type Schedule } from "./schedule.ts";
import { forEachValidityBreak } from "./validity.ts";

export { EPSILON } from "./rows.ts";

export interface Analysis extends AnalysisReport {
  /** The trajectory analysed, for charts and the simulator. */
  schedule: Schedule;
  /** The constraint rows with their coefficients (MODEL.md v2 §5), for robustness.ts. */
  constraintRows: ConstraintRow[];
}

/**
 * One party's figures under a plan, nominal and worst case, read off its constraint rows: an
 * exposure row is τ + u, so E = max(0, τ − g); a margin row is M itself; the reservation row is
 * u(x_T) − ρ.
 */
function partyFigures(
  c: CompiledScenario,
  s: Schedule,
  i: number,
  rows: ConstraintRow[],
  reports: ConstraintRowReport[],
  violations: Violation[],
  slacks: RowFigures[],
): PartyReport {
  const tau = c.tolerance[i];
  const rho = c.reservation[i];
  const exposure: number[] = [0];
  const worstExposure: number[] = [0];
  const margin: Record<string, number> = {};
  const worstMargin: Record<string, number> = {};
  let final = 0;
  let worstFinal = 0;
  for (const row of rows) {
    const figures = rowFigures(c, row);
    const g = figures.value;
    const worst = figures.worst;
    reports.push({
      kind: row.kind,
      party: c.partyIds[i],
      phase: row.phase,
      slack: tidyFigure(g),
      over: !rowHolds(g),
      worstSlack: tidyFigure(worst),
      worstOver: !rowHolds(worst),
      dependsOnValues: figures.dependsOnValues,
    });
    slacks.push(figures);
    if (row.kind === "exposure") {
      const e = exposureOf(g - tau);
      exposure.push(tidyFigure(e));
      worstExposure.push(tidyFigure(exposureOf(worst - tau)));
      if (!rowHolds(g)) violations.push(explainExposure(c, s, i, row.phase!, e, row.coef));
    } else if (row.kind === "margin") {
      margin[row.phase!] = tidyFigure(g);
      worstMargin[row.phase!] = tidyFigure(worst);
      if (!rowHolds(g)) violations.push(explainMargin(c, s, i, row.phase!, row.lag!, g, row.coef));
    } else {
      final = g + rho;
      worstFinal = worst + rho;
      if (!rowHolds(g)) violations.push(explainReservation(c, i, final));
    }
  }
  return {
    exposure,
    margin,
    final: tidyFigure(final),
    tolerance: tau,
    reservation: rho,
    worst: { exposure: worstExposure, margin: worstMargin, final: tidyFigure(worstFinal) },
  };
}

function validityViolations(c: CompiledScenario, s: Schedule): Violation[] {
  const violations: Violation[] = [];
  forEachValidityBreak(c, s, (b) => {
    if (b.kind === "horizon") violations.push(explainHorizon(c, s.phases));
    else if (b.kind === "goal") violations.push(explainGoal(c, b.item, s.x[s.phases]));
    else violations.push(explainRequires(c, b.move, b.prerequisite, b.start, b.done));
    return true;
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
  const constraintRows: ConstraintRow[] = [];
  const rows: ConstraintRowReport[] = [];
  const figures: RowFigures[] = [];
  const scratch = new Float64Array((s.phases + 1) * c.moveIds.length);
  c.partyIds.forEach((id, i) => {
    const own = partyRows(c, s, i, scratch);
    parties[id] = partyFigures(c, s, i, own, rows, violations, figures);
    for (const row of own) constraintRows.push(row);
  });
  violations.sort(byFirstToBite(c));
  const feasible = violations.length === 0;
  return {
    feasible,
    robustlyFeasible: feasible && rows.every((row) => !row.worstOver),
    valid,
    phases: s.phases,
    minSlack: tidyFigure(leastSlack(figures)),
    parties,
    rows,
    violations,
    schedule: s,
    constraintRows,
  };
}

/** Analyses a plan (move id → phase, or phase → fraction for divisible moves). */
export function analyzePlan(c: CompiledScenario, plan: Plan): Analysis {
  return analyzeSchedule(c, buildSchedule(c, plan));
}

/** The JSON document of an analysis (drops the trajectory). */
export function toReport(analysis: Analysis): AnalysisReport {
  const { schedule: _schedule, constraintRows: _rows, ...report } = analysis;
  return report;
}
