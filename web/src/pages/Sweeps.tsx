/**
 * Sweeps, live: the sweeps in the server's database, and one sweep's progress and report as its
 * points arrive (polled once a second while it runs): where feasibility flips, a tornado per
 * figure and a heatmap over the first two variables.
 */
import { useEffect, useState } from "preact/hooks";
import type { Flip, Heatmap, SweepList, SweepStatus } from "../../../src/sweep/report-schema.ts";
import { apiFetch } from "../lib/auth.ts";

const POLL_MS = 1000;
const num = (x: number) => String(Number(x.toPrecision(4)));

async function getJson<T>(url: string): Promise<T> {
  const response = await apiFetch(url);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body as { message?: string }).message ?? response.statusText);
  return body as T;
}

export function SweepsPage({ id }: { id?: string }) {
  return id ? <SweepView id={id} /> : <SweepIndex />;
}

function SweepIndex() {
  const [list, setList] = useState<SweepList["sweeps"] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let stop = false;
    const load = () =>
      getJson<SweepList>("/api/sweeps")
        .then((body) => !stop && setList(body.sweeps))
        .catch((e: Error) => !stop && setError(e.message));
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);
  return (
    <main class="library" id="main" tabIndex={-1} data-testid="sweeps">
      <h1>Sweeps</h1>
      {error && <p class="error">{error} (sweeps need a server with a database: lockstep serve --db FILE)</p>}
      {list && list.length === 0 && (
        <p class="muted">No sweeps yet. Run one into this server's database: lockstep sweep FILE --db FILE</p>
      )}
      <ul class="cards">
        {list?.map((s) => (
          <li key={s.id} class="card" data-sweep={s.id}>
            <a class="card-link" href={`#/sweeps/${s.id}`}>
              <strong>{s.title}</strong>
              <span class="muted">
                {s.done} of {s.points} points · {s.id}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </main>
  );
}

function side(flip: Flip): string {
  const others = Object.entries(flip.others)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(", ");
  return `feasible ${flip.feasible} ${num(flip.threshold)} (between ${num(flip.between[0])} and ${num(flip.between[1])})${others ? ` with ${others}` : ""}`;
}

function SweepView({ id }: { id: string }) {
  const [status, setStatus] = useState<SweepStatus | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await getJson<SweepStatus>(`/api/sweeps/${encodeURIComponent(id)}`);
        if (stop) return;
        setStatus(next);
        setError(undefined);
        if (next.done < next.points) timer = setTimeout(load, POLL_MS);
      } catch (e) {
        if (stop) return;
        setError((e as Error).message);
        timer = setTimeout(load, POLL_MS);
      }
    };
    void load();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id]);
  if (!status)
    return (
      <main class="library" id="main" tabIndex={-1}>
        {error ? <p class="error">{error}</p> : <p>Loading…</p>}
      </main>
    );
  const { report } = status;
  const running = status.done < status.points;
  return (
    <main class="library sweep" id="main" tabIndex={-1} data-testid="sweep">
      <p>
        <a href="#/sweeps">All sweeps</a>
      </p>
      <h1>{status.title}</h1>
      <p data-testid="sweep-progress" aria-live="polite">
        <progress max={status.points} value={status.done} /> {status.done} of {status.points} points
        {running ? " · running" : " · done"}
        {report.errors > 0 && ` · ${report.errors} failed`}
        {report.feasibleShare !== null &&
          ` · feasible at ${Math.round(report.feasibleShare * 1000) / 10}% of the points`}
      </p>
      {report.feasibility && (
        <section>
          <h2>Where feasibility flips</h2>
          <table class="compare" data-testid="sweep-flips">
            <thead>
              <tr>
                <th>variable</th>
                <th>lines that flip</th>
                <th>thresholds</th>
                <th>as written</th>
              </tr>
            </thead>
            <tbody>
              {report.flips.map((f) => (
                <tr key={f.variable}>
                  <th scope="row">{f.variable}</th>
                  <td data-label="lines that flip">
                    {f.flipped} of {f.lines}
                  </td>
                  <td data-label="thresholds">
                    {f.low === null || f.high === null ? "never flips" : `${num(f.low)} … ${num(f.high)}`}
                  </td>
                  <td data-label="as written">{f.asWritten ? side(f.asWritten) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {Object.entries(report.tornado).map(([figure, bars]) => {
        const largest = Math.max(...bars.map((b) => b.swing), 0);
        return (
          <section key={figure} data-testid={`tornado-${figure}`}>
            <h2>Tornado — {figure}</h2>
            {bars.map((b) => (
              <div key={b.variable} class="tornado-row">
                <span class="tornado-label">{b.variable}</span>
                {/* The bar is a share of its track, so the row fits a phone as well as a desktop. */}
                <span class="tornado-track">
                  <span
                    class="tornado-bar"
                    role="img"
                    aria-label={`${b.variable}: ${num(b.atLow)} to ${num(b.atHigh)}`}
                    style={`width:${largest > 0 ? (b.swing / largest) * 100 : 0}%`}
                  />
                </span>
                <span class="muted">
                  {num(b.atLow)} → {num(b.atHigh)}
                </span>
              </div>
            ))}
          </section>
        );
      })}
      {status.heatmap && <HeatmapTable map={status.heatmap} />}
    </main>
  );
}

function HeatmapTable({ map }: { map: Heatmap }) {
  const values = map.cells.flat().filter((x): x is number => x !== null);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const shade = (x: number | null) => {
    if (x === null) return "background:#eee";
    const t = hi > lo ? (x - lo) / (hi - lo) : 1;
    return `background:rgba(46,139,87,${0.15 + 0.85 * t})`;
  };
  return (
    <section>
      <h2>
        Heatmap — {map.metric}: {map.y} × {map.x}
      </h2>
      <table class="compare" data-testid="sweep-heatmap">
        <thead>
          <tr>
            <th>
              {map.y} \ {map.x}
            </th>
            {map.xs.map((x) => (
              <th key={x}>{num(x)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {map.ys.map((y, r) => (
            <tr key={y}>
              <th scope="row">{num(y)}</th>
              {map.cells[r].map((cell, c) => (
                <td key={map.xs[c]} style={shade(cell)} data-label={`${map.x} ${num(map.xs[c])}`}>
                  {cell === null ? "·" : num(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
