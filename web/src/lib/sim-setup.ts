/**
 * The Simulate tab's setup in the page's address, so a reload, the back button or a shared link
 * opens the form as it was left: `runs`, `seed`, `hazard`, `response`, `forgive` and one
 * `noise.PARTY` per party. A setting equal to its default (2,000 runs, seed 1, the scenario's own
 * risk settings) is left out, so addresses stay short; a value that is not one the form accepts
 * is ignored and the default used.
 */
import type { RiskSetup } from "./sim-results.ts";

export interface SimulationSetup {
  runs: number;
  seed: number;
  risk: RiskSetup;
}

export const DEFAULT_RUNS = 2000;
export const DEFAULT_SEED = 1;
export const RESPONSES = ["grim", "tit-for-tat", "generous"] as const;
const MAX_RUNS = 1_000_000;
const MAX_SEED = 0xffff_ffff;

const noiseKey = (party: string) => `noise.${party}`;

/** A number the address gives for `key` if `ok` accepts it, else undefined. */
function numberParam(params: URLSearchParams, key: string, ok: (x: number) => boolean): number | undefined {
  const text = params.get(key);
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && ok(value) ? value : undefined;
}

const probability = (x: number) => x >= 0 && x <= 1;
const wholeIn = (low: number, high: number) => (x: number) => Number.isInteger(x) && x >= low && x <= high;

/** The setup the address names, over the defaults (`risk`: the scenario's own settings). */
export function readSimulationSetup(params: URLSearchParams, risk: RiskSetup): SimulationSetup {
  const response = params.get("response");
  return {
    runs: numberParam(params, "runs", wholeIn(1, MAX_RUNS)) ?? DEFAULT_RUNS,
    seed: numberParam(params, "seed", wholeIn(0, MAX_SEED)) ?? DEFAULT_SEED,
    risk: {
      hazard: numberParam(params, "hazard", probability) ?? risk.hazard,
      response:
        response !== null && (RESPONSES as readonly string[]).includes(response) ? response : risk.response,
      forgive: numberParam(params, "forgive", probability) ?? risk.forgive,
      noise: Object.fromEntries(
        Object.entries(risk.noise).map(([party, sigma]) => [
          party,
          numberParam(params, noiseKey(party), (x) => x >= 0) ?? sigma,
        ]),
      ),
    },
  };
}

/**
 * The address parameters for a setup: each setting that differs from its default, and undefined
 * (removed from the address) for each that does not.
 */
export function simulationSetupParams(
  setup: SimulationSetup,
  risk: RiskSetup,
): Record<string, string | undefined> {
  const differs = (value: number | string, fallback: number | string) =>
    value === fallback ? undefined : String(value);
  const params: Record<string, string | undefined> = {
    runs: differs(setup.runs, DEFAULT_RUNS),
    seed: differs(setup.seed, DEFAULT_SEED),
    hazard: differs(setup.risk.hazard, risk.hazard),
    response: differs(setup.risk.response, risk.response),
    forgive: differs(setup.risk.forgive, risk.forgive),
  };
  for (const [party, sigma] of Object.entries(risk.noise))
    params[noiseKey(party)] = differs(setup.risk.noise[party] ?? sigma, sigma);
  return params;
}
