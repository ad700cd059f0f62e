/**
 * What a planner worker thread does with one server request: find a plan, compare, turn a plan
 * name (maybe 'optimal') into a plan, re-plan an agreement, or parse a large scenario text. The server's event loop never
 * solves; it sends the parsed scenario (or the charter) here and gets the report back.
 *
 * Each worker loads and compiles the solver once, when it starts (piscina marks a worker ready
 * only when the promise exported below resolves), and keeps it warm for every later task. Errors
 * cross by name (planner-messages.ts). Only the threads load this module.
 */

import { parentPort, workerData } from "node:worker_threads";
import { compileScenario } from "../analysis/index.ts";
import { compileCharter, replanAgreement } from "../ledger/index.ts";
import { parseScenario } from "../model/index.ts";
import { choosePlan, comparePlans, findPlan, warmSolver } from "../planner/index.ts";
import {
  nameOf,
  type PlannerTask,
  type PostedTask,
  type TaskOutcome,
  type TaskStarted,
} from "./planner-messages.ts";
import { lowerThreadPriority } from "./thread-priority.ts";

async function run(task: PlannerTask): Promise<unknown> {
  switch (task.kind) {
    case "plan":
      return findPlan(compileScenario(task.scenario), task.options);
    case "compare":
      return comparePlans(compileScenario(task.scenario), task.options);
    case "choose":
      return choosePlan(compileScenario(task.scenario), task.name);
    case "parse":
      return parseScenario(task.source, task.name);
    case "replan":
      return replanAgreement(task.charter, compileCharter(task.charter), task.events, task.now, task.options);
  }
}

async function runTask(task: PostedTask): Promise<TaskOutcome> {
  // the pool's wall-clock limit for this task starts now, not when it was posted
  parentPort?.postMessage({ started: task.started } satisfies TaskStarted);
  try {
    return { ok: true, value: await run(task) };
  } catch (error) {
    return { ok: false, error: { name: nameOf(error), message: (error as Error)?.message ?? String(error) } };
  }
}

lowerThreadPriority();

// The worker is ready once the solver is compiled; a failed load shows in the first solve instead.
// A thread that only parses (workerData.solver false) does not load it.
const solver = (workerData as { solver?: boolean } | undefined)?.solver !== false;
export default (solver ? warmSolver() : Promise.resolve()).then(
  () => runTask,
  () => runTask,
);
