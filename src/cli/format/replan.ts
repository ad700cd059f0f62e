/** A re-plan (MODEL.md §10) as text: does the rest of the plan hold, and the best continuation. */
import type { ReplanReport } from "../../ledger/index.ts";
import type { ContinuationStep } from "../../planner/index.ts";

function steps(list: ContinuationStep[]): string[] {
  const byPhase = new Map<number, string[]>();
  for (const s of list) {
    const what = s.share >= 1 - 1e-9 ? s.move : `${s.move} ${Math.round(s.share * 1000) / 10}%`;
    byPhase.set(s.phase, [...(byPhase.get(s.phase) ?? []), what]);
  }
  return [...byPhase.entries()].map(([phase, moves]) => `    phase ${phase}: ${moves.join(", ")}`);
}

export function renderReplan(r: ReplanReport): string {
  const lines = [`Re-plan from the actual state after phase ${r.phase} (horizon ${r.horizon}):`];
  if (r.rest.holds) {
    lines.push(`  The rest of plan '${r.plan}' still holds (least slack ${r.rest.minSlack}).`);
  } else {
    lines.push(`  The rest of plan '${r.plan}' no longer holds:`);
    for (const b of r.rest.breaks.slice(0, 5)) lines.push(`   !! ${b.message}`);
    if (r.rest.breaks.length > 5) lines.push(`   (and ${r.rest.breaks.length - 5} more)`);
  }
  if (r.rest.steps.length > 0) lines.push("  Its remaining steps:", ...steps(r.rest.steps));
  const c = r.continuation;
  if (c.feasible) {
    lines.push(
      `  Best continuation (objective ${c.objective}, ${c.status}): done by phase ${c.phases}, least slack ${c.minSlack}.`,
    );
    lines.push(...(c.steps.length > 0 ? steps(c.steps) : ["    nothing left to do"]));
  } else if (c.relaxation && Object.keys(c.relaxation).length > 0) {
    lines.push("  No continuation is feasible. What it would take:");
    for (const b of c.binding ?? []) lines.push(`    ${b}`);
    if (c.steps.length > 0) lines.push("  with these steps:", ...steps(c.steps));
  } else {
    lines.push(`  No continuation is feasible (${c.status}).`);
    for (const b of c.binding ?? []) lines.push(`    ${b}`);
  }
  for (const note of c.notes) lines.push(`  note: ${note}`);
  return `${lines.join("\n")}\n`;
}
