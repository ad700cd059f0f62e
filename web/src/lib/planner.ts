/** The planner's report as the workbench reads it (the type comes from the planner's schema). */
import { Objective, type PlanReport } from "../../../src/planner/index.ts";

export type { PlanReport };

const LABELS: Record<string, string> = {
  phases: "Fewest phases, then largest slack (default)",
  slack: "Largest minimum slack",
  welfare: "Most welfare (sum of final values)",
  maxmin: "Max–min gain (the worst-off party)",
  nash: "Nash product of gains over reservation",
  safety: "Safest: largest safety factor θ*",
  progress: "Most progress (an interim deal may defer items)",
};

/** Every objective the planner's schema accepts, so a new one shows up here when it lands. */
export const objectives = (): string[] => [...Objective.options];

export const objectiveLabel = (id: string) => LABELS[id] ?? id;
