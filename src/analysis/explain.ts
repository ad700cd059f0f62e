/**
 * Violations in plain words, each with the moves that contribute most to it.
 */
import type { CompiledScenario } from "./compile.ts";
import { creditedPhase, exposureCoefficient } from "./exposure.ts";
import type { Contribution, Violation } from "./report.ts";
import { type Schedule, stateAt } from "./schedule.ts";

const TOP = 4;
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 10 ? 1 : 2));

function partyName(c: CompiledScenario, i: number): string {
  return c.scenario.parties[i].name ?? c.partyIds[i];
}

function top(contributions: Contribution[]): Contribution[] {
  return contributions
    .filter((x) => x.amount > 1e-9)
    .sort((a, b) => b.amount - a.amount)
    .slice(0, TOP)
    .map((x) => ({ ...x, amount: Math.round(x.amount * 1e6) / 1e6 }));
}

function list(contributions: Contribution[]): string {
  return contributions.map((x) => `${x.move} ${fmt(x.amount)} (${x.reason})`).join(", ");
}

export function explainExposure(
  c: CompiledScenario,
  s: Schedule,
  i: number,
  k: number,
  exposure: number,
  coef: Float64Array,
): Violation {
  const values = c.values.nominal[i];
  const done = stateAt(s, k);
  const contributions: Contribution[] = [];
  let losses = 0;
  let credited = 0;
  for (let m = 0; m < coef.length; m++) {
    const term = values[m] * coef[m];
    if (term > 0) credited += term;
    if (term < 0) {
      losses -= term;
      const own = c.actor[m] === i;
      const reason = own
        ? c.kappa[m] < 1
          ? `own cost, ${Math.round(c.reversible[m] * 100)}% reversible`
          : "irreversible own cost"
        : `harm from ${c.partyIds[c.actor[m]]}`;
      contributions.push({ move: c.moveIds[m], amount: -term, reason });
    }
    const unverified = exposureCoefficient(c, m, done[m] - stateAt(s, creditedPhase(c, i, m, k))[m]);
    if (unverified > 0 && values[m] > 0) {
      contributions.push({
        move: c.moveIds[m],
        amount: values[m] * unverified,
        reason: `benefit not yet verified, lag ${c.lag[m]}`,
      });
    }
  }
  const contributors = top(contributions);
  const tau = c.tolerance[i];
  return {
    kind: "exposure",
    party: c.partyIds[i],
    phase: k,
    move: contributors[0]?.move,
    value: exposure,
    message:
      `${partyName(c, i)} is exposed ${fmt(exposure)} after phase ${k}, above its tolerance ${fmt(tau)}: ` +
      `if the deal collapsed now it would be left ${fmt(exposure)} short of the status quo ` +
      `(losses it cannot take back ${fmt(losses)}, verified gains it would keep ${fmt(credited)}). ` +
      `Largest parts: ${list(contributors)}.`,
    contributors,
  };
}

export function explainMargin(
  c: CompiledScenario,
  s: Schedule,
  i: number,
  k: number,
  lag: number,
  margin: number,
  weights: Float64Array,
): Violation {
  const values = c.values.nominal[i];
  const contributions: Contribution[] = [];
  for (let m = 0; m < weights.length; m++) {
    const term = values[m] * weights[m];
    if (term >= 0) continue;
    const own = c.actor[m] === i;
    const reason = own
      ? values[m] < 0
        ? "own cost it would avoid"
        : "own move it would keep"
      : values[m] > 0
        ? `benefit from ${c.partyIds[c.actor[m]]} it keeps until detection`
        : `harm from ${c.partyIds[c.actor[m]]} it would escape`;
    contributions.push({ move: c.moveIds[m], amount: -term, reason });
  }
  const contributors = top(contributions);
  const own = c.moveIds.filter((_, m) => c.actor[m] === i && s.delta[k][m] > 0);
  return {
    kind: "margin",
    party: c.partyIds[i],
    phase: k,
    move: own[0],
    value: margin,
    message:
      `${partyName(c, i)} gains ${fmt(-margin)} by walking away in phase ${k} instead of doing ${own.join(", ")}` +
      ` (a defection is detected after ${lag} phase${lag === 1 ? "" : "s"}). What tempts it: ${list(contributors)}.`,
    contributors,
  };
}

export function explainReservation(c: CompiledScenario, i: number, final: number): Violation {
  const tau = c.reservation[i];
  return {
    kind: "reservation",
    party: c.partyIds[i],
    value: final,
    message: `${partyName(c, i)} ends the deal with ${fmt(final)} per phase, below its reservation ${fmt(tau)}: it would rather have no deal.`,
  };
}

export function explainHorizon(c: CompiledScenario, phases: number): Violation {
  return {
    kind: "horizon",
    value: phases,
    message: `The plan uses ${phases} phases; the scenario's horizon allows ${c.horizon}.`,
  };
}

export function explainGoal(c: CompiledScenario, item: number[], xT: Float64Array): Violation {
  const names = item.map((m) => c.moveIds[m]);
  const progress = item.map((m) => `${c.moveIds[m]} ${Math.round(xT[m] * 100)}%`).join(", ");
  return {
    kind: "goal",
    move: names[0],
    message:
      item.length === 1
        ? `Goal '${names[0]}' is not fully done by the end of the plan (${progress}).`
        : `None of the goal's alternatives ${names.join(" / ")} is fully done by the end of the plan (${progress}).`,
  };
}

export function explainRequires(
  c: CompiledScenario,
  m: number,
  p: number,
  start: number,
  done: number | undefined,
): Violation {
  const move = c.moveIds[m];
  const req = c.moveIds[p];
  const actor = c.partyIds[c.actor[m]];
  const message =
    done === undefined
      ? `'${move}' (${actor}) starts in phase ${start} but requires '${req}', which the plan never completes.`
      : `'${move}' (${actor}) starts in phase ${start} but requires '${req}', done in phase ${done} and verified after ` +
        `${c.lag[p]} more phase${c.lag[p] === 1 ? "" : "s"}: the earliest start is phase ${done + c.lag[p] + 1}.`;
  return { kind: "requires", party: actor, phase: start, move, message };
}
