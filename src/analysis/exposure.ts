/**
 * The exposure rule of MODEL.md §2–3, written once. Party i's exposure after phase k is what it
 * would be left short of the status quo if the deal collapsed then, counting only what it has
 * credited:
 *
 *   E_i(k) = max(0, −u_i(κ ⊙ x̂ⁱ_k)),   exposure-safe when E_i(k) ≤ τ_i.
 *
 * Three pieces make the rule, and every face takes them from here: the analysis's exposure rows
 * (figures.ts), the planner's MILP rows (planner/formulation.ts), the simulator's runs
 * (simulate/prepare.ts, engine.ts) and the ledger's live status (ledger/status.ts).
 *
 * - Collapse: an actor takes back the reversible part of a move that costs it, so a share
 *   κ_m = 1 − r_m of it survives; any other move survives whole (`survivingShare`).
 * - Credit: party i counts another party's move that benefits it only once the move is verified;
 *   its own moves and harm count at once (`creditedOnVerification`). On a planned trajectory
 *   verification takes lag_m phases (`creditLag`, `creditedPhase`); on a ledger it is what the
 *   verifiers have actually verified.
 * - The limit: E ≤ τ is the exposure row g = τ + u_i(κ ⊙ x̂ⁱ_k) ≥ 0 (MODEL.md v2 §5), judged by
 *   the one limit test every face uses (rows.ts `rowHolds`); `exposureRow` and `exposureOf` turn
 *   the credited collapse value u into the row and into E.
 *
 * The sign test of κ and credit reads the nominal value, so both are fixed properties of the
 * scenario and every figure stays linear in the values (the worst case is exact, the MILP linear).
 */
import type { CompiledScenario } from "./compile.ts";

/** What the rule reads once a scenario is compiled: κ per move and each party's credit lag. */
export type ExposureRule = Pick<CompiledScenario, "kappa" | "creditLag">;

/**
 * κ_m: the share of move m that survives a collapse, from its actor's (nominal) value for it and
 * its reversible share r_m.
 */
export function survivingShare(actorValue: number, reversible: number): number {
  return actorValue < 0 ? 1 - reversible : 1;
}

/**
 * Whether `party` credits a move by `actor` only once it is verified: another party's move that
 * benefits it (nominal value > 0). Its own moves and harm are credited at once.
 */
export function creditedOnVerification(actor: number, party: number, value: number): boolean {
  return actor !== party && value > 0;
}

/** The phases between doing a move and `party` crediting it on a planned trajectory. */
export function creditLag(actor: number, party: number, value: number, verifyLag: number): number {
  return creditedOnVerification(actor, party, value) ? verifyLag : 0;
}

/**
 * The phase whose state x(m) `party` has credited after phase k: x̂ⁱ_k(m) = x_{k − lag}(m)
 * (phases ≤ 0 mean nothing done).
 */
export function creditedPhase(rule: ExposureRule, party: number, m: number, k: number): number {
  return k - rule.creditLag[party][m];
}

/**
 * The coefficient of value_i(m) in u_i(κ ⊙ x̂ⁱ): κ_m times the share of m that i has credited.
 * Summed over the moves (times i's values) it is the credited collapse value u.
 */
export function exposureCoefficient(rule: ExposureRule, m: number, creditedShare: number): number {
  return rule.kappa[m] * creditedShare;
}

/** The exposure row g = τ + u (not clamped: a party that is ahead shows by how much). */
export function exposureRow(tolerance: number, collapseValue: number): number {
  return tolerance + collapseValue;
}

/** E = max(0, −u): how far short of the status quo a collapse would leave the party. */
export function exposureOf(collapseValue: number): number {
  return Math.max(0, -collapseValue);
}
