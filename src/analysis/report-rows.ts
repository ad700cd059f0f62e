/**
 * Reading the analysis document's own judgement of each figure. Whether a figure is over its limit
 * is decided once, when the rows are built (`over`/`worstOver`, by `rowHolds` in rows.ts); faces
 * (CLI tables, charts, the briefing) look the row up here instead of comparing against 1e-9 again.
 */
import type { ConstraintRowReport, RowKind } from "./report.ts";

export type RowLookup = (
  kind: RowKind,
  party: string,
  phase: number | null,
) => ConstraintRowReport | undefined;

/**
 * The report's rows by kind, party and phase. Exposure rows exist for phases 1..T (E(0) = 0 has
 * none), margin rows where the party can defect, and one reservation row per party (phase null).
 */
export function rowIndex(rows: readonly ConstraintRowReport[]): RowLookup {
  const byKey = new Map<string, ConstraintRowReport>();
  for (const row of rows) byKey.set(`${row.kind}/${row.party}/${row.phase}`, row);
  return (kind, party, phase) => byKey.get(`${kind}/${party}/${phase}`);
}

/** Parties with a row of this kind over its limit: at nominal values, or at the worst case. */
export function partiesOver(
  rows: readonly ConstraintRowReport[],
  kind: RowKind,
  at: "nominal" | "worst" = "nominal",
): Set<string> {
  return new Set(
    rows.filter((r) => r.kind === kind && (at === "worst" ? r.worstOver : r.over)).map((r) => r.party),
  );
}
