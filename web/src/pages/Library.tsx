/** The scenario library: built-in and saved scenarios, each with a short description. */
import { useEffect, useState } from "preact/hooks";
import type { AgreementList } from "../../../src/server/agreement-schemas.ts";
import { api, type ScenarioSummary } from "../lib/api.ts";
import { apiFetch } from "../lib/auth.ts";
import { useParam, yesNo } from "../lib/url-state.ts";

export function Library() {
  const [scenarios, setScenarios] = useState<ScenarioSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [agreements, setAgreements] = useState<AgreementList["agreements"]>([]);
  const [archived, setArchived] = useParam("archived", "no", yesNo);
  const showArchived = archived === "yes";
  const setShowArchived = (show: boolean) => setArchived(show ? "yes" : "no");
  const load = () =>
    api
      .list()
      .then(setScenarios)
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    document.title = "Scenarios — Lockstep workbench";
    void load();
    // Agreements exist only when the server has a database and the ledger's routes. All of them,
    // archived ones too (each says so), so the toggle below shows them without another request.
    apiFetch("/api/agreements?archived=1")
      .then((r) => (r.ok ? r.json() : { agreements: [] }))
      .then((body: AgreementList) => setAgreements(body.agreements))
      .catch(() => setAgreements([]));
  }, []);
  const archivedCount = agreements.filter((a) => a.archived).length;
  const shown = showArchived ? agreements : agreements.filter((a) => !a.archived);
  const remove = async (id: string) => {
    if (!confirm(`Delete the saved scenario '${id}'?`)) return;
    await api.remove(id).catch((e: Error) => setError(e.message));
    void load();
  };
  return (
    <main class="library" data-testid="library" id="main" tabIndex={-1}>
      <div class="library-head">
        <h1>Scenarios</h1>
        <a class="button" href="#/new">
          New scenario
        </a>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!scenarios && !error && <p>Loading…</p>}
      {scenarios && (
        <ul class="cards">
          {scenarios.map((s) => (
            <li key={s.id} class="card" data-scenario={s.id}>
              <a href={`#/s/${encodeURIComponent(s.id)}`} class="card-link">
                <strong>{s.title}</strong>
                <span class="muted">
                  {s.id} · {s.builtin ? "built-in" : "saved"} · {s.parties} parties · {s.moves} moves
                  {!s.valid && " · has problems"}
                </span>
                <span>{s.description || "No description."}</span>
              </a>
              {!s.builtin && (
                <button
                  type="button"
                  class="small danger"
                  onClick={() => remove(s.id)}
                  aria-label={`Delete ${s.id}`}
                >
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {agreements.length > 0 && (
        <>
          <h2>Agreements</h2>
          {archivedCount > 0 && (
            <label class="inline">
              <input
                type="checkbox"
                data-testid="show-archived"
                checked={showArchived}
                onChange={(e) => setShowArchived(e.currentTarget.checked)}
              />{" "}
              Show archived agreements ({archivedCount})
            </label>
          )}
          {shown.length === 0 && <p class="muted">Every agreement here is archived.</p>}
          <ul class="cards" data-testid="agreements">
            {shown.map((a) => (
              <li
                key={a.id}
                class="card"
                data-agreement={a.id}
                data-archived={a.archived ? "true" : undefined}
              >
                <a href={`#/a/${encodeURIComponent(a.id)}`} class="card-link">
                  <strong>{a.title}</strong>
                  <span class="muted">
                    {a.id} · adopted {new Date(a.createdAt).toLocaleDateString()}
                    {a.archived && " · archived by its parties"}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}
