/**
 * Perspectives of one plan (MODEL.md §9): whether each party with a view finds the plan credible
 * (every row of every party holds in its view, and the plan is valid), every surprise (a row that
 * holds in the viewer's view but fails in truth) and every fear (fails in the view, holds in truth).
 *
 * Only the rows of parties whose figures a view changes are recomputed: a view that overrides a few
 * of one party's values costs one party's rows, not a whole analysis.
 */
import { type Analysis, toReport } from "./analyze.ts";
import type { CompiledScenario } from "./compile.ts";
import { explainGap } from "./explain-views.ts";
import type { PerspectiveFinding, Perspectives } from "./perspectives-report.ts";
import type { AnalysisReport, RowKind } from "./report.ts";
import { robustnessReport } from "./robustness.ts";
import { type ConstraintRow, partyRows, rowHolds, rowValue } from "./rows.ts";
import { type CompiledView, compileViews, hasViews } from "./views.ts";

/** One row on which some view and the truth disagree, with its value in the truth and in each view. */
export interface RowComparison {
  party: string;
  kind: RowKind;
  phase: number | null;
  truth: number;
  /** viewer → g in that view. */
  byView: Record<string, number>;
}

export interface PerspectiveAnalysis {
  report: Perspectives;
  /** Rows where at least one view's verdict differs from the truth's. */
  rows: RowComparison[];
}

const ROW_KINDS = new Set(["exposure", "margin", "reservation"]);
/** A row with its value g under the figures it was built from (the truth's or a view's). */
export interface Row extends ConstraintRow {
  value: number;
}

function rowsOf(c: CompiledScenario, s: Analysis["schedule"], i: number): Row[] {
  return partyRows(c, s, i).map((row) => ({ ...row, value: rowValue(c, row) }));
}

/**
 * Party i's rows in a view. Each row is linear in the party's values with coefficients fixed by
 * the plan, κ, the credit lags and δ_i; when the view keeps those (it changes only values, τ or ρ),
 * the truth's coefficients serve and only the constant and the dot product are recomputed.
 */
function rowsInView(
  view: CompiledView,
  c: CompiledScenario,
  s: Analysis["schedule"],
  i: number,
  truth: Row[],
): Row[] {
  const cv = view.compiled;
  const sameWeights =
    view.sameKappa &&
    cv.discount[i] === c.discount[i] &&
    cv.creditLag[i].every((lag, m) => lag === c.creditLag[i][m]);
  if (!sameWeights) return rowsOf(cv, s, i);
  return truth.map((row) => {
    const constant =
      row.kind === "exposure" ? cv.tolerance[i] : row.kind === "reservation" ? -cv.reservation[i] : 0;
    const mine = { ...row, constant };
    return { ...mine, value: rowValue(cv, mine) };
  });
}

/** The truth's rows of party i, from the analysis (which has computed them already). */
function truthRowsOf(c: CompiledScenario, a: Analysis, i: number): Row[] {
  const rows = a.constraintRows.filter((r) => r.party === i);
  return rows.map((row) => ({ ...row, value: rowValue(c, row) }));
}
const tidy = (x: number) => Math.round(x * 1e9) / 1e9;

/** Whether every row of party i holds in truth, read off the analysis's violations. */
function truthHolds(c: CompiledScenario, a: Analysis): boolean[] {
  return c.partyIds.map((id) => !a.violations.some((v) => v.party === id && ROW_KINDS.has(v.kind)));
}

/** Credibility only (no words): what the planner and comparisons need. */
export function credibility(c: CompiledScenario, a: Analysis): Record<string, boolean> {
  const ok = truthHolds(c, a);
  const out: Record<string, boolean> = {};
  for (const view of compileViews(c)) out[view.viewer] = credibleIn(view, c, a, ok);
  return out;
}

function credibleIn(view: CompiledView, c: CompiledScenario, a: Analysis, truthOk: boolean[]): boolean {
  if (!a.valid) return false;
  for (let i = 0; i < c.partyIds.length; i++) {
    if (!view.differs[i]) {
      if (!truthOk[i]) return false;
    } else if (!rowsInView(view, c, a.schedule, i, truthRowsOf(c, a, i)).every((r) => rowHolds(r.value)))
      return false;
  }
  return true;
}

export function analyzePerspectives(c: CompiledScenario, a: Analysis): PerspectiveAnalysis | undefined {
  if (!hasViews(c)) return undefined;
  const s = a.schedule;
  const views = compileViews(c);
  const truthOk = truthHolds(c, a);
  const truthRows = new Map<number, Row[]>();
  const truthOf = (i: number) => {
    let rows = truthRows.get(i);
    if (!rows) {
      rows = truthRowsOf(c, a, i);
      truthRows.set(i, rows);
    }
    return rows;
  };
  const viewRows = new Map<string, Row[]>();
  const credible: Record<string, boolean> = {};
  const surprises: PerspectiveFinding[] = [];
  const fears: PerspectiveFinding[] = [];
  const disputed = new Map<string, { i: number; n: number }>();
  for (const view of views) {
    let ok = a.valid;
    for (let i = 0; i < c.partyIds.length; i++) {
      if (!view.differs[i]) {
        ok &&= truthOk[i];
        continue;
      }
      const mine = rowsInView(view, c, s, i, truthOf(i));
      viewRows.set(`${view.viewer} ${i}`, mine);
      const truth = truthOf(i);
      mine.forEach((row, n) => {
        const inView = rowHolds(row.value);
        ok &&= inView;
        if (inView === rowHolds(truth[n].value)) return;
        const finding: PerspectiveFinding = {
          view: view.viewer,
          party: c.partyIds[i],
          phase: row.phase,
          kind: row.kind,
          text: explainGap(c, view, i, truth[n], row, inView),
        };
        (inView ? surprises : fears).push(finding);
        disputed.set(`${i} ${n}`, { i, n });
      });
    }
    credible[view.viewer] = ok;
  }
  const rows = [...disputed.values()]
    .sort((x, y) => x.i - y.i || x.n - y.n)
    .map(({ i, n }) => {
      const truth = truthOf(i)[n];
      const byView: Record<string, number> = {};
      for (const view of views)
        byView[view.viewer] = tidy((viewRows.get(`${view.viewer} ${i}`) ?? truthOf(i))[n].value);
      return { party: c.partyIds[i], kind: truth.kind, phase: truth.phase, truth: tidy(truth.value), byView };
    });
  const order = (f: PerspectiveFinding) => [
    c.partyIndex.get(f.view) ?? 0,
    f.phase ?? Number.MAX_SAFE_INTEGER,
    ["exposure", "margin", "reservation"].indexOf(f.kind),
    c.partyIndex.get(f.party) ?? 0,
  ];
  const byOrder = (x: PerspectiveFinding, y: PerspectiveFinding) => {
    const [a1, b1] = [order(x), order(y)];
    for (let n = 0; n < a1.length; n++) if (a1[n] !== b1[n]) return a1[n] - b1[n];
    return 0;
  };
  surprises.sort(byOrder);
  fears.sort(byOrder);
  return { report: { credible, surprises, fears }, rows };
}

/** Whether a plan is credible to every party (MODEL.md §9 'mutually credible'), given its analysis. */
export function mutuallyCredible(c: CompiledScenario, a: Analysis): boolean {
  return Object.values(credibility(c, a)).every(Boolean);
}

/** The analysis document with `perspectives` added when the scenario has views (analyze --json, the API). */
export function analysisDocument(
  c: CompiledScenario,
  a: Analysis,
  views = analyzePerspectives(c, a),
): AnalysisReport {
  return { ...toReport(a), ...robustnessReport(c, a), ...(views ? { perspectives: views.report } : {}) };
}

/**
 * The parties with a view to which the plan is credible, in party order; undefined when the
 * scenario has no views (so documents add the field only when it means something). Without an
 * analysis (no plan at all) the list is empty.
 */
export function credibleTo(c: CompiledScenario, a?: Analysis): string[] | undefined {
  if (!hasViews(c)) return undefined;
  if (!a) return [];
  return Object.entries(credibility(c, a))
    .filter(([, ok]) => ok)
    .map(([party]) => party);
}
