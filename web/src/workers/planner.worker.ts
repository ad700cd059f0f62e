/**
 * The planner in a module Web Worker: HiGHS (WebAssembly) solves off the main thread, so the
 * page stays responsive however long a solve takes. Same `src/planner` code as the CLI and server.
 */
import wasmUrl from "highs/runtime?url";
import { compileScenario } from "../../../src/analysis/index.ts";
import { parseScenario } from "../../../src/model/index.ts";
import type { Objective } from "../../../src/planner/index.ts";
import {
  checkPlanOptions,
  comparePlans,
  configureSolver,
  findPlan,
  type PlanOptions,
} from "../../../src/planner/index.ts";
import type { PlannerAnswer, PlannerRequest } from "./protocol.ts";

configureSolver({ locateFile: () => wasmUrl });

const post = (answer: PlannerAnswer) => self.postMessage(answer);

self.addEventListener("message", async (event: MessageEvent<PlannerRequest>) => {
  const request = event.data;
  try {
    const parsed = parseScenario(request.source, "scenario.yaml");
    if (!parsed.ok) throw new Error(`the scenario has ${parsed.issues.length} problem(s); fix them first`);
    const compiled = compileScenario(parsed.scenario);
    const options: PlanOptions = {
      objective: request.options.objective as Objective | undefined,
      robust: request.options.robust,
      frontier: request.options.frontier,
      timeLimitSeconds: request.options.timeLimitSeconds,
    };
    checkPlanOptions(options);
    const result =
      request.kind === "plan" ? await findPlan(compiled, options) : await comparePlans(compiled, options);
    post({ type: "result", id: request.id, result });
  } catch (error) {
    post({ type: "error", id: request.id, message: (error as Error).message });
  }
});

post({ type: "ready" });
