/** The list of plans to choose from, by label: the workspace's views and the adoption wizard. */
import type { ComponentChildren } from "preact";
import type { PlanChoice } from "../lib/analysis.ts";

export function PlanSelect({
  labelClass,
  children,
  testId,
  choices,
  chosen,
  onPlan,
}: {
  labelClass: string;
  /** The label's text, before the list. */
  children: ComponentChildren;
  testId: string;
  choices: PlanChoice[];
  chosen: PlanChoice;
  onPlan(name: string): void;
}) {
  return (
    <label class={labelClass}>
      {children}
      <select data-testid={testId} value={chosen.name} onChange={(e) => onPlan(e.currentTarget.value)}>
        {choices.map((c) => (
          <option key={c.name} value={c.name}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
