/**
 * What the agreement page shows of the live status (refreshed by the ledger's server-sent events):
 * planned against actual for every move, each party's exposure now against its tolerance, and the
 * latest events of the ledger.
 */
import * as Plot from "@observablehq/plot";
import type { AgreementStatus } from "../../../../src/ledger/index.ts";
import type { LedgerEvent } from "../../../../src/server/agreement-schemas.ts";
import { Chart } from "../../components/Chart.tsx";
import { ScrollTable } from "../../components/ScrollTable.tsx";

/** Every move: planned by now, done and verified, as a table and as a chart. */
export function PlannedAndActual({
  id,
  status,
  partyName,
}: {
  id: string;
  status: AgreementStatus;
  partyName: (id: string) => string;
}) {
  return (
    <>
      <h2>Planned and actual</h2>
      <ScrollTable
        label="Planned and actual, per move"
        testId="agreement-moves"
        columns={["move", "actor", "planned by now", "done", "verified", "state", "timing"]}
      >
        {status.moves.map((m) => (
          <tr key={m.id} data-move={m.id}>
            <th scope="row">{m.title}</th>
            <td>{partyName(m.actor)}</td>
            <td>{Math.round(m.planned * 100)}%</td>
            <td>{Math.round(m.done * 100)}%</td>
            <td>{Math.round(m.verified * 100)}%</td>
            <td data-testid="move-state">{m.state}</td>
            <td class={m.overdueBy > 0 ? "over" : ""}>
              {m.overdueBy > 0
                ? `${m.overdueBy} phase(s) overdue`
                : m.dueNow
                  ? "due now"
                  : m.unlocked
                    ? "unlocked"
                    : ""}
            </td>
          </tr>
        ))}
      </ScrollTable>
      <PlannedAndActualChart id={id} status={status} />
    </>
  );
}

/** The same shares as a chart: a band for each, planned by now under done under verified. */
function PlannedAndActualChart({ id, status }: { id: string; status: AgreementStatus }) {
  return (
    <Chart
      title="Share of each move planned by now, done and verified"
      fileName={`${id}-planned-vs-actual`}
      summary={status.moves
        .map(
          (m) =>
            `${m.title}: planned ${Math.round(100 * m.planned)}%, done ${Math.round(100 * m.done)}%, verified ${Math.round(100 * m.verified)}%`,
        )
        .join("; ")}
      legend={[
        { label: "planned by now", color: "#cbd5e1", shape: "band" },
        { label: "done", color: "#60a5fa", shape: "band" },
        { label: "verified", color: "#15803d", shape: "band" },
      ]}
      terms={["lag"]}
      deps={[status]}
      render={(width) =>
        Plot.plot({
          width,
          height: 50 + 30 * status.moves.length,
          marginLeft: Math.min(200, width / 3),
          style: { fontSize: "11px", background: "white" },
          x: {
            domain: [0, 100],
            percent: true,
            label: "share of the move (%) →",
            grid: true,
          },
          y: { label: null, domain: status.moves.map((m) => m.title) },
          marks: [
            Plot.barX(status.moves, {
              x: "planned",
              y: "title",
              fill: "#cbd5e1",
              insetTop: 2,
              insetBottom: 2,
            }),
            Plot.barX(status.moves, {
              x: "done",
              y: "title",
              fill: "#60a5fa",
              insetTop: 7,
              insetBottom: 7,
            }),
            Plot.barX(status.moves, {
              x: "verified",
              y: "title",
              fill: "#15803d",
              insetTop: 11,
              insetBottom: 11,
            }),
            Plot.ruleX([0]),
          ],
        })
      }
    />
  );
}
/** Each party's exposure now (and its worst case), against its tolerance. */
export function ExposureNow({ status }: { status: AgreementStatus }) {
  return (
    <>
      <h2>Exposure now</h2>
      <ScrollTable
        label="Exposure now, per party"
        testId="agreement-parties"
        columns={["party", "exposure (worst case)", "tolerance", "margin now", "value now"]}
      >
        {status.parties.map((p) => (
          <tr key={p.id}>
            <th scope="row">{p.name}</th>
            <td class={p.over ? "over" : ""}>
              {p.exposure.toFixed(2)} ({p.worstExposure.toFixed(2)})
            </td>
            <td>{p.tolerance.toFixed(2)}</td>
            <td class={p.marginOver ? "over" : ""}>{p.margin?.toFixed(2) ?? "—"}</td>
            <td>{p.utility.toFixed(2)}</td>
          </tr>
        ))}
      </ScrollTable>
    </>
  );
}

/** One line of the ledger list: the move it names and its text, for the event types that have them. */
function describeEvent(body: LedgerEvent["body"]): string {
  const move = "move" in body && body.move ? ` (${body.move})` : "";
  const text = "text" in body && body.text ? `: ${body.text}` : "";
  return move + text;
}

/** The last 20 events of the ledger. */
export function LedgerList({
  events,
  participantName,
}: {
  events: LedgerEvent[];
  participantName: (id: string) => string;
}) {
  return (
    <>
      <h2>Ledger</h2>
      <ol class="ledger" data-testid="ledger-events">
        {events.slice(-20).map((e) => (
          <li key={e.seq} value={e.seq}>
            <code>{e.body.type}</code> by {participantName(e.body.by)}
            {describeEvent(e.body)} <span class="muted">{new Date(e.receivedAt).toLocaleString()}</span>
          </li>
        ))}
      </ol>
    </>
  );
}
