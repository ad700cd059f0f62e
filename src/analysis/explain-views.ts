/**
 * Surprises and fears in words (MODEL.md §9): what the viewer expects of a party's row, what the
 * truth is, and the beliefs behind the gap ("the US believes DPRK's cost of 'dismantle' is 6; it is 10").
 */
import type { Value } from "../model/index.ts";
import type { CompiledScenario } from "./compile.ts";
import type { Row } from "./perspectives.ts";
import type { CompiledView } from "./views.ts";

const MOST_BELIEFS = 3;

const fmt = (x: number) => {
  const r = Math.round(x * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
};

function name(c: CompiledScenario, i: number): string {
  return c.scenario.parties[i].name ?? c.partyIds[i];
}

/** "DPR Korea's", "United States'". */
function whose(c: CompiledScenario, i: number): string {
  const n = name(c, i);
  return n.endsWith("s") ? `${n}'` : `${n}'s`;
}

/** A written value as a cost (its magnitude), a gain, or plain, e.g. "2 to 3.5". */
function written(value: Value, sign: -1 | 1): string {
  if (typeof value === "number") return fmt(sign * value);
  const [a, b] = [sign * value[0], sign * value[1]].sort((x, y) => x - y);
  return a === b ? fmt(a) : `${fmt(a)} to ${fmt(b)}`;
}

/** "P believes Q's cost of 'm' is 6; it is 10" for one value cell. */
function valueBelief(c: CompiledScenario, view: CompiledView, m: number, q: number): string {
  const viewer = c.partyIndex.get(view.viewer) ?? 0;
  const moveId = c.moveIds[m];
  const partyId = c.partyIds[q];
  const truth = c.scenario.moves[m].value[partyId] ?? 0;
  const believed = c.scenario.views?.[view.viewer]?.values[moveId]?.[partyId] ?? truth;
  const t = c.values.nominal[q][m];
  const b = view.compiled.values.nominal[q][m];
  const [what, sign] =
    t < 0 && b <= 0
      ? (["cost of", -1] as const)
      : t > 0 && b >= 0
        ? (["gain from", 1] as const)
        : (["value of", 1] as const);
  return `${name(c, viewer)} believes ${whose(c, q)} ${what} '${moveId}' is ${written(believed, sign)}; it is ${written(truth, sign)}`;
}

function figureBelief(
  c: CompiledScenario,
  view: CompiledView,
  q: number,
  figure: "discount" | "tolerance" | "reservation",
): string {
  const viewer = c.partyIndex.get(view.viewer) ?? 0;
  const words = {
    discount: "discount factor (patience)",
    tolerance: "tolerance",
    reservation: "reservation",
  }[figure];
  const truth = c[figure][q];
  const believed = view.compiled[figure][q];
  return `${name(c, viewer)} believes ${whose(c, q)} ${words} is ${fmt(believed)}; it is ${fmt(truth)}`;
}

/** The viewer's beliefs that move this row, largest effect first. */
export function beliefsBehind(
  c: CompiledScenario,
  view: CompiledView,
  q: number,
  truth: Row,
  believed: Row,
): string[] {
  const cv = view.compiled;
  const items: Array<{ impact: number; text: string }> = [];
  const row = truth;
  if (row.kind === "margin" && cv.discount[q] !== c.discount[q])
    items.push({ impact: Number.POSITIVE_INFINITY, text: figureBelief(c, view, q, "discount") });
  if (row.kind === "exposure" && cv.tolerance[q] !== c.tolerance[q])
    items.push({
      impact: Math.abs(cv.tolerance[q] - c.tolerance[q]),
      text: figureBelief(c, view, q, "tolerance"),
    });
  if (row.kind === "reservation" && cv.reservation[q] !== c.reservation[q])
    items.push({
      impact: Math.abs(cv.reservation[q] - c.reservation[q]),
      text: figureBelief(c, view, q, "reservation"),
    });
  const wT = truth.coef;
  const wV = believed.coef;
  for (let m = 0; m < wT.length; m++) {
    const t = c.values.nominal[q][m];
    const b = cv.values.nominal[q][m];
    const impact = Math.abs(b * wV[m] - t * wT[m]);
    if (impact < 1e-12) continue;
    if (t !== b) items.push({ impact, text: valueBelief(c, view, m, q) });
    else {
      // Same value, different weight: the viewer sees the actor's own value with the other sign,
      // which changes what survives a collapse (κ). Name that belief.
      const a = c.actor[m];
      if (cv.values.nominal[a][m] !== c.values.nominal[a][m])
        items.push({ impact, text: valueBelief(c, view, m, a) });
    }
  }
  items.sort((x, y) => y.impact - x.impact);
  return [...new Set(items.map((x) => x.text))].slice(0, MOST_BELIEFS);
}

/** The whole sentence for a surprise (the row holds in the view, fails in truth) or a fear (the reverse). */
export function explainGap(
  c: CompiledScenario,
  view: CompiledView,
  q: number,
  truth: Row,
  believed: Row,
  surprise: boolean,
): string {
  const P = name(c, c.partyIndex.get(view.viewer) ?? 0);
  const Q = name(c, q);
  const cv = view.compiled;
  const k = truth.phase;
  let head: string;
  if (truth.kind === "exposure") {
    const exposed = (g: number, tau: number) => fmt(Math.max(0, tau - g));
    const eT = exposed(truth.value, c.tolerance[q]);
    const eV = exposed(believed.value, cv.tolerance[q]);
    head = surprise
      ? `${P} expects ${Q} to stay within its tolerance after phase ${k}, but it would not: in truth ${Q} would be exposed ${eT} (tolerance ${fmt(c.tolerance[q])}); ${P} thinks ${eV} (tolerance ${fmt(cv.tolerance[q])}).`
      : `${P} fears ${Q} would be exposed ${eV} after phase ${k}, above the tolerance ${P} thinks it has (${fmt(cv.tolerance[q])}), and so would not go ahead; in truth it is exposed ${eT} (tolerance ${fmt(c.tolerance[q])}).`;
  } else if (truth.kind === "margin") {
    head = surprise
      ? `${P} expects ${Q} to keep to the plan in phase ${k}, but it would not: in truth ${Q} gains ${fmt(-truth.value)} by walking away; ${P} thinks its margin is ${fmt(believed.value)}.`
      : `${P} fears ${Q} would walk away in phase ${k} (gaining ${fmt(-believed.value)}, as ${P} sees it), but in truth ${Q} keeps to the plan (margin ${fmt(truth.value)}).`;
  } else {
    const fT = fmt(truth.value + c.reservation[q]);
    const fV = fmt(believed.value + cv.reservation[q]);
    head = surprise
      ? `${P} expects ${Q} to accept the outcome of the plan, but it would not: in truth ${Q} ends with ${fT} per phase, below its reservation ${fmt(c.reservation[q])}; ${P} thinks ${fV} against ${fmt(cv.reservation[q])}.`
      : `${P} fears ${Q} would reject the outcome of the plan (ending with ${fV} per phase against a reservation of ${fmt(cv.reservation[q])}, as ${P} sees it), but in truth ${Q} ends with ${fT}, at least its reservation ${fmt(c.reservation[q])}.`;
  }
  const beliefs = beliefsBehind(c, view, q, truth, believed);
  return beliefs.length ? `${head} Behind the gap: ${beliefs.join("; ")}.` : head;
}
