/**
 * `/api/analyze` under 10 concurrent clients, beside the same work with the scenario held in
 * memory, on one server in one run:
 *
 *   api        POST /api/analyze {scenarioId, plan}: the real route (scenario cache included)
 *   memory     the same body, a route that skips the library: the scenario compiled once, held
 *              in memory (the limit the cache aims at)
 *   reparse    the same body, a route that does what the API did before the cache: list the
 *              scenarios folder, parse the YAML twice, compile
 *
 * Each round runs every route for --seconds with --clients fetch loops in this process, in turn;
 * --rounds rounds. Prints requests per second and the median latency, and api ÷ memory.
 *
 *   npx tsx bench/api.ts [--scenario korea-2018] [--plan phased] [--clients 10] [--seconds 3] [--rounds 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { analyzePlan } from "../src/analysis/analyze.ts";
import { compileScenario } from "../src/analysis/compile.ts";
import { analysisDocument } from "../src/analysis/perspectives.ts";
import { builtinNames, readScenarioSource } from "../src/io/scenario-files.ts";
import { parseScenario } from "../src/model/parse.ts";
import { buildServer } from "../src/server/app.ts";
import { resolveRequestedPlan } from "../src/server/plans.ts";

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "korea-2018" },
    plan: { type: "string", default: "phased" },
    clients: { type: "string", default: "10" },
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const body = JSON.stringify({ scenarioId: values.scenario, plan: values.plan });

const dir = mkdtempSync(join(tmpdir(), "lockstep-bench-api-"));
const app = await buildServer({ dbPath: join(dir, "bench.db"), access: { open: true } });
const parse = (id: string) => {
  const parsed = parseScenario(readScenarioSource(id).text, `${id}.yaml`);
  if (!parsed.ok) throw new Error(`${id} does not parse`);
  return parsed.scenario;
};
const heldScenario = parse(values.scenario);
const held = { scenario: heldScenario, compiled: compileScenario(heldScenario) };
type Body = { scenarioId: string; plan: string };
app.post("/bench/memory", async (request) => {
  const { plan: name } = request.body as Body;
  const plan = await resolveRequestedPlan(held, name, app.planner);
  return {
    scenarioId: values.scenario,
    plan,
    analysis: analysisDocument(held.compiled, analyzePlan(held.compiled, plan.assignments)),
  };
});
app.post("/bench/reparse", async (request) => {
  const { scenarioId, plan: name } = request.body as Body;
  if (!builtinNames().includes(scenarioId)) throw new Error("not a built-in");
  parse(scenarioId); // the library's describe()
  const scenario = parse(scenarioId); // and resolve()'s own parse
  const compiled = compileScenario(scenario);
  const plan = await resolveRequestedPlan({ scenario, compiled }, name, app.planner);
  return { scenarioId, plan, analysis: analysisDocument(compiled, analyzePlan(compiled, plan.assignments)) };
});
const base = await app.listen({ port: 0, host: "127.0.0.1" });

async function load(path: string): Promise<{ rate: number; p50: number }> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const response = await fetch(base + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / elapsed, p50: latencies[Math.floor(latencies.length / 2)] };
}

console.log(
  `/api/analyze ${body}, ${clients} clients, ${seconds} s per route, ${values.rounds} rounds; load average ${loadavg()[0].toFixed(1)}`,
);
await load("/api/analyze"); // warm-up: JIT, the cache's first fill
const ratios: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const results: Record<string, { rate: number; p50: number }> = {};
  for (const [name, path] of [
    ["api", "/api/analyze"],
    ["memory", "/bench/memory"],
    ["reparse", "/bench/reparse"],
  ]) {
    results[name] = await load(path);
  }
  ratios.push(results.memory.rate / results.api.rate);
  console.log(
    Object.entries(results)
      .map(([name, r]) => `${name} ${r.rate.toFixed(0)} req/s (p50 ${r.p50.toFixed(1)} ms)`)
      .join(", ") + `; memory ÷ api ${(results.memory.rate / results.api.rate).toFixed(2)}×`,
  );
}
console.log(
  `memory ÷ api: ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×; load average ${loadavg()[0].toFixed(1)} at the end`,
);
await app.close();
rmSync(dir, { recursive: true, force: true });
