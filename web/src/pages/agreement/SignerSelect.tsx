/**
 * Who signs what a form sends, among the participants whose keys this tab holds: the picker the
 * event form and the amendment proposal share. The first signer is chosen until another is picked.
 */
import { useState } from "preact/hooks";
import type { Participant } from "../../../../src/ledger/index.ts";
import type { Signer } from "../../lib/keyring.ts";

/** The signer chosen (undefined when there is none) and the function that picks one by id. */
export function useSigner(signers: Signer[]) {
  const [by, setBy] = useState<string | undefined>();
  return [signers.find((s) => s.participant.id === by) ?? signers[0], setBy] as const;
}

export function SignerSelect({
  label,
  testId,
  signers,
  signer,
  onPick,
  name = (p) => p.name,
}: {
  label: string;
  testId: string;
  signers: Signer[];
  signer: Signer | undefined;
  onPick(id: string): void;
  /** How a participant is named in the list (followed by its id). */
  name?: (participant: Participant) => string;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <select
        data-testid={testId}
        value={signer?.participant.id}
        onChange={(e) => onPick(e.currentTarget.value)}
      >
        {signers.map((s) => (
          <option key={s.participant.id} value={s.participant.id}>
            {name(s.participant)} ({s.participant.id})
          </option>
        ))}
      </select>
    </label>
  );
}
