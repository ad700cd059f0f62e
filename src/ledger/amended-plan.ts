/**
 * The plan of an amendment, read from text (a YAML or JSON mapping, as under `plans:` in a
 * scenario file) and checked as the server checks it (docs/ledger.md, amendments): known moves,
 * fractions summing to 1, a single phase for an indivisible move, phases up to the limit rather
 * than the scenario's horizon (a late agreement's continuation runs past it). `lockstep amend
 * --plan FILE` and the agreement page's proposal form both read plans here, so a mistake reads the
 * same in either: `FILE:LINE:COLUMN: path: what`.
 */
import { checkPlan, formatIssue, isMapping, LIMITS, Plan, readYaml, type Scenario } from "../model/index.ts";

export type AmendedPlanText = { ok: true; phases: Plan } | { ok: false; message: string };

/** A plan's problems against the agreement's scenario, with the phase limit as its horizon. */
export function amendedPlanProblems(scenario: Scenario, phases: Plan, at: (string | number)[] = []) {
  return checkPlan({ ...scenario, horizon: LIMITS.phases }, phases, at);
}

export function parseAmendedPlan(text: string, scenario: Scenario, file: string): AmendedPlanText {
  const yaml = readYaml(text);
  if (!yaml.ok)
    return { ok: false, message: yaml.issues.map((issue) => formatIssue(file, issue)).join("\n") };
  if (!isMapping(yaml.raw)) {
    return {
      ok: false,
      message: `${file}:1:1: expected a plan: a mapping of move ids to a phase or { phase: fraction }`,
    };
  }
  const parsed = Plan.safeParse(yaml.raw);
  const issues = parsed.success
    ? amendedPlanProblems(scenario, parsed.data).map((p) => ({ at: p.at, message: p.message }))
    : parsed.error.issues.map((issue) => ({
        at: issue.path.filter((k): k is string | number => typeof k !== "symbol"),
        message: issue.message,
      }));
  if (issues.length > 0) {
    const lines = issues.map(({ at, message }) => {
      const { line, column } = yaml.locator.locate(at, true);
      return formatIssue(file, { path: at.join("."), line, column, code: "invalid-plan", message });
    });
    return { ok: false, message: lines.join("\n") };
  }
  return { ok: true, phases: parsed.data! };
}
