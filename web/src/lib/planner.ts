/** The planner's report as the workbench reads it (the type comes from the planner's schema). */
import { Objective, type PlanReport } from "../../../src/planner/index.ts";

export type { PlanReport };

const LABELS: Record<string, string> = {
  phases: "Fewest phases (then largest slack; the default)",
  slack: "Largest minimum slack",
  welfare: "Most welfare (sum of final values)",
  maxmin: "Max–min gain (the worst-off party)",
  nash: "Nash product of gains over reservation",
  safety: "Safest (largest safety factor θ*, with the frontier)",
  progress: "Most progress (an interim deal that may defer goal items)",
};

/** Every objective the planner's schema accepts, so a new one shows up here when it lands. */
export const objectives = (): string[] => [...Objective.options];

export const objectiveLabel = (id: string) => LABELS[id] ?? id;

/** The three questions analysts ask first, offered up front; the rest sit behind "other". */
export const PRIMARY_OBJECTIVES = ["phases", "safety", "progress"] as const;

export const otherObjectives = (): string[] =>
  objectives().filter((o) => !(PRIMARY_OBJECTIVES as readonly string[]).includes(o));

/** What the planner is asked for: the safety objective also charts the frontier (MODEL.md §7). */
export const plannerOptions = (objective: string, robust: boolean) =>
  objective === "safety" ? { objective, frontier: true } : { objective, robust };

/**
 * The search ran to its end: proven (optimal or infeasible), with every frontier point proven. A
 * search its time limit cut short ("feasible", "time-limit", an unproven point) depends on how busy
 * the machine was, so it is not kept for later visits (plan-cache.ts).
 */
export const searchComplete = (report: PlanReport): boolean =>
  (report.status === "optimal" || report.status === "infeasible") &&
  (report.frontier ?? []).every((point) => point.proven);
