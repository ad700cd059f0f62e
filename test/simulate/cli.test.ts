/**
 * `lockstep simulate` as a user meets it: a real process, real worker threads, for the same output
 * on 1, 2 and 4 workers, the text in a pipe and Ctrl-C. Another seed, `--plan optimal` and the
 * options it refuses run through the binary's entry in this process (`lockstepInProcess`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SimulationReport } from "../../src/simulate/report.ts";
import { BIN, lockstep, lockstepInProcess, ROOT } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lockstep-simulate-"));
const scenario = join(dir, "exchange.yaml");
// feasible on paper (so the planner finds a plan); the risks below make it fail now and then
writeFileSync(
  scenario,
  `
id: exchange
parties:
  - { id: a, tolerance: 1 }
  - { id: b, tolerance: 1 }
moves:
  - { id: give, actor: a, value: { a: -1, b: [3, 5] }, feasibility: 0.95, verify: { falseAlarm: 0.02 } }
  - { id: pay, actor: b, value: { a: 4, b: [-1.2, -0.8] }, feasibility: 0.9 }
  - { id: thanks, actor: a, value: { a: 1, b: 2 }, verify: { lag: 1 } }
plans:
  steps: { give: 1, pay: 2, thanks: 3 }
risk: { hazard: 0.03, noise: { a: 0.5, b: 0.5 }, response: tit-for-tat }
`,
);

describe("lockstep simulate", () => {
  it("prints byte-identical --json for 1, 2 and 4 workers with the same seed", async () => {
    // 40,000 runs make three chunks, so the workers really share the work
    const outputs = [1, 2, 4].map((workers) =>
      lockstep([
        "simulate",
        scenario,
        "--runs",
        "40000",
        "--seed",
        "42",
        "--workers",
        String(workers),
        "--json",
      ]),
    );
    for (const result of outputs) expect(result.status, result.stderr).toBe(0);
    expect(outputs[1].stdout).toBe(outputs[0].stdout);
    expect(outputs[2].stdout).toBe(outputs[0].stdout);
    const report = SimulationReport.parse(JSON.parse(outputs[0].stdout));
    expect(report).toMatchObject({
      runs: 40000,
      seed: 42,
      partial: false,
      plan: "steps",
      response: "tit-for-tat",
    });
    expect(report.completion.low).toBeLessThanOrEqual(report.completion.p);
    expect(report.completion.p).toBeLessThanOrEqual(report.completion.high);
    expect(report.survival[0]).toBe(1);
    expect(Object.keys(report.parties)).toEqual(["a", "b"]);
    const shares = report.causes.reduce((sum, c) => sum + c.share, 0);
    expect(Math.abs(shares - 1)).toBeLessThan(1e-5);
    // another seed gives another sample (on one worker: its thread count is not what differs);
    // a variant of the runs above, through the binary's entry in this process
    const other = await lockstepInProcess([
      "simulate",
      scenario,
      "--runs",
      "40000",
      "--seed",
      "43",
      "--workers",
      "1",
      "--json",
    ]);
    expect(other.stdout).not.toBe(outputs[0].stdout);
  });

  it("prints completion, survival, values and causes for people", () => {
    // the real process: no progress bar is a property of its stderr in a pipe
    const result = lockstep(["simulate", scenario, "--runs", "2000", "--workers", "1", "--response", "grim"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Completion: \d+\.\d% \(95% Wilson interval \d+\.\d% to \d+\.\d%\)/);
    expect(result.stdout).toContain("Survival");
    expect(result.stdout).toMatch(/^a\s+-?\d/m);
    expect(result.stdout).toMatch(/Causes of failure/);
    expect(result.stdout).toContain("response grim");
    expect(result.stderr).toBe(""); // no progress bar when stderr is not a terminal
  });

  it("simulates the planner's optimal plan with --plan optimal", async () => {
    const result = await lockstepInProcess([
      "simulate",
      scenario,
      "--plan",
      "optimal",
      "--runs",
      "2000",
      "--workers",
      "1",
      "--json",
    ]);
    expect(result.status, result.stderr).toBe(0);
    const report = SimulationReport.parse(JSON.parse(result.stdout));
    expect(report.plan).toBe("optimal");
    expect(report.runs).toBe(2000);
  });

  it.each([
    [["--runs", "0"], /--runs: expected a whole number/],
    [["--runs", "many"], /--runs: expected a whole number/],
    [["--seed", "-1"], /--seed: expected a whole number/],
    [["--workers", "0"], /--workers: expected a whole number/],
    [["--plan", "stpes"], /unknown plan 'stpes'; did you mean 'steps'\?/],
    [["--response", "grum"], /grim, tit-for-tat, generous/],
    [["--hazard", "1.5"], /--hazard: expected a probability in \[0, 1\]/],
    [["--forgive", "-0.1"], /--forgive: expected a probability in \[0, 1\]/],
    [["--noise", "c=1"], /--noise: unknown party 'c'/],
    [["--noise", "a=-1"], /--noise: expected PARTY=SIGMA/],
  ])("rejects %j with a clear message and exit status 2", async (args, message) => {
    const result = await lockstepInProcess(["simulate", scenario, "--runs", "10", ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("stops on Ctrl-C and prints the partial result, marked partial", async () => {
    // Ctrl-C once the command is running. The process says nothing before it ends, so the pause is a
    // guess: if the signal lands before the CLI has loaded (a slow machine), Node's default ends it
    // without a word, and the test tries again with twice the pause instead of failing. One worker
    // thread, and a first pause of 1 s (the CLI loads in a fraction of it near idle): every second
    // of the pause is a CPU-second of simulation thrown away, and a retry costs a start (0.2–0.3).
    const interrupt = async (pauseMs: number) => {
      const child = spawn(
        process.execPath,
        [BIN, "simulate", scenario, "--runs", "1000000000", "--workers", "1", "--json"],
        { cwd: ROOT },
      );
      let stdout = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal })),
      );
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      child.kill("SIGINT");
      return { ...(await exited), stdout };
    };
    let result = await interrupt(1000);
    for (let pause = 2000; result.signal === "SIGINT" && pause <= 48_000; pause *= 2) {
      result = await interrupt(pause);
    }
    expect(result.code).toBe(130);
    const report = SimulationReport.parse(JSON.parse(result.stdout));
    expect(report.partial).toBe(true);
    expect(report.runs).toBeLessThan(1_000_000_000);
  }, 240_000);
});
