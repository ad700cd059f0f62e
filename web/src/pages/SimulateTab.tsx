/**
 * Simulation with a progress bar and Cancel: up to BROWSER_MAX_RUNS runs in a browser worker,
 * more as a server job (progress by server-sent events); then the survival curve, each party's
 * realised value and the causes of collapse. The same seed gives the same report either way.
 */
import type { RefObject } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { CompiledScenario } from "../../../src/analysis/index.ts";
import type { Plan } from "../../../src/model/index.ts";
import type { SimulationReport } from "../../../src/simulate/index.ts";
import { Chart } from "../components/Chart.tsx";
import { causesSummary, survivalSummary, valuesSummary } from "../components/chart-summaries.ts";
import { COLORS, causesChart, survivalChart, valuesChart } from "../components/charts.ts";
import { HelpLink } from "../components/Glossary.tsx";
import { api, type Capabilities, type JobState } from "../lib/api.ts";
import { streamUrl } from "../lib/auth.ts";
import { cancelBrowserSimulation, simulateInBrowser, WorkerUnavailable } from "../lib/in-browser.ts";
import type { RiskSetup } from "../lib/sim-results.ts";
import { RESPONSES, readSimulationSetup, simulationSetupParams } from "../lib/sim-setup.ts";
import { readHash, writeParams } from "../lib/url-state.ts";
import { setFields } from "../lib/yaml-edit.ts";
import { BROWSER_MAX_RUNS } from "../workers/simulation-runs.ts";

export interface SimulationDone {
  report: SimulationReport;
  planName: string;
  risk: RiskSetup;
}

interface Props {
  compiled: CompiledScenario;
  source: string;
  plan: Plan;
  planName: string;
  names: Record<string, string>;
  capabilities?: Capabilities;
  onDone(done: SimulationDone): void;
}

/** The scenario's own risk settings, as the form starts. */
function scenarioRisk(compiled: CompiledScenario): RiskSetup {
  const risk = compiled.scenario.risk;
  return {
    hazard: risk.hazard,
    response: risk.response,
    forgive: risk.forgive,
    noise: Object.fromEntries(compiled.partyIds.map((id) => [id, risk.noise[id] ?? 0])),
  };
}

/** Problems with the settings, in the words the CLI uses; empty when they are fine. */
function checkRisk(risk: RiskSetup): string[] {
  const problems: string[] = [];
  const probability = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;
  if (!probability(risk.hazard))
    problems.push(`hazard: expected a probability in [0, 1], got ${risk.hazard}`);
  if (!probability(risk.forgive))
    problems.push(`forgive: expected a probability in [0, 1], got ${risk.forgive}`);
  for (const [party, sigma] of Object.entries(risk.noise)) {
    if (!Number.isFinite(sigma) || sigma < 0)
      problems.push(`noise: expected σ ≥ 0 for '${party}', got ${sigma}`);
  }
  return problems;
}

/** What is wrong with the setup, with the same limits the server checks (so the browser path refuses what a server job would). */
function setupProblem(runs: number, seed: number, risk: RiskSetup): string | undefined {
  if (!Number.isInteger(runs) || runs < 1) return `runs: expected a whole number ≥ 1, got ${runs}`;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    return `seed: expected a whole number from 0 to ${0xffff_ffff}, got ${seed}`;
  }
  const problems = checkRisk(risk);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/**
 * The scenario text with the risk settings written in: both the browser worker and a server job
 * simulate the scenario they are given, so this is how the settings reach either. Written when a
 * simulation starts, not on every change of the form: it parses and prints the whole text (about
 * 50 ms of CPU for korea-2018), which each key typed in a risk field and each opening of the tab
 * used to pay.
 */
export function withRisk(source: string, risk: RiskSetup): string {
  return setFields(source, [
    [["risk", "hazard"], risk.hazard],
    [["risk", "response"], risk.response],
    [["risk", "forgive"], risk.forgive],
    ...Object.entries(risk.noise).map(([party, sigma]): [string[], number] => [
      ["risk", "noise", party],
      sigma,
    ]),
  ]);
}

/** A simulation as the tab shows it, wherever it runs. */
interface Run extends Omit<JobState, "id"> {
  where: "browser" | "server";
  id?: string;
}

export function SimulateTab({
  compiled,
  source: scenarioSource,
  plan,
  planName,
  names,
  capabilities,
  onDone,
}: Props) {
  const { risk, setRisk, runs, setRuns, seed, setSeed } = useSimulationSetup(compiled);
  const serverAvailable = capabilities?.simulation.available ?? true;
  const inBrowser = runs <= BROWSER_MAX_RUNS;
  const available = inBrowser || serverAvailable;
  const sim = useSimulationJob({ scenarioSource, plan, planName, runs, seed, risk }, inBrowser, onDone);
  const running = sim.job?.status === "running";
  const report = sim.job?.status === "done" ? (sim.job.result as SimulationReport) : undefined;
  return (
    <section aria-label="Simulate" class="simulate">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void sim.start();
        }}
      >
        <span>
          plan <strong>{planName}</strong>
        </span>
        <RiskFieldset compiled={compiled} names={names} risk={risk} onRisk={setRisk} />
        <label>
          runs{" "}
          <input
            type="number"
            min={1}
            max={1000000}
            value={runs}
            onInput={(e) => setRuns(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          seed{" "}
          <input type="number" min={0} value={seed} onInput={(e) => setSeed(Number(e.currentTarget.value))} />
        </label>
        <button type="submit" class="primary" disabled={running || !available}>
          Simulate
        </button>
        <span class="muted" data-testid="simulate-where">
          {inBrowser ? "in this browser" : "on the server"}
        </span>
        <button type="button" disabled={!running} onClick={sim.cancel}>
          Cancel
        </button>
      </form>
      {!available && (
        <p class="notice" role="status">
          Simulation on the server is not available in this build ({capabilities?.simulation.reason}); up to{" "}
          {BROWSER_MAX_RUNS.toLocaleString("en")} runs still run in this browser.
        </p>
      )}
      {sim.note && (
        <p class="notice" role="status">
          {sim.note}
        </p>
      )}
      {sim.error && (
        <p class="error" role="alert">
          {sim.error}
        </p>
      )}
      {sim.job && <JobProgress job={sim.job} />}
      {report && <SimulationResult report={report} names={names} />}
    </section>
  );
}

/**
 * The form's setup (risks, runs, seed): it starts as the address left it (a reload, the back
 * button, a shared link), over the scenario's own risk settings; the address follows every change.
 */
function useSimulationSetup(compiled: CompiledScenario) {
  const defaults = useMemo(() => scenarioRisk(compiled), [compiled]);
  const initial = useMemo(() => readSimulationSetup(readHash().params, defaults), []);
  const [risk, setRisk] = useState<RiskSetup>(initial.risk);
  const [runs, setRuns] = useState(initial.runs);
  const [seed, setSeed] = useState(initial.seed);
  useEffect(
    () => writeParams(simulationSetupParams({ runs, seed, risk }, defaults)),
    [runs, seed, risk, defaults],
  );
  return { risk, setRisk, runs, setRuns, seed, setSeed };
}

/** What a simulation is asked to run. */
interface SimRequest {
  /** The scenario text with the form's risks written in. */
  source: string;
  plan: Plan;
  planName: string;
  runs: number;
  seed: number;
  risk: RiskSetup;
}
type SetJob = (update: Run | ((job: Run | undefined) => Run | undefined)) => void;
type OnDone = (done: SimulationDone) => void;

/**
 * The simulation the tab runs: in this browser up to BROWSER_MAX_RUNS (on the server when the
 * worker cannot start, with a note that says so), else as a server job; its progress, its end, and
 * Cancel. Leaving the tab stops a run in the browser and the server job's event stream.
 */
function useSimulationJob(
  setup: Omit<SimRequest, "source"> & { scenarioSource: string },
  inBrowser: boolean,
  onDone: OnDone,
) {
  const [job, setJob] = useState<Run | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [note, setNote] = useState<string | undefined>();
  const stream = useRef<EventSource | undefined>(undefined);
  useEffect(
    () => () => {
      stream.current?.close();
      cancelBrowserSimulation();
    },
    [],
  );
  const start = async () => {
    setError(undefined);
    setNote(undefined);
    const problem = setupProblem(setup.runs, setup.seed, setup.risk);
    if (problem) return setError(problem);
    const { scenarioSource, ...rest } = setup;
    const request: SimRequest = { ...rest, source: withRisk(scenarioSource, setup.risk) };
    stream.current?.close();
    try {
      if (!inBrowser) return await runOnServer(request, setJob, stream, onDone);
      try {
        await runInBrowser(request, setJob, setError, onDone);
      } catch (e) {
        if (!(e instanceof WorkerUnavailable)) throw e;
        setNote(`The simulation worker could not start (${e.message}), so the server runs this.`);
        await runOnServer(request, setJob, stream, onDone);
      }
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const cancel = async () => {
    if (job?.where === "browser") {
      setJob((j) => (j ? { ...j, status: "cancelled" } : j));
      cancelBrowserSimulation();
      return;
    }
    if (job?.id) {
      const state = await api.cancelSimulation(job.id);
      setJob({ ...state, where: "server" });
    }
    stream.current?.close();
  };
  return { job, error, note, start, cancel };
}

/** A server job: created, then followed by its server-sent events until it ends. */
async function runOnServer(
  { source, plan, planName, runs, seed, risk }: SimRequest,
  setJob: SetJob,
  stream: RefObject<EventSource | undefined>,
  onDone: OnDone,
): Promise<void> {
  const created = await api.simulate(source, plan, runs, seed);
  setJob({ ...created, where: "server" });
  const events = new EventSource(streamUrl(`/api/simulate/${created.id}/events`));
  stream.current = events;
  events.addEventListener("progress", (e) => {
    const progress = JSON.parse((e as MessageEvent).data) as JobState["progress"];
    setJob((j) => (j ? { ...j, progress } : j));
  });
  for (const end of ["done", "failed", "cancelled"]) {
    events.addEventListener(end, (e) => {
      const state = JSON.parse((e as MessageEvent).data) as JobState;
      setJob({ ...state, where: "server" });
      if (state.status === "done" && state.result)
        onDone({ report: state.result as SimulationReport, planName, risk });
      events.close();
    });
  }
}

/** A run in this browser's worker; throws WorkerUnavailable when the worker cannot start. */
async function runInBrowser(
  { source, plan, planName, runs, seed, risk }: SimRequest,
  setJob: SetJob,
  setError: (message: string) => void,
  onDone: OnDone,
): Promise<void> {
  const total = runs;
  setJob({ status: "running", progress: { done: 0, total }, where: "browser" });
  try {
    const result = await simulateInBrowser({ source, plan, planName, runs, seed }, (done) =>
      setJob((j) => (j?.status === "running" ? { ...j, progress: { done, total } } : j)),
    );
    setJob({ status: "done", progress: { done: total, total }, result, where: "browser" });
    onDone({ report: result, planName, risk });
  } catch (e) {
    if (e instanceof WorkerUnavailable) throw e;
    setJob((j) =>
      j?.status === "cancelled" ? j : { status: "failed", progress: { done: 0, total }, where: "browser" },
    );
    if ((e as Error).message !== "cancelled") setError((e as Error).message);
  }
}

/** The risks of the run: hazard, the response to a deviation, forgiveness, each party's noise. */
function RiskFieldset({
  compiled,
  names,
  risk,
  onRisk: setRisk,
}: {
  compiled: CompiledScenario;
  names: Record<string, string>;
  risk: RiskSetup;
  onRisk(risk: RiskSetup): void;
}) {
  return (
    <fieldset class="risk-setup" data-testid="risk-setup">
      <legend>
        Risks of the run
        <HelpLink terms={["hazard", "response", "forgive", "sigma"]} />
      </legend>
      <label>
        hazard per phase{" "}
        <input
          type="number"
          min={0}
          max={1}
          step={0.01}
          value={risk.hazard}
          onInput={(e) => setRisk({ ...risk, hazard: Number(e.currentTarget.value) })}
        />
      </label>
      <label>
        response{" "}
        <select value={risk.response} onChange={(e) => setRisk({ ...risk, response: e.currentTarget.value })}>
          {RESPONSES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        forgiveness{" "}
        <input
          type="number"
          min={0}
          max={1}
          step={0.05}
          value={risk.forgive}
          disabled={risk.response !== "generous"}
          onInput={(e) => setRisk({ ...risk, forgive: Number(e.currentTarget.value) })}
        />
      </label>
      {compiled.partyIds.map((id) => (
        <label key={id}>
          noise σ {names[id] ?? id}{" "}
          <input
            type="number"
            min={0}
            step={0.1}
            value={risk.noise[id] ?? 0}
            onInput={(e) =>
              setRisk({ ...risk, noise: { ...risk.noise, [id]: Number(e.currentTarget.value) } })
            }
          />
        </label>
      ))}
    </fieldset>
  );
}

/** How far the simulation is, where it runs, and how it ended. */
function JobProgress({ job }: { job: Run }) {
  return (
    <p>
      <progress
        max={job.progress.total}
        value={job.progress.done}
        aria-label="Simulation progress"
        data-where={job.where}
      />{" "}
      {job.progress.done} / {job.progress.total} runs · {job.status} ·{" "}
      {job.where === "browser" ? "in this browser" : "on the server"}
      {job.error ? `: ${job.error}` : ""}
    </p>
  );
}

/** What each cause of collapse means, in a sentence. */
const CAUSE_TEXT: Record<string, string> = {
  hazard: "an outside shock ended the deal (the hazard per phase), whatever the parties did",
  defection:
    "a party's margin, with its noise, fell below 0 and it stopped doing its moves; the others detected it",
  "failed delivery":
    "a party tried a move but could not deliver it (the move's feasibility below 1), which counts as a deviation",
  "false alarm": "verification wrongly reported a deviation, and the response ended the deal",
  incomplete: "the plan ended without every goal item done and verified",
};

function SimulationResult({ report, names }: { report: SimulationReport; names: Record<string, string> }) {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const survival = report.survival.map((s, phase) => ({ phase, survival: s }));
  const values = Object.entries(report.parties).map(([party, p]) => ({
    party: names[party] ?? party,
    ...p.value,
  }));
  const causes = report.causes.map((c) => ({
    cause: `${c.cause}${c.party ? ` (${names[c.party] ?? c.party})` : ""}, phase ${c.phase}`,
    count: c.share,
  }));
  return (
    <div data-testid="simulation-result">
      <p>
        <strong>P(complete) = {pct(report.completion.p)}</strong> (95% interval {pct(report.completion.low)}–
        {pct(report.completion.high)}) over {report.runs} runs{report.partial ? " (stopped early)" : ""}.{" "}
      </p>
      <p data-testid="over-tolerance">
        {Object.entries(report.parties)
          .map(([party, p]) => `${names[party] ?? party} over tolerance in ${pct(p.overTolerance)} of runs`)
          .join("; ")}
        .{" "}
        <span class="muted">
          This counts runs in which the party's exposure ever went above its tolerance, with values drawn from
          their ranges and parties deviating; the plan view's exposure uses the midpoint values with every
          party keeping to the plan, so a plan can show no exposure above tolerance there and still some here.
        </span>
      </p>
      <div class="chart-row">
        <Chart
          title="Survival: share of runs with the deal alive after each phase"
          fileName="survival"
          summary={survivalSummary(survival)}
          legend={[{ label: "share of runs with the deal alive", color: COLORS.alive, shape: "line" }]}
          terms={["hazard", "response"]}
          deps={[report]}
          render={(width) => survivalChart(survival, { width })}
        />
        <Chart
          title="Realised value per party"
          fileName="realised-values"
          summary={valuesSummary(values)}
          legend={[
            { label: "5–95% of runs", color: "#93c5fd", shape: "band" },
            { label: "median (tick)", color: "#1f2937", shape: "line" },
            { label: "mean", color: "#1d4ed8", shape: "dot" },
          ]}
          terms={["delta", "hazard", "sigma"]}
          deps={[report]}
          render={(width) => valuesChart(values, { width })}
        />
        {causes.length > 0 && (
          <Chart
            title="Causes of collapse (share of the runs that did not complete)"
            fileName="collapse-causes"
            summary={causesSummary(causes)}
            legend={[{ label: "share of the failed runs", color: COLORS.cause, shape: "band" }]}
            terms={["hazard", "sigma", "response"]}
            deps={[report]}
            render={(width) => causesChart(causes, { width })}
          />
        )}
      </div>
      {report.causes.length > 0 && (
        <dl class="causes" data-testid="causes-explained">
          {[...new Set(report.causes.map((c) => c.cause))].map((cause) => (
            <div key={cause}>
              <dt>{cause}</dt>
              <dd>{CAUSE_TEXT[cause] ?? ""}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
