/**
 * Loading the key file a participant signs with. The key is read in the page and held in memory
 * (lib/keyring.ts); it is not uploaded. The list says whom each loaded key signs for here.
 */
import { useState } from "preact/hooks";
import type { Charter } from "../../../../src/ledger/index.ts";
import { forgetKeys, loadKeyFile, useKeyring } from "../../lib/keyring.ts";

export function KeyLoader({ charter }: { charter: Charter }) {
  const keys = useKeyring();
  const [error, setError] = useState<string | undefined>();
  const whose = (x: string) => charter.participants.find((p) => p.publicKey.x === x);
  return (
    <section aria-labelledby="keys-heading" class="key-loader" data-testid="key-loader">
      <h2 id="keys-heading">Your key</h2>
      <p class="muted">
        Signing happens in this browser: load your key file (from <code>lockstep keys new</code>, or made in
        the adoption wizard). It is not uploaded and is forgotten when the tab closes or reloads.
      </p>
      <p class="toolbar">
        <label class="button file-button">
          Load a key file
          <input
            type="file"
            accept=".json,application/json"
            class="sr-only"
            data-testid="agreement-load-key"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = "";
              setError(undefined);
              if (file) loadKeyFile(file).catch((err: Error) => setError(err.message));
            }}
          />
        </label>
        {keys.length > 0 && (
          <button type="button" onClick={forgetKeys}>
            Forget the keys
          </button>
        )}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {keys.length > 0 && (
        <ul data-testid="held-keys">
          {keys.map((k) => {
            const p = whose(k.publicX);
            return (
              <li key={k.publicX}>
                {k.source}:{" "}
                {p ? (
                  <>
                    signs as <strong>{p.name}</strong> ({p.id})
                  </>
                ) : (
                  <span class="error">not a participant of this agreement</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
