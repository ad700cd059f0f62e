/**
 * The latest simulation of each plan, kept for the session, so the Compare tab and the briefing
 * can show what the Simulate tab found (with the settings it used).
 */
import type { SimulationReport } from "../../../src/simulate/index.ts";

export interface RiskSetup {
  hazard: number;
  response: string;
  forgive: number;
  noise: Record<string, number>;
}

export interface SimulationSummary {
  plan: string;
  runs: number;
  seed: number;
  p: number;
  low: number;
  high: number;
  risk: RiskSetup;
}

const key = (id: string) => `lockstep:simulations:${id}`;

export function readSimulations(id: string): Record<string, SimulationSummary> {
  try {
    return JSON.parse(sessionStorage.getItem(key(id)) ?? "{}") as Record<string, SimulationSummary>;
  } catch {
    return {};
  }
}

export function recordSimulation(id: string, report: SimulationReport, plan: string, risk: RiskSetup) {
  const all = readSimulations(id);
  all[plan] = {
    plan,
    runs: report.runs,
    seed: report.seed,
    p: report.completion.p,
    low: report.completion.low,
    high: report.completion.high,
    risk,
  };
  sessionStorage.setItem(key(id), JSON.stringify(all));
  return all;
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "P(complete) 62.0% (58.1–65.7%), 2000 runs, hazard 0.02, grim" */
export function describeSimulation(s: SimulationSummary): string {
  const settings = [
    `hazard ${s.risk.hazard}`,
    s.risk.response,
    ...(s.risk.response === "generous" ? [`forgiving ${s.risk.forgive}`] : []),
  ];
  return `P(complete) ${pct(s.p)} (95% interval ${pct(s.low)}–${pct(s.high)}), ${s.runs} runs, seed ${s.seed}, ${settings.join(", ")}`;
}
