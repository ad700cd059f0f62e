/**
 * A one-line progress report for long planner searches, on a terminal only (silent in pipes and
 * with --json, so output stays machine-readable). HiGHS solves on this thread, so the line moves
 * between solves rather than ticking during one.
 */
import type { PlanProgress } from "../../planner/index.ts";
import { terminalStderr } from "../io.ts";

export function plannerProgress(json: boolean | undefined): {
  onProgress?: (step: PlanProgress) => void;
  done: () => void;
} {
  const stream = terminalStderr();
  if (json || !stream) return { done: () => {} };
  const started = performance.now();
  let shown = false;
  return {
    onProgress(step) {
      const what = step.relaxation
        ? "what it would take"
        : `a plan in ${step.phases} phase${step.phases === 1 ? "" : "s"}`;
      const elapsed = ((performance.now() - started) / 1000).toFixed(1);
      stream.write(`\rplanning: looking for ${what} (MILP ${step.solves + 1}, ${elapsed} s)…\u001b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\u001b[K");
    },
  };
}
