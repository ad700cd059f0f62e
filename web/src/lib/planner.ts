/** The planner's report as the workbench reads it (the type comes from the planner's schema). */
import type { PlanReport } from "../../../src/planner/report.ts";

export type { PlanReport };

export const OBJECTIVES: { id: string; label: string }[] = [
  { id: "phases", label: "Fewest phases, then largest slack (default)" },
  { id: "slack", label: "Largest minimum slack" },
  { id: "welfare", label: "Most welfare (sum of final values)" },
  { id: "maxmin", label: "Max–min gain (the worst-off party)" },
  { id: "nash", label: "Nash product of gains over reservation" },
];
