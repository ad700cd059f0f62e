/**
 * Small simulations in a module Web Worker, with progress; the same engine (`src/simulate`) and
 * the same chunking as the server's pool, so a seed gives the same report in both places.
 */
import { parseScenario } from "../../../src/model/index.ts";
import type { SimulationAnswer, SimulationRequest } from "./protocol.ts";
import { simulateLocally } from "./simulation-runs.ts";

const post = (answer: SimulationAnswer) => self.postMessage(answer);

self.addEventListener("message", (event: MessageEvent<SimulationRequest>) => {
  const request = event.data;
  try {
    const parsed = parseScenario(request.source, "scenario.yaml");
    if (!parsed.ok) throw new Error(`the scenario has ${parsed.issues.length} problem(s); fix them first`);
    const result = simulateLocally({
      scenario: parsed.scenario,
      plan: request.plan,
      planName: request.planName,
      runs: request.runs,
      seed: request.seed,
      onProgress: (done, total) => post({ type: "progress", id: request.id, done, total }),
    });
    post({ type: "result", id: request.id, result });
  } catch (error) {
    post({ type: "error", id: request.id, message: (error as Error).message });
  }
});

post({ type: "ready" });
