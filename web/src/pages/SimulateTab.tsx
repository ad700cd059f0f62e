/**
 * Simulation on the server as a job: a progress bar fed by server-sent events, Cancel, then the
 * survival curve, each party's realised value and the causes of collapse.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { Plan } from "../../../src/model/schema.ts";
import type { SimulationReport } from "../../../src/simulate/report.ts";
import { Chart } from "../components/Chart.tsx";
import { causesChart, survivalChart, valuesChart } from "../components/charts.ts";
import { api, type Capabilities, type JobState } from "../lib/api.ts";

interface Props {
  source: string;
  plan: Plan;
  planName: string;
  names: Record<string, string>;
  capabilities?: Capabilities;
  width: number;
}

export function SimulateTab({ source, plan, planName, names, capabilities, width }: Props) {
  const [runs, setRuns] = useState(2000);
  const [seed, setSeed] = useState(1);
  const [job, setJob] = useState<JobState | undefined>();
  const [error, setError] = useState<string | undefined>();
  const stream = useRef<EventSource | undefined>(undefined);
  useEffect(() => () => stream.current?.close(), []);
  const available = capabilities?.simulation.available ?? true;

  const start = async () => {
    setError(undefined);
    stream.current?.close();
    try {
      const created = await api.simulate(source, plan, runs, seed);
      setJob(created);
      const events = new EventSource(`/api/simulate/${created.id}/events`);
      stream.current = events;
      events.addEventListener("progress", (e) => {
        const progress = JSON.parse((e as MessageEvent).data) as JobState["progress"];
        setJob((j) => (j ? { ...j, progress } : j));
      });
      for (const end of ["done", "failed", "cancelled"]) {
        events.addEventListener(end, (e) => {
          setJob(JSON.parse((e as MessageEvent).data) as JobState);
          events.close();
        });
      }
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const cancel = async () => {
    if (job) setJob(await api.cancelSimulation(job.id));
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
            onChange={(e) => setRuns(Number(e.currentTarget.value))}
          />
        </label>
        <label>
          seed{" "}
          <input
            type="number"
            min={0}
            value={seed}
            onChange={(e) => setSeed(Number(e.currentTarget.value))}
          />
        </label>
        <button type="submit" class="primary" disabled={running || !available}>
          Simulate
        </button>
        <button type="button" disabled={!running} onClick={cancel}>
          Cancel
        </button>
      </form>
      {!available && (
        <p class="notice" role="status">
          Simulation is not available in this build ({capabilities?.simulation.reason}).
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {job && (
        <p>
          <progress max={job.progress.total} value={job.progress.done} aria-label="Simulation progress" />{" "}
          {job.progress.done} / {job.progress.total} runs · {job.status}
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
          deps={[report, width]}
          render={() => survivalChart(survival, { width })}
        />
        <Chart
          title="Realised value per party"
          fileName="realised-values"
          deps={[report, width]}
          render={() => valuesChart(values, { width })}
        />
        {causes.length > 0 && (
          <Chart
            title="Causes of collapse (share of the runs that did not complete)"
            fileName="collapse-causes"
            deps={[report, width]}
            render={() => causesChart(causes, { width })}
          />
        )}
      </div>
    </div>
  );
}
