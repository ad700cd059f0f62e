/**
 * The risk settings a simulation uses: the scenario's `risk:` block with any overrides applied.
 * Overrides come from users (CLI flags, HTTP bodies), so they are checked here once, with messages
 * every edge can show as they are.
 */
import type { CompiledScenario } from "../analysis/index.ts";
import type { ResponsePolicy } from "../model/index.ts";
import { didYouMean } from "../model/index.ts";

export const RESPONSES: readonly ResponsePolicy[] = ["grim", "tit-for-tat", "generous"];

export interface SimulationOverrides {
  hazard?: number;
  response?: string;
  forgive?: number;
  /** Party id → decision noise σ; replaces the scenario's σ for the parties named. */
  noise?: Record<string, number>;
}

export interface RiskSettings {
  hazard: number;
  response: ResponsePolicy;
  forgive: number;
  /** [party] decision noise σ. */
  noise: Float64Array;
}

const isProbability = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

/** Every problem with a set of overrides, as messages naming the setting; empty when all is well. */
export function checkOverrides(c: CompiledScenario, overrides: SimulationOverrides = {}): string[] {
  const problems: string[] = [];
  const { hazard, response, forgive, noise } = overrides;
  if (hazard !== undefined && !isProbability(hazard)) {
    problems.push(`hazard: expected a probability in [0, 1], got ${hazard}`);
  }
  if (forgive !== undefined && !isProbability(forgive)) {
    problems.push(`forgive: expected a probability in [0, 1], got ${forgive}`);
  }
  if (response !== undefined && !RESPONSES.includes(response as ResponsePolicy)) {
    problems.push(
      `response: unknown response '${response}'${didYouMean(response, [...RESPONSES])} (responses: ${RESPONSES.join(", ")})`,
    );
  }
  for (const [party, sigma] of Object.entries(noise ?? {})) {
    if (!c.partyIndex.has(party)) {
      problems.push(`noise: unknown party '${party}'${didYouMean(party, c.partyIds)}`);
    } else if (!Number.isFinite(sigma) || sigma < 0) {
      problems.push(`noise: expected a standard deviation >= 0 for '${party}', got ${sigma}`);
    }
  }
  return problems;
}

/** The scenario's risk settings with the overrides applied (assumed checked). */
export function riskSettings(c: CompiledScenario, overrides: SimulationOverrides = {}): RiskSettings {
  const risk = c.scenario.risk;
  const noise = Float64Array.from(c.partyIds, (id) => overrides.noise?.[id] ?? risk.noise[id] ?? 0);
  return {
    hazard: overrides.hazard ?? risk.hazard,
    response: (overrides.response as ResponsePolicy | undefined) ?? risk.response,
    forgive: overrides.forgive ?? risk.forgive,
    noise,
  };
}
