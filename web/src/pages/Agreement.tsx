/**
 * An adopted agreement, live: planned against actual for every move, each party's exposure now
 * against its tolerance, and the alerts, refreshed by the ledger's server-sent events. Around them
 * (pages/agreement/): the charter's participants and phase dates, charter signing, the event form
 * and the page's own check of the chain, all signing with keys held in this tab.
 */
import * as Plot from "@observablehq/plot";
import { useEffect, useState } from "preact/hooks";
import type { AgreementStatus } from "../../../src/ledger/index.ts";
import type { AgreementDocument, LedgerEvent } from "../../../src/server/agreement-schemas.ts";
import { Chart } from "../components/Chart.tsx";
import { type ContinuationProposal, Replan } from "../components/Replan.tsx";
import { agreementsApi, openReadSession, readerOf } from "../lib/agreements.ts";
import { apiFetch, streamUrl } from "../lib/auth.ts";
import { AmendmentPanel } from "./agreement/AmendmentPanel.tsx";
import { ChainCheck } from "./agreement/ChainCheck.tsx";
import { CharterPanel, PhaseDates } from "./agreement/CharterPanel.tsx";
import { EventForm } from "./agreement/EventForm.tsx";
import { KeyLoader } from "./agreement/KeyLoader.tsx";
import type { ProposalSeed } from "./agreement/ProposeAmendment.tsx";
import { ReadAccess } from "./agreement/ReadAccess.tsx";
import { VerifierReports } from "./agreement/VerifierReports.tsx";

/** One line of the ledger list: the move it names and its text, for the event types that have them. */
function describeEvent(body: LedgerEvent["body"]): string {
  const move = "move" in body && body.move ? ` (${body.move})` : "";
  const text = "text" in body && body.text ? `: ${body.text}` : "";
  return move + text;
}

export function Agreement({ id }: { id: string }) {
  const [status, setStatus] = useState<AgreementStatus | undefined>();
  const [events, setEvents] = useState<LedgerEvent[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // The charter, who has signed it and the head: re-read after a signature and with each status.
  const [doc, setDoc] = useState<AgreementDocument | undefined>();
  const [signatures, setSignatures] = useState(0);
  // Without the admin token, reading needs a participant's read session (ReadAccess opens one).
  const [locked, setLocked] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // The re-plan's continuation handed to the amendment form ("Propose this as an amendment").
  const [seed, setSeed] = useState<ProposalSeed | undefined>();
  const propose = (p: ContinuationProposal) => setSeed((s) => ({ ...p, nonce: (s?.nonce ?? 0) + 1 }));

  useEffect(() => {
    // The stream replays the ledger from the start, then sends each new event and a fresh status.
    const stream = new EventSource(streamUrl(`/api/agreements/${encodeURIComponent(id)}/events/stream`));
    stream.onopen = () => setLive(true);
    stream.onerror = () => {
      setLive(false);
      apiFetch(`/api/agreements/${encodeURIComponent(id)}`).then((r) => {
        if (r.status === 404) {
          setError(`No agreement '${id}'.`);
          stream.close();
        } else if (r.status === 401 || r.status === 403) {
          stream.close();
          // A read token expired: renew it with the key that opened it, else ask for a key.
          const reader = readerOf(id);
          if (!reader) setLocked(true);
          else
            openReadSession(id, reader.participant, reader.key)
              .then(() => setAttempt((n) => n + 1))
              .catch(() => setLocked(true));
        }
      });
    };
    stream.addEventListener("status", (e) =>
      setStatus(JSON.parse((e as MessageEvent).data) as AgreementStatus),
    );
    stream.addEventListener("ledger", (e) => {
      const event = JSON.parse((e as MessageEvent).data) as LedgerEvent;
      setEvents((list) => (list.some((x) => x.seq === event.seq) ? list : [...list, event]));
    });
    return () => stream.close();
  }, [id, attempt]);
  const eventCount = status?.events;
  useEffect(() => {
    agreementsApi
      .get(id)
      .then(setDoc)
      .catch(() => setDoc(undefined));
  }, [id, eventCount, signatures, attempt]);
  useEffect(() => {
    document.title = `${status?.title ?? id}: agreement — Lockstep workbench`;
  }, [status?.title, id]);

  if (locked)
    return (
      <ReadAccess
        id={id}
        onOpened={() => {
          setLocked(false);
          setAttempt((n) => n + 1);
        }}
      />
    );
  if (error)
    return (
      <main class="error" id="main" tabIndex={-1}>
        {error}
      </main>
    );
  if (!status)
    return (
      <main class="loading" id="main" tabIndex={-1}>
        Connecting to the ledger…
      </main>
    );
  const partyName = (pid: string) => status.parties.find((p) => p.id === pid)?.name ?? pid;
  const participantName = (pid: string) => doc?.charter.participants.find((p) => p.id === pid)?.name ?? pid;
  return (
    <main class="agreement" data-testid="agreement" id="main" tabIndex={-1}>
      <h1>{status.title}</h1>
      <p>
        Plan <strong>{status.plan}</strong> · phase {status.phase} of {status.plannedPhases} · {status.events}{" "}
        event
        {status.events === 1 ? "" : "s"} · {status.complete ? "complete" : "in progress"} ·{" "}
        <span class={live ? "ok" : "muted"} data-testid="live">
          {live ? "live" : "reconnecting…"}
        </span>
      </p>
      {status.alerts.length > 0 && (
        <ul class="alerts" data-testid="alerts">
          {status.alerts.map((a) => (
            <li key={a.message} class={`alert alert-${a.level}`}>
              {a.message}
            </li>
          ))}
        </ul>
      )}
      {doc && (
        <>
          <ChainCheck id={id} version={`${doc.head}:${doc.signedBy.length}`} />
          <KeyLoader charter={doc.charter} />
          <CharterPanel doc={doc} partyName={partyName} onSigned={() => setSignatures((n) => n + 1)} />
          {doc.state === "active" && (
            <AmendmentPanel
              charter={doc.charter}
              events={status.events}
              participantName={participantName}
              seed={seed}
            />
          )}
          {doc.state === "active" && <EventForm charter={doc.charter} status={status} />}
          <PhaseDates calendar={doc.charter.calendar} phases={status.plannedPhases} current={status.phase} />
        </>
      )}
      <Replan id={id} events={status.events} onPropose={doc?.state === "active" ? propose : undefined} />
      <h2>Planned and actual</h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
      <section class="table-scroll" tabIndex={0} aria-label="Planned and actual, per move">
        <table class="compare" data-testid="agreement-moves">
          <thead>
            <tr>
              <th scope="col">move</th>
              <th scope="col">actor</th>
              <th scope="col">planned by now</th>
              <th scope="col">done</th>
              <th scope="col">verified</th>
              <th scope="col">state</th>
              <th scope="col">timing</th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      </section>
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
      <h2>Exposure now</h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
      <section class="table-scroll" tabIndex={0} aria-label="Exposure now, per party">
        <table class="compare" data-testid="agreement-parties">
          <thead>
            <tr>
              <th scope="col">party</th>
              <th scope="col">exposure (worst case)</th>
              <th scope="col">tolerance</th>
              <th scope="col">margin now</th>
              <th scope="col">value now</th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      </section>
      <VerifierReports events={events} moves={status.moves} participantName={participantName} />
      <h2>Ledger</h2>
      <ol class="ledger" data-testid="ledger-events">
        {events.slice(-20).map((e) => (
          <li key={e.seq} value={e.seq}>
            <code>{e.body.type}</code> by {participantName(e.body.by)}
            {describeEvent(e.body)} <span class="muted">{new Date(e.receivedAt).toLocaleString()}</span>
          </li>
        ))}
      </ol>
    </main>
  );
}
