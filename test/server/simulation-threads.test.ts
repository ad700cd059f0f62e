/**
 * Simulations in the server run on worker threads, even a job of one chunk (which the CLI runs
 * in-process), with the same report as the in-process path; a job past the server's wall-clock
 * limit is stopped and ends `failed` with what it had done. Real servers on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readScenarioSource } from "../../src/io/scenario-files.ts";
import { runSimulation } from "../../src/io/simulation-pool.ts";
import { parseScenario } from "../../src/model/index.ts";
import { buildServer } from "../../src/server/app.ts";
import type { JobState } from "../../src/server/schemas.ts";

type Job = JobState & { plan: { assignments: Record<string, unknown> } };

function korea() {
  const parsed = parseScenario(readScenarioSource("korea-2018").text, "korea-2018.yaml");
  if (!parsed.ok) throw new Error("korea-2018 does not parse");
  return parsed.scenario;
}

async function start(base: string, body: unknown): Promise<Job> {
  const response = await fetch(`${base}/api/simulate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as Job;
}

async function ended(base: string, id: string): Promise<JobState> {
  let state: JobState | undefined;
  await expect
    .poll(
      async () => {
        state = (await (await fetch(`${base}/api/simulate/${id}`)).json()) as JobState;
        return state.status;
      },
      { timeout: 120_000, interval: 250 },
    )
    .not.toBe("running");
  return state!;
}

describe("simulations on worker threads", () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  let base: string;
  beforeAll(async () => {
    app = await buildServer({ access: { open: true } });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => app?.close());

  for (const runs of [3000, 40_000]) {
    it(`a ${runs}-run job reports what the in-process path reports`, async () => {
      const job = await start(base, { scenarioId: "korea-2018", plan: "phased", runs, seed: 7 });
      const state = await ended(base, job.id);
      expect(state.status).toBe("done");
      const local = await runSimulation({
        scenario: korea(),
        plan: job.plan.assignments as never,
        planName: "phased",
        runs,
        seed: 7,
      });
      expect(state.result).toEqual(JSON.parse(JSON.stringify(local)));
    }, 180_000);
  }
});

describe("a simulation job's wall-clock limit", () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  let base: string;
  beforeAll(async () => {
    app = await buildServer({ access: { open: true }, jobTimeLimitMs: 1000 });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => app?.close());

  it("stops a job still running at the limit: failed, saying so, and takes new jobs", async () => {
    // a million runs on one thread take far longer than a second on any machine
    const job = await start(base, { scenarioId: "korea-2018", runs: 1_000_000, workers: 1 });
    const state = await ended(base, job.id);
    expect(state.status).toBe("failed");
    expect(state.error).toMatch(/time limit of 1 s after \d+ of 1000000 runs/);
    if (state.result) expect(state.result.partial).toBe(true);
    const next = await start(base, { scenarioId: "korea-2018", runs: 100 });
    expect((await ended(base, next.id)).status).not.toBe("running");
  }, 180_000);
});
