/**
 * Each party's view (MODEL.md §9): the truth with that party's overrides applied, compiled like
 * any scenario, and which parties' rows can differ from the truth's under it.
 */
import type { Scenario } from "../model/index.ts";
import { type CompiledScenario, compileScenario } from "./compile.ts";

export interface CompiledView {
  /** The believing party. */
  viewer: string;
  compiled: CompiledScenario;
  /** [party]: whether any figure of its rows differs from the truth (values, δ, τ, ρ, κ, credit). */
  differs: boolean[];
  /** Whether κ is the truth's (no sign of an actor's value flips in this view). */
  sameKappa: boolean;
}

/** The scenario as `viewer` sees it: the truth with the viewer's overrides applied. */
export function viewScenario(scenario: Scenario, viewer: string): Scenario {
  const view = scenario.views?.[viewer];
  if (!view) return scenario;
  return {
    ...scenario,
    parties: scenario.parties.map((p) => {
      const belief = view.parties[p.id];
      if (!belief) return p;
      return {
        ...p,
        discount: belief.discount ?? p.discount,
        tolerance: belief.tolerance ?? p.tolerance,
        reservation: belief.reservation ?? p.reservation,
      };
    }),
    moves: scenario.moves.map((m) => {
      const values = view.values[m.id];
      return values ? { ...m, value: { ...m.value, ...values } } : m;
    }),
  };
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return false;
  return true;
}

const cache = new WeakMap<CompiledScenario, CompiledView[]>();

/** The views of every party that has one, in the scenario's party order (memoised per scenario). */
export function compileViews(c: CompiledScenario): CompiledView[] {
  const cached = cache.get(c);
  if (cached) return cached;
  const views = c.scenario.views ?? {};
  const out = c.partyIds
    .filter((id) => views[id] !== undefined)
    .map((viewer) => {
      const compiled = { ...compileScenario(viewScenario(c.scenario, viewer)), horizon: c.horizon };
      // A sign that flips changes κ or credit, and so every party's rows.
      const everyone = !sameArray(compiled.kappa, c.kappa);
      const differs = c.partyIds.map(
        (_, i) =>
          everyone ||
          !sameArray(compiled.values.nominal[i], c.values.nominal[i]) ||
          !sameArray(compiled.creditLag[i], c.creditLag[i]) ||
          compiled.discount[i] !== c.discount[i] ||
          compiled.tolerance[i] !== c.tolerance[i] ||
          compiled.reservation[i] !== c.reservation[i],
      );
      return { viewer, compiled, differs, sameKappa: !everyone };
    });
  cache.set(c, out);
  return out;
}

export function hasViews(c: CompiledScenario): boolean {
  return Object.keys(c.scenario.views ?? {}).length > 0;
}
