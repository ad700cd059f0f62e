/**
 * Which beliefs stand in the way of a plan (MODEL.md §9): for a party to which a plan is not
 * credible, the smallest correction of one of its beliefs, toward the truth, that makes it credible.
 *
 * A belief is one figure the party's view overrides: a value of a move to another party, or another
 * party's discount, tolerance or reservation. Moving it a share t of the way from the belief to the
 * truth (t = 0: the belief, t = 1: the truth) and keeping every other belief, the least t that makes
 * the plan credible is found by a scan of 64 steps refined by bisection to 1e-6. Credibility is a
 * polynomial condition in t (linear for values, tolerances and reservations while no sign flips), so
 * the scan finds the first crossing unless two crossings fall inside one step of 1/64.
 */
import type { Scenario, View } from "../model/index.ts";
import type { Analysis } from "./analyze.ts";
import { type CompiledScenario, compileScenario } from "./compile.ts";
import { credibility } from "./perspectives.ts";
import { partyRows, rowHolds, rowValue } from "./rows.ts";
import { viewScenario } from "./views.ts";

export interface BeliefCorrection {
  /** The believing party. */
  view: string;
  /** The party the belief is about. */
  party: string;
  figure: "value" | "discount" | "tolerance" | "reservation";
  /** The move, for a value. */
  move?: string;
  believed: number;
  truth: number;
  /** The least correction that makes the plan credible: the figure the party would need to believe. */
  needed: number;
  text: string;
}

/** Whether every row of every party holds in `viewer`'s view of `scenario`, for the plan analysed. */
function credibleIn(scenario: Scenario, viewer: string, a: Analysis): boolean {
  const view = compileScenario(viewScenario(scenario, viewer));
  return view.partyIds.every((_, i) =>
    partyRows(view, a.schedule, i).every((r) => rowHolds(rowValue(view, r))),
  );
}

interface Belief {
  party: string;
  figure: BeliefCorrection["figure"];
  move?: string;
  believed: number;
  truth: number;
  /** The scenario with this one belief set to x. */
  with(x: number): Scenario;
}

const mid = (v: number | [number, number] | undefined) =>
  v === undefined ? 0 : typeof v === "number" ? v : (v[0] + v[1]) / 2;

/** Every belief of a viewer that differs from the truth. */
function beliefsOf(scenario: Scenario, viewer: string): Belief[] {
  const found = scenario.views?.[viewer];
  if (!found) return [];
  const view: View = found;
  const out: Belief[] = [];
  const setView = (patch: (v: View) => View): Scenario => ({
    ...scenario,
    views: { ...scenario.views, [viewer]: patch(view) },
  });
  for (const [move, cells] of Object.entries(view.values)) {
    const truthMove = scenario.moves.find((m) => m.id === move);
    for (const [party, value] of Object.entries(cells)) {
      const believed = mid(value);
      const truth = mid(truthMove?.value[party]);
      if (believed === truth) continue;
      out.push({
        party,
        figure: "value",
        move,
        believed,
        truth,
        with: (x) =>
          setView((v) => ({ ...v, values: { ...v.values, [move]: { ...v.values[move], [party]: x } } })),
      });
    }
  }
  for (const [party, belief] of Object.entries(view.parties)) {
    const truthParty = scenario.parties.find((p) => p.id === party);
    if (!truthParty) continue;
    for (const figure of ["discount", "tolerance", "reservation"] as const) {
      const believed = belief[figure];
      if (believed === undefined || believed === truthParty[figure]) continue;
      out.push({
        party,
        figure,
        believed,
        truth: truthParty[figure],
        with: (x) =>
          setView((v) => ({
            ...v,
            parties: { ...v.parties, [party]: { ...v.parties[party], [figure]: x } },
          })),
      });
    }
  }
  return out;
}

const STEPS = 64;

/** The least share t ∈ (0, 1] of the way to the truth that makes the plan credible, or undefined. */
function leastShare(b: Belief, viewer: string, a: Analysis): number | undefined {
  const at = (t: number) => credibleIn(b.with(b.believed + t * (b.truth - b.believed)), viewer, a);
  let low = 0;
  for (let n = 1; n <= STEPS; n++) {
    const t = n / STEPS;
    if (!at(t)) {
      low = t;
      continue;
    }
    let high = t;
    while (high - low > 1e-6) {
      const m = (low + high) / 2;
      if (at(m)) high = m;
      else low = m;
    }
    return high;
  }
  return undefined;
}

const fmt = (x: number) => String(Math.round(x * 100) / 100);

function describe(c: CompiledScenario, b: Belief): string {
  const name = c.scenario.parties.find((p) => p.id === b.party)?.name ?? b.party;
  const whose = name.endsWith("s") ? `${name}'` : `${name}'s`;
  if (b.figure === "value") {
    const cost = b.truth < 0 || b.believed < 0;
    return cost ? `${whose} cost of '${b.move}'` : `${whose} gain from '${b.move}'`;
  }
  return `${whose} ${b.figure === "discount" ? "discount factor (patience)" : b.figure}`;
}

/**
 * For every party with a view to which the analysed plan is not credible, the smallest correction
 * of one of its beliefs that makes it credible, or, when no single belief suffices, a sentence
 * that says so and names the beliefs.
 */
export function beliefCorrections(
  c: CompiledScenario,
  a: Analysis,
): Array<{ view: string; correction?: BeliefCorrection; text: string }> {
  const out: Array<{ view: string; correction?: BeliefCorrection; text: string }> = [];
  for (const [viewer, credible] of Object.entries(credibility(c, a))) {
    if (credible) continue;
    const who = c.scenario.parties.find((p) => p.id === viewer)?.name ?? viewer;
    const beliefs = beliefsOf(c.scenario, viewer);
    let best: { b: Belief; t: number } | undefined;
    for (const b of beliefs) {
      const t = leastShare(b, viewer, a);
      if (t !== undefined && (!best || t < best.t)) best = { b, t };
    }
    if (!best) {
      const all = beliefs
        .map((b) => `${describe(c, b)} (${fmt(b.believed)}; truly ${fmt(b.truth)})`)
        .join(", ");
      out.push({
        view: viewer,
        text: `No single belief of ${who}'s stands alone in the way; it would have to believe the truth about ${all || "the plan's figures"}.`,
      });
      continue;
    }
    const { b, t } = best;
    const sign = b.figure === "value" && (b.truth < 0 || b.believed < 0) ? -1 : 1;
    const needed = Math.round((b.believed + t * (b.truth - b.believed)) * 1e6) / 1e6;
    const text =
      `${who} stands in the way: if it believed ${describe(c, b)} were ${fmt(sign * needed)} rather than ` +
      `${fmt(sign * b.believed)} (the truth is ${fmt(sign * b.truth)}), the plan would be credible to it.`;
    out.push({
      view: viewer,
      correction: {
        view: viewer,
        party: b.party,
        figure: b.figure,
        ...(b.move ? { move: b.move } : {}),
        believed: b.believed,
        truth: b.truth,
        needed,
        text,
      },
      text,
    });
  }
  return out;
}
