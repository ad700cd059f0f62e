/**
 * A re-plan's best continuation as a whole plan on the charter's calendar: the plan an amendment
 * proposes (docs/ledger.md, amendments), since an amended plan covers every phase from 1, not
 * only those after the current one. Up to the current phase it is what the ledger says was done,
 * in the phase it was done; after it, the continuation's steps.
 */
import type { CompiledScenario, History } from "../analysis/index.ts";
import type { Plan } from "../model/index.ts";
import type { ContinuationStep } from "../planner/index.ts";

/** Shares are written to 9 decimals, as the re-plan report writes them. */
const round = (x: number) => Math.round(x * 1e9) / 1e9;
const TINY = 1e-9;

export interface ContinuationPlan {
  phases: Plan;
  /** Moves left out, each with why, in words. */
  left: string[];
}

export function continuationPlan(
  c: CompiledScenario,
  history: History,
  steps: readonly ContinuationStep[],
): ContinuationPlan {
  const k0 = history.phases;
  const phases: Plan = {};
  const left: string[] = [];
  c.moveIds.forEach((move, m) => {
    const shares = new Map<number, number>();
    // What was done and kept: a share done and later reversed is counted from the phase after
    // which it stayed done (the running minimum from k0 back), so the shares never go negative.
    let kept = history.x[k0][m];
    const keptBy: number[] = [];
    for (let t = k0; t >= 1; t--) {
      kept = Math.min(kept, history.x[t][m]);
      keptBy[t] = kept;
    }
    for (let t = 1; t <= k0; t++) {
      const share = round(keptBy[t] - (keptBy[t - 1] ?? 0));
      if (share > TINY) shares.set(t, share);
    }
    for (const step of steps) {
      if (step.move === move && step.share > TINY)
        shares.set(step.phase, (shares.get(step.phase) ?? 0) + step.share);
    }
    if (shares.size === 0) return;
    const total = [...shares.values()].reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-6) {
      // A plan gives a move whole: a share done that the continuation does not finish has no plan.
      left.push(
        `${move}: ${round(total * 100)}% done in the end, not all of it, so the plan leaves it out (its events stay in the ledger)`,
      );
      return;
    }
    const ordered = [...shares.entries()].sort(([a], [b]) => a - b);
    if (ordered.length === 1) {
      phases[move] = ordered[0][0];
      return;
    }
    // The last share takes what rounding left, so they sum to exactly 1 as a plan file's must.
    const entry: Record<string, number> = {};
    let sum = 0;
    ordered.forEach(([phase, share], i) => {
      const value = i === ordered.length - 1 ? round(1 - sum) : round(share);
      entry[String(phase)] = value;
      sum += value;
    });
    phases[move] = entry;
  });
  return { phases, left };
}
