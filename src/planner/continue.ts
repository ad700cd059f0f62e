/**
 * Re-planning from the actual state (MODEL.md v2 §10): the best continuation of a history, or what
 * it would take. The same MILP as `findPlan` with the history's states fixed and rows only after
 * k0 (formulation.ts, `history`); every continuation it returns is re-judged by the analysis's
 * `checkContinuation`, and its figures must be the solver's.
 */
import type { CompiledScenario, Schedule } from "../analysis/index.ts";
import {
  type ContinuationCheck,
  checkContinuation,
  continuationEarliest,
  continuationSchedule,
  EPSILON,
  fewestContinuationPhases,
  type History,
} from "../analysis/index.ts";
import {
  ContinuationObjective,
  type ContinuationReport,
  type ContinuationStep,
} from "./continuation-report.ts";
import { DEFAULT_TIME_LIMIT } from "./find.ts";
import type { Formulation } from "./formulation.ts";
import { relaxationSentences } from "./relax.ts";
import type { Relaxation } from "./report.ts";
import { searchSettings } from "./search-settings.ts";
import {
  CHECK_TOLERANCE,
  type Context,
  now,
  scale,
  solveAt,
  TIE_TOLERANCE,
  tieBreakBudget,
} from "./session.ts";
import type { SolveResult } from "./solver.ts";
import { solveMilp } from "./solver.ts";

export interface ContinuationOptions {
  /** phases (default), slack, welfare, maxmin or nash. */
  objective?: ContinuationObjective;
  /** Most phases the whole trajectory may use (default: `continuationHorizon`). */
  horizon?: number;
  timeLimitSeconds?: number;
  signal?: AbortSignal;
}

/** Options a user got wrong (CLI exit 2, HTTP 400). */
export class ContinuationOptionError extends Error {}

const DONE = 1 - EPSILON;

/**
 * The default horizon of a re-plan: the scenario's horizon, raised when the calendar has run so
 * far that the rest could not fit: at least k0 + the number of moves not yet fully done (as a
 * scenario's default horizon is its number of moves), and at least the fewest phases possible.
 */
export function continuationHorizon(c: CompiledScenario, history: History): number {
  const k0 = history.phases;
  const open = c.moveIds.filter((_, m) => history.x[k0][m] < DONE).length;
  const fewest = fewestContinuationPhases(c, history, continuationEarliest(c, history));
  return Math.max(c.horizon, k0 + Math.max(1, open), fewest);
}

/** The steps after k0 of a trajectory: each share done, by phase. */
export function continuationSteps(c: CompiledScenario, k0: number, s: Schedule): ContinuationStep[] {
  const steps: ContinuationStep[] = [];
  for (let k = k0 + 1; k <= s.phases; k++) {
    c.moveIds.forEach((move, m) => {
      const share = s.delta[k][m];
      if (share > EPSILON) steps.push({ phase: k, move, share: Math.round(share * 1e9) / 1e9 });
    });
  }
  return steps;
}

/** The trajectory the solver chose: fixed history, then its states after k0 (binaries rounded). */
function trajectory(c: CompiledScenario, history: History, f: Formulation, values: Float64Array): Schedule {
  const T = f.x[0].length - 1;
  const rest: Float64Array[] = [];
  for (let k = history.phases + 1; k <= T; k++) {
    rest.push(
      Float64Array.from(c.moveIds, (_, m) => {
        const v = Math.min(1, Math.max(0, values[f.x[m][k]]));
        if (!c.divisible[m]) return v > 0.5 ? 1 : 0;
        return Math.abs(v - Math.round(v)) < 1e-7 ? Math.round(v) : v;
      }),
    );
  }
  return continuationSchedule(history, rest);
}

/** Drops trailing phases in which nothing happens (a plan at the full horizon for other objectives). */
function trimmed(history: History, s: Schedule): Schedule {
  let T = s.phases;
  while (T > history.phases + 1 && s.delta[T].every((d) => Math.abs(d) <= EPSILON)) T--;
  return T === s.phases ? s : continuationSchedule(history, s.x.slice(history.phases + 1, T + 1));
}

interface Search {
  c: CompiledScenario;
  history: History;
  horizon: number;
  ctx: Context;
}

/**
 * The best continuation of `history` (MODEL.md §10) under an objective of §5, or when none is
 * feasible, the least extra tolerance and inducement per party that would make one, and that one.
 */
export async function findContinuation(
  c: CompiledScenario,
  history: History,
  options: ContinuationOptions = {},
): Promise<ContinuationReport> {
  const objective = options.objective ?? "phases";
  if (!ContinuationObjective.safeParse(objective).success) {
    throw new ContinuationOptionError(
      `re-planning supports the objectives ${ContinuationObjective.options.join(", ")}; not '${objective}'`,
    );
  }
  const k0 = history.phases;
  const horizon = options.horizon ?? continuationHorizon(c, history);
  if (!Number.isInteger(horizon) || horizon <= k0) {
    throw new ContinuationOptionError(
      `horizon must be a whole number of phases after the current phase ${k0} (got ${horizon})`,
    );
  }
  const earliest = continuationEarliest(c, history);
  const scenario = horizon === c.horizon ? c : { ...c, horizon };
  const notes: string[] = [];
  if (horizon !== c.horizon) {
    notes.push(
      `horizon ${horizon} for the rest (the scenario says ${c.horizon}; phase ${k0} has been reached)`,
    );
  }
  const ctx: Context = {
    c: scenario,
    objective,
    robust: false,
    horizon,
    values: c.values.nominal,
    earliest,
    deadline: now() + (options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT),
    signal: options.signal,
    stats: { variables: 0, constraints: 0, nonzeros: 0, solves: 0, seconds: 0 },
    notes,
    fits: () => true,
    search: searchSettings(),
  };
  const search: Search = { c: scenario, history, horizon, ctx };
  const base = { objective, from: k0, notes, stats: ctx.stats };

  const fewest = fewestContinuationPhases(c, history, earliest);
  if (fewest > horizon) {
    return noContinuation(base, "infeasible", {
      binding: [
        `No continuation fits in ${horizon} phases: the prerequisites and their verification lags mean the goal cannot be done before phase ${fewest}.`,
      ],
    });
  }
  const tries = objective === "phases" ? range(fewest, horizon) : [horizon];
  for (const phases of tries) {
    const [f, result] = await solveAt(ctx, phases, false, { history });
    if (result.status === "infeasible") continue;
    if (result.status === "error") return failed(base, result.message ?? "solver failed");
    if (!result.values) {
      return noContinuation(base, "time-limit", {
        note: `stopped (${result.message ?? "time limit reached"}) at ${phases} phases`,
      });
    }
    return judged(search, base, f, result);
  }
  return relaxation(search, base);
}

type Base = Pick<ContinuationReport, "objective" | "from" | "notes" | "stats">;

/**
 * A report without a continuation: why, as what binds (shown to the user as the reason) or as a
 * note added to the run's notes (how the search stopped).
 */
function noContinuation(
  base: Base,
  status: "infeasible" | "time-limit" | "solver-error",
  why: { binding: string[] } | { note: string },
): ContinuationReport {
  const reason = "binding" in why ? { binding: why.binding } : { notes: [...base.notes, why.note] };
  return { ...base, phases: 0, steps: [], minSlack: null, feasible: false, status, ...reason };
}

function failed(base: Base, message: string): ContinuationReport {
  return noContinuation(base, "solver-error", { note: message });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, n) => from + n);
}

/** Re-checks the solver's continuation by the analysis, prefers the earliest of equals, reports it. */
async function judged(
  search: Search,
  base: Base,
  f: Formulation,
  result: SolveResult,
): Promise<ContinuationReport> {
  const { c, history, horizon, ctx } = search;
  const first = checkContinuation(c, history, trajectory(c, history, f, result.values!), horizon);
  if (!first.feasible) {
    const why = first.violations[0]?.message ?? "infeasible";
    return failed(base, `the solver's continuation failed the check: ${why}`);
  }
  const slackObjective = ctx.objective === "phases" || ctx.objective === "slack";
  if (
    slackObjective &&
    result.status === "optimal" &&
    Math.abs(first.minSlack - result.values![f.slack]) > CHECK_TOLERANCE * scale(c)
  ) {
    return failed(
      base,
      `solver slack ${result.values![f.slack]} differs from the checked continuation's ${first.minSlack}`,
    );
  }
  let best = first;
  if (result.status === "optimal") {
    const earlier = await earliestEqual(search, f, result, first.minSlack);
    if (earlier) best = earlier;
  }
  if (ctx.objective !== "phases") {
    const short = trimmed(history, best.schedule);
    if (short !== best.schedule) best = checkContinuation(c, history, short, horizon);
  }
  return {
    ...base,
    feasible: true,
    status: result.status === "optimal" ? "optimal" : "feasible",
    phases: best.phases,
    steps: continuationSteps(c, history.phases, best.schedule),
    minSlack: tidy(best.minSlack),
    ...(result.status !== "optimal" && result.gap !== undefined ? { gap: result.gap } : {}),
    objectiveValue: result.objective,
  };
}

/**
 * Among continuations as good as the optimum, one that does each share as early as it can (a
 * second MILP maximising Σ x_k(m) with the first objective held within a hair of its optimum), as
 * the planner does for whole plans; any doubt keeps the first answer.
 */
async function earliestEqual(
  search: Search,
  f: Formulation,
  result: SolveResult,
  slack: number,
): Promise<ContinuationCheck | undefined> {
  const { c, history, horizon, ctx } = search;
  const budget = tieBreakBudget(ctx);
  if (!budget) return undefined;
  const first = f.builder.model;
  const best = result.objective!;
  const floor = best - TIE_TOLERANCE * Math.max(1, Math.abs(best));
  const second = structuredClone(first);
  second.colCost = first.colCost.map(() => 0);
  for (const row of f.x) for (let k = history.phases + 1; k < row.length; k++) second.colCost[row[k]] = 1;
  second.maximize = true;
  first.colCost.forEach((coef, col) => {
    if (coef === 0) return;
    second.indices.push(col);
    second.values.push(coef);
  });
  second.starts.push(second.indices.length);
  second.rowLower.push(first.maximize ? floor : Number.NEGATIVE_INFINITY);
  second.rowUpper.push(first.maximize ? Number.POSITIVE_INFINITY : best + (best - floor));
  ctx.stats.solves += 1;
  const again = await solveMilp(second, { ...budget, signal: ctx.signal });
  ctx.stats.seconds += again.seconds;
  if (!again.values) return undefined;
  const check = checkContinuation(c, history, trajectory(c, history, f, again.values), horizon);
  const keeps = check.minSlack >= slack - TIE_TOLERANCE * Math.max(1, Math.abs(slack));
  const sameLength = ctx.objective !== "phases" || check.phases === f.x[0].length - 1;
  return check.feasible && keeps && sameLength ? check : undefined;
}

/** No continuation is feasible: the least extra tolerance and inducement, read off the chosen one. */
async function relaxation(search: Search, base: Base): Promise<ContinuationReport> {
  const { c, history, horizon, ctx } = search;
  const [f, result] = await solveAt(ctx, horizon, true, { history });
  if (result.status === "error") return failed(base, result.message ?? "solver failed");
  if (result.status === "infeasible") {
    return noContinuation(base, "infeasible", {
      binding: [
        `No continuation within ${horizon} phases meets the goal, the prerequisites and every party's reservation, ` +
          "whatever extra tolerance or inducement is offered.",
      ],
    });
  }
  if (!result.values) {
    return noContinuation(base, "infeasible", {
      note: "no continuation is feasible; the relaxation ran out of time before finding what it would take",
    });
  }
  const check = checkContinuation(
    c,
    history,
    trimmed(history, trajectory(c, history, f, result.values)),
    horizon,
  );
  const relax = relaxationOfRows(c, check);
  const binding = relaxationSentences(c, relax);
  for (const v of check.violations) binding.push(v.message);
  return {
    ...base,
    feasible: false,
    status: "infeasible",
    phases: check.phases,
    steps: continuationSteps(c, history.phases, check.schedule),
    minSlack: tidy(check.minSlack),
    relaxation: relax,
    binding,
    ...(result.status !== "optimal" ? { notes: [...base.notes, "relaxation not proven least"] } : {}),
  };
}

/** σ_i = max(0, max E_i(k) − τ_i) over k > k0 and μ_i = max(0, −min M_i(k)) over k > k0. */
export function relaxationOfRows(c: CompiledScenario, check: ContinuationCheck): Relaxation {
  const out: Relaxation = {};
  c.partyIds.forEach((id, i) => {
    let sigma = 0;
    let mu = 0;
    for (const row of check.rows) {
      if (row.party !== i) continue;
      let g = row.constant;
      for (let m = 0; m < row.coef.length; m++) g += c.values.nominal[i][m] * row.coef[m];
      if (row.kind === "exposure") sigma = Math.max(sigma, -g);
      if (row.kind === "margin") mu = Math.max(mu, -g);
    }
    const tolerance = sigma > EPSILON ? tidy(sigma) : 0;
    const inducement = mu > EPSILON ? tidy(mu) : 0;
    if (tolerance > 0 || inducement > 0) out[id] = { tolerance, inducement };
  });
  return out;
}

function tidy(x: number): number {
  const r = Math.round(x * 1e9) / 1e9;
  return Object.is(r, -0) ? 0 : r;
}
