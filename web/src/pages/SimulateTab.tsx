/**
 * Simulation with a progress bar and Cancel: up to BROWSER_MAX_RUNS runs in a browser worker,
 * more as a server job (progress by server-sent events); then the survival curve, each party's
 * realised value and the causes of collapse. The same seed gives the same report either way.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Plan } from "../../../src/model/schema.ts";
import type { SimulationReport } from "../../../src/simulate/report.ts";
import { Chart } from "../components/Chart.tsx";
import { causesSummary, survivalSummary, valuesSummary } from "../components/chart-summaries.ts";
import { causesChart, survivalChart, valuesChart } from "../components/charts.ts";
import { api, type Capabilities, type JobState } from "../lib/api.ts";
import { cancelBrowserSimulation, simulateInBrowser, WorkerUnavailable } from "../lib/in-browser.ts";
import { BROWSER_MAX_RUNS } from "../workers/simulation-runs.ts";

interface Props {
  source: string;
  plan: Plan;
  planName: string;
  names: Record<string, string>;
  capabilities?: Capabilities;
  width: number;
}

/** A simulation as the tab shows it, wherever it runs. */
interface Run extends Omit<JobState, "id"> {
  where: "browser" | "server";
  id?: string;
}

export function SimulateTab({ source, plan, planName, names, capabilities, width }: Props) {
  const [runs, setRuns] = useState(2000);
  const [seed, setSeed] = useState(1);
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
  const serverAvailable = capabilities?.simulation.available ?? true;
  const inBrowser = runs <= BROWSER_MAX_RUNS;
  const available = inBrowser || serverAvailable;

  const startOnServer = async () => {
    const created = await api.simulate(source, plan, runs, seed);
    setJob({ ...created, where: "server" });
    const events = new EventSource(`/api/simulate/${created.id}/events`);
    stream.current = events;
    events.addEventListener("progress", (e) => {
      const progress = JSON.parse((e as MessageEvent).data) as JobState["progress"];
      setJob((j) => (j ? { ...j, progress } : j));
    });
    for (const end of ["done", "failed", "cancelled"]) {
      events.addEventListener(end, (e) => {
        setJob({ ...(JSON.parse((e as MessageEvent).data) as JobState), where: "server" });
        events.close();
      });
    }
  };

  const startInBrowser = async () => {
    const total = runs;
    setJob({ status: "running", progress: { done: 0, total }, where: "browser" });
    try {
      const result = await simulateInBrowser({ source, plan, planName, runs, seed }, (done) =>
        setJob((j) => (j?.status === "running" ? { ...j, progress: { done, total } } : j)),
      );
      setJob({ status: "done", progress: { done: total, total }, result, where: "browser" });
    } catch (e) {
      if (e instanceof WorkerUnavailable) throw e;
      setJob((j) =>
        j?.status === "cancelled" ? j : { status: "failed", progress: { done: 0, total }, where: "browser" },
      );
      if ((e as Error).message !== "cancelled") setError((e as Error).message);
    }
  };

  const start = async () => {
    setError(undefined);
    setNote(undefined);
    // The same limits the server checks, so the browser path refuses what a server job would.
    if (!Number.isInteger(runs) || runs < 1)
      return setError(`runs: expected a whole number ≥ 1, got ${runs}`);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
      return setError(`seed: expected a whole number from 0 to ${0xffff_ffff}, got ${seed}`);
    }
    stream.current?.close();
    try {
      if (!inBrowser) return await startOnServer();
      try {
        await startInBrowser();
      } catch (e) {
        if (!(e instanceof WorkerUnavailable)) throw e;
        setNote(`The simulation worker could not start (${e.message}), so the server runs this.`);
        await startOnServer();
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
  const running = job?.status === "running";
  const report = job?.status === "done" ? (job.result as SimulationReport) : undefined;
  return (
    <section aria-label="Simulate" class="simulate">
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <span>
          plan <strong>{planName}</strong>
        </span>
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
        <button type="button" disabled={!running} onClick={cancel}>
          Cancel
        </button>
      </form>
      {!available && (
        <p class="notice" role="status">
          Simulation on the server is not available in this build ({capabilities?.simulation.reason}); up to{" "}
          {BROWSER_MAX_RUNS.toLocaleString("en")} runs still run in this browser.
        </p>
      )}
      {note && (
        <p class="notice" role="status">
          {note}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {job && (
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
      )}
      {report && <SimulationResult report={report} names={names} width={width} />}
    </section>
  );
}

function SimulationResult({
  report,
  names,
  width,
}: {
  report: SimulationReport;
  names: Record<string, string>;
  width: number;
}) {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const survival = report.survival.map((s, phase) => ({ phase, survival: s }));
  const values = Object.entries(report.parties).map(([party, p]) => ({
    party: names[party] ?? party,
    ...p.value,
  }));
  const causes = report.causes.map((c) => ({
    cause: `${c.cause}${c.party ? ` (${c.party})` : ""}, phase ${c.phase}`,
    count: c.share,
  }));
  return (
    <div data-testid="simulation-result">
      <p>
        <strong>P(complete) = {pct(report.completion.p)}</strong> (95% interval {pct(report.completion.low)}–
        {pct(report.completion.high)}) over {report.runs} runs{report.partial ? " (stopped early)" : ""}.{" "}
        {Object.entries(report.parties)
          .map(([party, p]) => `${names[party] ?? party} over tolerance in ${pct(p.overTolerance)} of runs`)
          .join("; ")}
        .
      </p>
      <div class="chart-row">
        <Chart
          title="Survival: share of runs with the deal alive after each phase"
          fileName="survival"
          summary={survivalSummary(survival)}
          deps={[report, width]}
          render={() => survivalChart(survival, { width })}
        />
        <Chart
          title="Realised value per party"
          fileName="realised-values"
          summary={valuesSummary(values)}
          deps={[report, width]}
          render={() => valuesChart(values, { width })}
        />
        {causes.length > 0 && (
          <Chart
            title="Causes of collapse (share of the runs that did not complete)"
            fileName="collapse-causes"
            summary={causesSummary(causes)}
            deps={[report, width]}
            render={() => causesChart(causes, { width })}
          />
        )}
      </div>
    </div>
  );
}
