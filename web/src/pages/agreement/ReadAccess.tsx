/**
 * Reading an agreement as one of its participants, on a server that needs a token: the participant
 * loads its key file, the page signs the server's challenge with it (here; the key is not sent) and
 * reads with the short-lived token it gets back. A key already loaded in this tab (say, in the
 * adoption wizard) can be used directly. The operator reads with the admin token instead.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { openReadSession } from "../../lib/agreements.ts";
import { useFormAction } from "../../lib/form-action.ts";
import { type HeldKey, loadKeyFile, useKeyring } from "../../lib/keyring.ts";

export function ReadAccess({ id, onOpened }: { id: string; onOpened: () => void }) {
  const keys = useKeyring();
  const [key, setKey] = useState<HeldKey | undefined>();
  const [participant, setParticipant] = useState("");
  const action = useFormAction();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${id}: sign in to read — Lockstep workbench`;
    heading.current?.focus({ preventScroll: true });
  }, [id]);

  const open = (as: string, signer: HeldKey) =>
    action.run(async () => {
      await openReadSession(id, as, signer);
      onOpened();
    });
  // Reading the file is not sending: the buttons stay as they are until the session is asked for.
  const load = async (file: File | undefined) => {
    if (!file) return;
    action.say(undefined);
    try {
      const loaded = await loadKeyFile(file);
      setKey(loaded);
      if (loaded.participant) await open(loaded.participant, loaded);
      else setParticipant("");
    } catch (e) {
      action.say({ ok: false, text: (e as Error).message });
    }
  };
  const named = keys.filter((k) => k.participant);

  return (
    <main class="agreement" data-testid="read-access" id="main" tabIndex={-1}>
      <h1 ref={heading} tabIndex={-1}>
        Agreement {id}
      </h1>
      <p>
        Reading this agreement needs a participant's key, or the operator's admin token (open the address{" "}
        <code>lockstep serve</code> printed, which ends in <code>#admin=…</code>).
      </p>
      <p class="muted">
        Load your key file: the page signs the server's challenge with it in this browser (the key is not
        sent) and reads as you for 15 minutes, renewing while the key stays loaded.
      </p>
      <p class="toolbar">
        <label class="button file-button primary">
          Load your key file
          <input
            type="file"
            accept=".json,application/json"
            class="sr-only"
            data-testid="read-load-key"
            onChange={(e) => void load(e.currentTarget.files?.[0])}
          />
        </label>
        {named.map((k) => (
          <button
            key={k.publicX}
            type="button"
            disabled={action.busy}
            onClick={() => void open(k.participant!, k)}
          >
            Read as {k.participant}
          </button>
        ))}
      </p>
      {key && !key.participant && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void open(participant.trim(), key);
          }}
        >
          <p class="field-row">
            <label class="field">
              <span>Your participant id ({key.source} does not name one)</span>
              <input value={participant} required onInput={(e) => setParticipant(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary" disabled={action.busy}>
              Read as this participant
            </button>
          </p>
        </form>
      )}
      {action.error && (
        <p class="error" role="alert" data-testid="read-error">
          {action.error}
        </p>
      )}
    </main>
  );
}
