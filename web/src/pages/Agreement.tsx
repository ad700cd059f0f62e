/**
 * An adopted agreement, live: planned against actual for every move, each party's exposure now
 * against its tolerance, and the alerts, refreshed by the ledger's server-sent events. Around them
 * (pages/agreement/): the charter's participants and phase dates, charter signing, the event form
 * and the page's own check of the chain, all signing with keys held in this tab.
 */
import { useEffect, useState } from "preact/hooks";
import type { AgreementStatus } from "../../../src/ledger/index.ts";
import type { AgreementDocument, LedgerEvent } from "../../../src/server/agreement-schemas.ts";
import { type ContinuationProposal, Replan } from "../components/Replan.tsx";
import { agreementsApi, openReadSession, readerOf } from "../lib/agreements.ts";
import { apiFetch, streamUrl } from "../lib/auth.ts";
import { AmendmentPanel } from "./agreement/AmendmentPanel.tsx";
import { ChainCheck } from "./agreement/ChainCheck.tsx";
import { CharterPanel, PhaseDates } from "./agreement/CharterPanel.tsx";
import { EventForm } from "./agreement/EventForm.tsx";
import { KeyLoader } from "./agreement/KeyLoader.tsx";
import { ExposureNow, LedgerList, PlannedAndActual } from "./agreement/LiveStatus.tsx";
import type { ProposalSeed } from "./agreement/ProposeAmendment.tsx";
import { ReadAccess } from "./agreement/ReadAccess.tsx";
import { VerifierReports } from "./agreement/VerifierReports.tsx";

export function Agreement({ id }: { id: string }) {
  const feed = useLedgerStream(id);
  const { status, events, attempt } = feed;
  const [doc, onSigned] = useAgreementDocument(id, status?.events, attempt);
  // The re-plan's continuation handed to the amendment form ("Propose this as an amendment").
  const [seed, setSeed] = useState<ProposalSeed | undefined>();
  const propose = (p: ContinuationProposal) => setSeed((s) => ({ ...p, nonce: (s?.nonce ?? 0) + 1 }));
  useEffect(() => {
    document.title = `${status?.title ?? id}: agreement — Lockstep workbench`;
  }, [status?.title, id]);

  if (feed.locked) return <ReadAccess id={id} onOpened={feed.reopen} />;
  if (feed.error)
    return (
      <main class="error" id="main" tabIndex={-1}>
        {feed.error}
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
        <span class={feed.live ? "ok" : "muted"} data-testid="live">
          {feed.live ? "live" : "reconnecting…"}
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
          <CharterPanel doc={doc} partyName={partyName} onSigned={onSigned} />
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
      <PlannedAndActual id={id} status={status} partyName={partyName} />
      <ExposureNow status={status} />
      <VerifierReports events={events} moves={status.moves} participantName={participantName} />
      <LedgerList events={events} participantName={participantName} />
    </main>
  );
}

/**
 * The ledger's server-sent events: the stream replays the ledger from the start, then sends each
 * new event and a fresh status. When it drops, the agreement is asked for again to learn why: gone,
 * or (without the admin token) a read token that expired, renewed with the key that opened it, else
 * the page asks for a key (ReadAccess); `reopen` starts over once one is given.
 */
function useLedgerStream(id: string) {
  const [status, setStatus] = useState<AgreementStatus | undefined>();
  const [events, setEvents] = useState<LedgerEvent[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [locked, setLocked] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
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
  const reopen = () => {
    setLocked(false);
    setAttempt((n) => n + 1);
  };
  return { status, events, live, error, locked, attempt, reopen };
}

/**
 * The charter, who has signed it and the head: re-read with each status, after a signature made
 * on this page (the function returned), and after each new read session.
 */
function useAgreementDocument(id: string, eventCount: number | undefined, attempt: number) {
  const [doc, setDoc] = useState<AgreementDocument | undefined>();
  const [signatures, setSignatures] = useState(0);
  useEffect(() => {
    agreementsApi
      .get(id)
      .then(setDoc)
      .catch(() => setDoc(undefined));
  }, [id, eventCount, signatures, attempt]);
  return [doc, () => setSignatures((n) => n + 1)] as const;
}
