/**
 * What a planner worker thread does with one server request: find a plan, compare, turn a plan
 * name (maybe 'optimal') into a plan, or re-plan an agreement. The server's event loop never
 * solves; it sends the parsed scenario (or the charter) here and gets the report back.
 *
 * Each worker loads and compiles the solver once, when it starts (piscina marks a worker ready
 * only when the promise exported below resolves), and keeps it warm for every later task.
 * Errors a user caused cross the thread boundary by name and are rebuilt on the other side, so
 * the routes keep answering them with the same 4xx as before.
 */
import { compileScenario } from "../analysis/index.ts";
import {
  type Charter,
  compileCharter,
  ReplanError,
  type ReplanReport,
  replanAgreement,
  type StatusEvent,
} from "../ledger/index.ts";
import type { Scenario } from "../model/index.ts";
import {
  type CompareOptions,
  type Comparison,
  ContinuationOptionError,
  type ContinuationOptions,
  choosePlan,
  comparePlans,
  findPlan,
  type PlanChoice,
  PlanOptionError,
  type PlanOptions,
  type PlanResult,
  UnknownPlanError,
  warmSolver,
} from "../planner/index.ts";

/** Plan options as they cross to a worker: plain data only (no signal, no progress callback). */
export type TaskPlanOptions = Omit<PlanOptions, "signal" | "onProgress">;

export type PlannerTask =
  | { kind: "plan"; scenario: Scenario; options: TaskPlanOptions }
  | { kind: "compare"; scenario: Scenario; options: Omit<CompareOptions, "signal" | "onProgress"> }
  | { kind: "choose"; scenario: Scenario; name: string }
  | {
      kind: "replan";
      charter: Charter;
      events: StatusEvent[];
      now: string;
      options: Omit<ContinuationOptions, "signal">;
    };

/** What each kind of task answers. */
export interface PlannerAnswers {
  plan: PlanResult;
  compare: Comparison;
  choose: PlanChoice;
  replan: ReplanReport;
}

/** The errors a task may end with that mean "the request was wrong", by class name. */
const USER_ERRORS = {
  PlanOptionError,
  UnknownPlanError,
  ContinuationOptionError,
  ReplanError,
} as const;
type UserErrorName = keyof typeof USER_ERRORS;

export type TaskOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { name: UserErrorName | "Error"; message: string } };

/** Rebuilds a worker's error as the class the routes catch (an unknown one as a plain Error). */
export function errorOf(outcome: Extract<TaskOutcome, { ok: false }>): Error {
  const { name, message } = outcome.error;
  return name === "Error" ? new Error(message) : new USER_ERRORS[name](message);
}

function nameOf(error: unknown): UserErrorName | "Error" {
  // most specific first: UnknownPlanError is a PlanOptionError
  for (const name of [
    "UnknownPlanError",
    "PlanOptionError",
    "ContinuationOptionError",
    "ReplanError",
  ] as const)
    if (error instanceof USER_ERRORS[name]) return name;
  return "Error";
}

async function run(task: PlannerTask): Promise<unknown> {
  switch (task.kind) {
    case "plan":
      return findPlan(compileScenario(task.scenario), task.options);
    case "compare":
      return comparePlans(compileScenario(task.scenario), task.options);
    case "choose":
      return choosePlan(compileScenario(task.scenario), task.name);
    case "replan":
      return replanAgreement(task.charter, compileCharter(task.charter), task.events, task.now, task.options);
  }
}

async function runTask(task: PlannerTask): Promise<TaskOutcome> {
  try {
    return { ok: true, value: await run(task) };
  } catch (error) {
    return { ok: false, error: { name: nameOf(error), message: (error as Error)?.message ?? String(error) } };
  }
}

// The worker is ready once the solver is compiled; a failed load shows in the first solve instead.
export default warmSolver().then(
  () => runTask,
  () => runTask,
);
