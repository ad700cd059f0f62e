/**
 * "Chain verified": the page downloads the export and checks it itself, with the same verifier as
 * `lockstep ledger verify` (charter hash and signatures, every event's link, signature, role and
 * hash, checkpoints), plus the checkpoints this tab signed, so a cut or forked chain shows here
 * without trusting the server's word.
 */
import { useEffect, useState } from "preact/hooks";
import { type LedgerExport, type VerifyResult, verifyLedger } from "../../../../src/ledger/index.ts";
import { agreementsApi, keptCheckpoints } from "../../lib/agreements.ts";
import { download } from "../../lib/export.ts";

export function ChainCheck({ id, version }: { id: string; version: string }) {
  const [result, setResult] = useState<{ doc: LedgerExport; verdict: VerifyResult } | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let cancelled = false;
    agreementsApi
      .export(id)
      .then(async (doc) => {
        const verdict = await verifyLedger(doc, undefined, keptCheckpoints(id));
        if (!cancelled) setResult({ doc, verdict });
      })
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [id, version]);
  const kept = keptCheckpoints(id);
  return (
    <section aria-labelledby="chain-heading" data-testid="chain">
      <h2 id="chain-heading">Ledger check</h2>
      {error && (
        <p class="error" role="alert">
          Could not read the export: {error}
        </p>
      )}
      {!result && !error && <p class="muted">Checking the chain…</p>}
      {result?.verdict.ok && (
        <p class="chain-ok" data-testid="chain-verified" role="status">
          <strong>✓ Chain verified in this browser</strong>: charter signed by{" "}
          {result.verdict.signedBy.join(", ") || "nobody yet"}; {result.verdict.events} event
          {result.verdict.events === 1 ? "" : "s"}, every hash and signature checks;{" "}
          {result.verdict.checkpoints} checkpoint{result.verdict.checkpoints === 1 ? "" : "s"} found in the
          chain; head <code title={result.verdict.head}>{result.verdict.head.slice(0, 12)}…</code>
        </p>
      )}
      {result && !result.verdict.ok && (
        <p class="chain-bad" data-testid="chain-failed" role="alert">
          <strong>✗ The chain does not verify</strong>: {result.verdict.message}
          {result.verdict.seq !== undefined && ` (event ${result.verdict.seq})`}
        </p>
      )}
      <p class="toolbar">
        {result && (
          <button
            type="button"
            data-testid="download-export"
            onClick={() =>
              download(`${id}.ledger.json`, `${JSON.stringify(result.doc, null, 2)}\n`, "application/json")
            }
          >
            Download the export (for <code>lockstep ledger verify</code>)
          </button>
        )}
        {kept.length > 0 && (
          <button
            type="button"
            data-testid="download-checkpoints"
            onClick={() =>
              download(`${id}.checkpoints.json`, `${JSON.stringify(kept, null, 2)}\n`, "application/json")
            }
          >
            Download my {kept.length} checkpoint{kept.length === 1 ? "" : "s"}
          </button>
        )}
      </p>
    </section>
  );
}
