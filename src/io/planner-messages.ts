/**
 * What crosses between the server and its planner threads: the tasks, what each answers, and the
 * errors a request may cause, sent by class name and rebuilt on the other side so the routes keep
 * answering them with the same 4xx as in-process. Kept apart from planner-task.ts, which only the
 * threads load (it warms the solver as it is imported).
 */
import type { Charter, ReplanReport, StatusEvent } from "../ledger/index.ts";
import { ReplanError } from "../ledger/index.ts";
import type { ParseResult, Scenario } from "../model/index.ts";
import {
  type CompareOptions,
  type Comparison,
  ContinuationOptionError,
  type ContinuationOptions,
  type PlanChoice,
  PlanOptionError,
  type PlanOptions,
  type PlanResult,
  UnknownPlanError,
} from "../planner/index.ts";

/** Plan options as they cross to a worker: plain data only (no signal, no progress callback). */
export type TaskPlanOptions = Omit<PlanOptions, "signal" | "onProgress">;

export type PlannerTask =
  | { kind: "plan"; scenario: Scenario; options: TaskPlanOptions }
  | { kind: "compare"; scenario: Scenario; options: Omit<CompareOptions, "signal" | "onProgress"> }
  | { kind: "choose"; scenario: Scenario; name: string }
  /** A large scenario text: parsing a megabyte of YAML holds a thread for a second or more. */
  | { kind: "parse"; source: string; name: string }
  | {
      kind: "replan";
      charter: Charter;
      events: StatusEvent[];
      now: string;
      options: Omit<ContinuationOptions, "signal">;
    };

/**
 * A task as it is posted to a thread: with the number the thread posts back (`{ started }`, on
 * its parentPort) when it begins it, so the pool counts the task's wall-clock limit from then
 * and not from a thread still starting (planner-pool.ts).
 */
export type PostedTask = PlannerTask & { started: number };

/** The message a thread posts when it begins a task. */
export interface TaskStarted {
  started: number;
}

export function isTaskStarted(message: unknown): message is TaskStarted {
  return (
    typeof message === "object" && message !== null && typeof (message as TaskStarted).started === "number"
  );
}

/** What each kind of task answers. */
export interface PlannerAnswers {
  plan: PlanResult;
  compare: Comparison;
  choose: PlanChoice;
  parse: ParseResult;
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

export function nameOf(error: unknown): UserErrorName | "Error" {
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
