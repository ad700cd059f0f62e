/**
 * "What it would take" (MODEL.md §5), read off the chosen plan's own analysis.
 *
 * The relaxation MILP picks the plan; the figures it reports are recomputed from that plan's
 * analysis: σ_i = max(0, max_k E_i(k) − τ_i) and μ_i = max(0, −min_k M_i(k)). The solver's own
 * σ and μ columns can drift by its feasibility tolerance (a "0.00 inducement" for a party whose
 * margins are all positive, a tolerance of 0.2500001), so they are never shown.
 *
 * An inducement μ is a payment of μ per phase to the party, made every phase while it keeps to
 * the deal (after the last phase too) and stopped the moment it defects. It raises the comply
 * value by μ and leaves the defect value as it was, so it adds μ to every margin of the party in
 * full. (A payment that stopped only when the defection is detected would add just δ^(L+1)·μ.)
 */

import type { AnalysisReport, CompiledScenario, PartyReport } from "../analysis/index.ts";
import { EPSILON, rowHolds } from "../analysis/index.ts";
import { fmt } from "./fmt.ts";
import type { Relaxation } from "./report.ts";

/** Figures of the plan that the relaxation is about: the worst case in robust mode. */
function figures(party: PartyReport, robust: boolean): { exposure: number[]; margin: number[] } {
  const source = robust ? party.worst : party;
  return { exposure: source.exposure, margin: Object.values(source.margin) };
}

const tidy = (x: number) => Math.round(x * 1e9) / 1e9;

/** σ and μ per party from the plan's analysis; only parties with a positive σ or μ appear. */
export function relaxationOf(analysis: AnalysisReport, robust: boolean): Relaxation {
  const out: Relaxation = {};
  for (const [id, party] of Object.entries(analysis.parties)) {
    const { exposure, margin } = figures(party, robust);
    const sigma = Math.max(0, Math.max(0, ...exposure) - party.tolerance);
    const mu = Math.max(0, -Math.min(0, ...margin));
    const tolerance = sigma > EPSILON ? tidy(sigma) : 0;
    const inducement = mu > EPSILON ? tidy(mu) : 0;
    if (tolerance > 0 || inducement > 0) out[id] = { tolerance, inducement };
  }
  return out;
}

/**
 * The same plan's analysis with the relaxation applied: each party's tolerance raised by σ_i and
 * μ_i added to each of its margins (nominal and worst case), in the figures and in the constraint
 * rows alike; the minimum slack is re-read from the shifted rows (MODEL.md v2 §5). The violations
 * it removes are the exposure and margin violations of parties it covers; any other stays (a plan
 * the relaxation MILP chose has none: it is valid and individually rational).
 */
export function applyRelaxation(analysis: AnalysisReport, relaxation: Relaxation): AnalysisReport {
  const none = { tolerance: 0, inducement: 0 };
  const parties: Record<string, PartyReport> = {};
  for (const [id, party] of Object.entries(analysis.parties)) {
    const r = relaxation[id] ?? none;
    const shift = (margin: Record<string, number>) =>
      Object.fromEntries(Object.entries(margin).map(([k, m]) => [k, tidy(m + r.inducement)]));
    parties[id] = {
      ...party,
      tolerance: tidy(party.tolerance + r.tolerance),
      margin: shift(party.margin),
      worst: { ...party.worst, margin: shift(party.worst.margin) },
    };
  }
  const rows = analysis.rows.map((row) => {
    const r = relaxation[row.party] ?? none;
    const by = row.kind === "exposure" ? r.tolerance : row.kind === "margin" ? r.inducement : 0;
    const slack = tidy(row.slack + by);
    const worstSlack = tidy(row.worstSlack + by);
    return { ...row, slack, worstSlack, over: !rowHolds(slack), worstOver: !rowHolds(worstSlack) };
  });
  const violations = analysis.violations.filter((v) => {
    if (v.kind !== "exposure" && v.kind !== "margin") return true;
    const r = v.party === undefined ? undefined : relaxation[v.party];
    if (!r) return true;
    // the relaxation was read off these very figures, so it covers every one of them
    return v.kind === "exposure" ? !(r.tolerance > 0) : !(r.inducement > 0);
  });
  const feasible = violations.length === 0;
  return {
    ...analysis,
    parties,
    rows,
    violations,
    feasible,
    robustlyFeasible: feasible && rows.every((row) => !row.worstOver),
    minSlack: leastSlack(rows),
  };
}

/** The least slack over the rows that depend on a value, as the analysis reads it (v2 §5). */
function leastSlack(rows: AnalysisReport["rows"]): number {
  const dependent = rows.filter((row) => row.dependsOnValues).map((row) => row.slack);
  const any = rows.map((row) => row.slack);
  const pick = dependent.length > 0 ? dependent : any;
  return pick.length > 0 ? Math.min(...pick) : 0;
}

/**
 * "What it would take" in words, for the planner (find.ts) and the re-plan (continue.ts) alike:
 * per party, one sentence for extra tolerance (its limit before and after) and one for an
 * inducement per phase, each only when its amount is above zero.
 */
export function relaxationSentences(c: CompiledScenario, relax: Relaxation): string[] {
  const sentences: string[] = [];
  for (const [id, r] of Object.entries(relax)) {
    const i = c.partyIndex.get(id)!;
    const name = c.scenario.parties[i].name ?? id;
    if (r.tolerance > 0) {
      const before = c.tolerance[i];
      sentences.push(
        `${name} would need ${fmt(r.tolerance)} more tolerance (${fmt(before)} → ${fmt(before + r.tolerance)}).`,
      );
    }
    if (r.inducement > 0) {
      sentences.push(
        `${name} would need an inducement of ${fmt(r.inducement)} per phase, paid while it keeps to the plan and stopped when it defects.`,
      );
    }
  }
  return sentences;
}
