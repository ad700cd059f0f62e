/** The human face of the planner: the plan phase by phase, its figures, or what it would take. */

import type { AnalysisReport, Safety } from "../../analysis/index.ts";
import { type GoalItem, goalItemMoves, type Plan } from "../../model/index.ts";
import type { ComparisonReport, FrontierPoint, PlanReport } from "../../planner/index.ts";
import { formatAnalysis } from "./analysis.ts";
import { num, renderTable } from "./table.ts";

/** "phase 1: a, b 40%" lines, in phase order. */
export function formatPhases(plan: Plan): string[] {
  const byPhase = new Map<number, string[]>();
  const add = (phase: number, text: string) => byPhase.set(phase, [...(byPhase.get(phase) ?? []), text]);
  for (const [move, entry] of Object.entries(plan)) {
    if (typeof entry === "number") add(entry, move);
    else
      for (const [phase, share] of Object.entries(entry))
        add(Number(phase), `${move} ${Math.round(share * 1000) / 10}%`);
  }
  const last = Math.max(0, ...byPhase.keys());
  return Array.from({ length: last }, (_, n) => {
    const moves = byPhase.get(n + 1);
    return `  phase ${n + 1}: ${moves ? moves.join(", ") : "(nothing; waiting for verification)"}`;
  });
}

const STATUS_WORDS: Record<PlanReport["status"], string> = {
  optimal: "proven optimal",
  feasible: "best found before the time limit",
  infeasible: "proven: no plan exists",
  "time-limit": "time limit reached",
  "solver-error": "the solver failed",
};

export function formatPlanReport(
  report: PlanReport,
  scenario: string,
  horizon: number,
  unit?: string,
): string {
  const out: string[] = [];
  const mode = `objective ${report.objective}${report.robust ? ", robust" : ""}${report.credible ? ", credible to every party" : ""}`;
  if (report.feasible) {
    const gap = report.gap === undefined ? "" : `, gap ${num(report.gap * 100, 2)}%`;
    out.push(
      `${scenario} — optimal plan (${mode}): ${report.phases} phase${report.phases === 1 ? "" : "s"}, ` +
        `minimum slack ${num(report.minSlack ?? undefined)} [${STATUS_WORDS[report.status]}${gap}]`,
      ...formatPhases(report.plan),
    );
  } else {
    const headline =
      report.status !== "infeasible"
        ? "no plan found, and no proof that none exists"
        : report.beliefs
          ? `no plan within ${horizon} phases is both feasible and credible to every party`
          : `no feasible plan within ${horizon} phases`;
    out.push(`${scenario} — ${headline} (${mode}) [${STATUS_WORDS[report.status]}]`);
    if (report.relaxation && report.analysis && report.relaxed) {
      out.push("", ...formatWhatItWouldTake(report, scenario, unit));
    } else {
      if (report.binding?.length) out.push("", "Why:", ...report.binding.map((line) => `  - ${line}`));
      if (report.beliefs) out.push("", "The best plan feasible in truth:", ...formatPhases(report.plan));
      if (report.analysis) out.push("", formatAnalysis(report.analysis, `${scenario} — the plan above`));
    }
  }
  if (report.feasible && report.safety !== undefined) out.push("", safetyLine(report.safety));
  if (report.frontier) out.push("", ...formatFrontier(report.frontier));
  if (report.objective === "progress") out.push(...formatProgress(report));
  if (report.feasible && report.analysis) {
    const interim = report.objective === "progress" && (report.deferred?.length ?? 0) > 0;
    out.push(
      "",
      interim
        ? formatAnalysis(
            asInterim(report.analysis),
            `${scenario} — the plan above, as an interim plan (goal items deferred)`,
          )
        : formatAnalysis(report.analysis, `${scenario} — the plan above`),
    );
  }
  for (const note of report.notes) out.push(`Note: ${note}`);
  const s = report.stats;
  out.push(
    `Solver: ${s.solver ?? (s.solves === 0 ? "none needed" : "unknown")}, ${s.solves} MILP${s.solves === 1 ? "" : "s"}, last ${s.variables} variables × ${s.constraints} constraints, ${num(s.seconds, 2)} s`,
  );
  return out.join("\n");
}

/**
 * The infeasible case: the least relaxation (only parties that need one), the plan that would then
 * work with its figures as relaxed (it reads feasible), then what fails without the relaxation.
 */
function formatWhatItWouldTake(report: PlanReport, scenario: string, unit: string | undefined): string[] {
  const relaxation = report.relaxation ?? {};
  const cell = (x: number) => (x > 0 ? small(x) : "-");
  const rows = Object.entries(relaxation).map(([party, r]) => [party, cell(r.tolerance), cell(r.inducement)]);
  const inUnit = unit ? `per-phase value, in ${unit}` : "per-phase value, in each party's own unit";
  const out = [`What it would take (the least total extra tolerance σ and inducement μ; ${inUnit}):`];
  if (rows.length === 0) out.push("  nothing: the plan below needs no extra tolerance or inducement");
  else out.push(renderTable(["party", "extra tolerance σ", "inducement μ per phase"], rows));
  out.push(
    "  σ raises the party's tolerance; μ is paid every phase while the party keeps to the plan and stops",
    "  the moment it defects, so it adds μ to each of its incentive margins in full.",
    "",
    "The plan that would then work:",
    ...formatPhases(report.plan),
    "",
    formatAnalysis(report.relaxed!, `${scenario} — that plan with the relaxation applied`),
  );
  // binding: one sentence per positive σ or μ first, then what fails without the relaxation
  const needs = Object.values(relaxation).reduce(
    (n, r) => n + (r.tolerance > 0 ? 1 : 0) + (r.inducement > 0 ? 1 : 0),
    0,
  );
  const failures = (report.binding ?? []).slice(needs);
  if (failures.length > 0) {
    out.push("", "Without the relaxation, that plan fails:", ...failures.map((line) => `  - ${line}`));
  }
  return out;
}

/** θ* in a table cell: "-" for an infeasible plan, "inf" when unbounded, "≥" when capped. */
function thetaCell(safety: Safety | null): string {
  if (!safety) return "-";
  if (safety.unbounded || safety.theta === null) return "inf";
  return `${safety.capped ? "≥" : ""}${num(safety.theta)}`;
}

/** θ* in words (MODEL.md §7), or why there is none. */
function safetyLine(safety: Safety | null): string {
  if (!safety) return "Safety factor: none (the plan is not feasible at nominal values).";
  if (safety.unbounded) return "Safety factor: unbounded (no row of the plan moves with an uncertain value).";
  const theta = num(safety.theta ?? 0);
  const head = safety.capped
    ? `Safety factor θ* at least ${theta}: survives estimation errors up to ${theta}× the stated uncertainty before any value would change sign`
    : `Safety factor θ* = ${theta}: survives estimation errors up to ${theta}× the stated uncertainty`;
  return safety.breaksFirst ? `${head}; ${safety.breaksFirst.text}.` : `${head}.`;
}

/** The frontier as a table and a bar chart: how much safety each extra phase buys. */
function formatFrontier(points: FrontierPoint[]): string[] {
  if (points.length === 0) return ["Frontier: no feasible plan within the horizon."];
  const widest = Math.max(...points.map((p) => p.theta), 1e-9);
  const bar = (theta: number) => "█".repeat(Math.max(theta > 0 ? 1 : 0, Math.round((theta / widest) * 40)));
  const rows = points.map((p) => [
    `≤ ${p.phases}`,
    `${p.safety?.capped ? "≥ " : ""}${num(p.theta)}${p.proven ? "" : " (time limit)"}`,
    formatPhases(p.plan)
      .map((line) => line.trim().replace(/^phase (\d+): /, "$1: "))
      .join(" | "),
  ]);
  return [
    "Frontier: the largest safety factor θ* for each number of phases (capped at 100):",
    renderTable(["phases", "θ*", "plan (phase: moves)"], rows, 3),
    "",
    ...points.map((p) => `  ${String(p.phases).padStart(3)} phases  ${bar(p.theta)} ${num(p.theta)}`),
  ];
}

/** An interim plan is judged without the goal (MODEL.md §8): its deferred items are listed apart. */
function asInterim(analysis: AnalysisReport): AnalysisReport {
  const violations = analysis.violations.filter((v) => v.kind !== "goal");
  const feasible = violations.length === 0;
  const worstHolds = analysis.rows.every((row) => !row.worstOver);
  return { ...analysis, violations, feasible, valid: true, robustlyFeasible: feasible && worstHolds };
}

/** Progress of an interim plan and the goal items it leaves for later, each with why (MODEL.md §8). */
function formatProgress(report: PlanReport): string[] {
  if (report.progress === undefined) return [];
  const out = ["", `Progress: ${num(report.progress * 100, 1)}% of the goal's weight.`];
  const deferred = report.deferred ?? [];
  if (deferred.length === 0) return [...out, "Nothing deferred: the whole goal is done."];
  out.push("Deferred goal items, and why:");
  for (const { item, reason } of deferred) out.push(`  - ${goalItemLabel(item)}: ${reason}`);
  return out;
}

function goalItemLabel(item: GoalItem): string {
  const weight = typeof item === "string" || item.weight === 1 ? "" : ` (weight ${item.weight})`;
  const moves = goalItemMoves(item);
  return (moves.length === 1 ? moves[0] : `any of ${moves.join(", ")}`) + weight;
}

/** Two decimals, or two significant digits for a small positive figure (never a bare 0.00). */
function small(x: number): string {
  return Math.abs(x) >= 0.01 ? num(x) : x.toPrecision(2);
}

export function formatComparison(report: ComparisonReport, parties: string[]): string {
  const header = [
    "plan",
    "feasible",
    "phases",
    "min slack",
    "θ*",
    "progress",
    ...parties.map((p) => `max E ${p}`),
    ...parties.map((p) => `final ${p}`),
  ];
  const views = report.rows.some((r) => r.credibleTo !== undefined);
  if (views) header.push("credible to");
  const rows = report.rows.map((r) => [
    r.name,
    r.feasible ? "yes" : "NO",
    r.phases === null ? "-" : String(r.phases),
    r.minSlack === null ? "-" : num(r.minSlack),
    thetaCell(r.safety),
    r.progress === null ? "-" : `${num(r.progress * 100, 0)}%`,
    ...parties.map((p) => (r.worstExposure[p] === undefined ? "-" : num(r.worstExposure[p]))),
    ...parties.map((p) => (r.final[p] === undefined ? "-" : num(r.final[p]))),
    ...(views ? [r.credibleTo?.length ? r.credibleTo.join(", ") : "none"] : []),
  ]);
  const out = [`${report.scenario} — plans side by side`, "", renderTable(header, rows, 2)];
  const why = report.rows.filter((r) => r.firstViolation);
  if (why.length > 0) {
    out.push("", "First violation, in words:");
    for (const r of why) out.push(`  ${r.name}: ${r.firstViolation}`);
  }
  return out.join("\n");
}
