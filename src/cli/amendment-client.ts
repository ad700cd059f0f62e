/**
 * What `lockstep amend` needs from a server: the ledger, verified here before anything is signed
 * (so the version hashes a participant signs are ones it checked itself), and the sending of a
 * signed event followed by a checkpoint of the head it produced, as `lockstep event` does.
 */
import {
  type CharterVersions,
  countersignHead,
  type EventBody,
  type LedgerExport,
  normalisePublicKey,
  type Signed,
  verifyLedger,
} from "../ledger/index.ts";
import { agreementUrl, type KeyFile, requestJson } from "./agreement-client.ts";
import { keepCheckpoint, readCheckpoints } from "./checkpoint-file.ts";
import { CliError } from "./errors.ts";

export interface VerifiedLedger {
  doc: LedgerExport;
  versions: CharterVersions;
}

/**
 * The agreement's export, verified (against the participant's own checkpoints when it keeps
 * them), and checked to list `by` with this key file's public key.
 */
export async function verifiedLedger(
  server: string,
  agreement: string,
  token: string | undefined,
  me: { by: string; key: KeyFile; checkpoints?: string },
): Promise<VerifiedLedger> {
  const { body: doc } = await requestJson<LedgerExport>(agreementUrl(server, agreement, "/export"), {
    token,
  });
  const kept = me.checkpoints ? readCheckpoints(me.checkpoints) : [];
  const result = await verifyLedger(doc, undefined, kept);
  if (!result.ok) {
    throw new CliError(
      `the server's ledger of ${agreement} does not verify, so nothing was signed: ${result.message}`,
    );
  }
  const participant = doc.charter.participants.find((p) => p.id === me.by);
  if (!participant) throw new CliError(`${me.by} is not a participant of ${agreement}`);
  if (participant.role !== "party") {
    throw new CliError(`${me.by} is a ${participant.role}: only parties propose and sign amendments`);
  }
  if (normalisePublicKey(participant.publicKey)?.x !== normalisePublicKey(me.key.publicKey)?.x) {
    throw new CliError(
      `the charter lists another public key for ${me.by} than the one in the key file: not signing`,
    );
  }
  return { doc, versions: result.versions };
}

/** Posts a signed event, then countersigns the head the server answers with. */
export async function sendEvent(
  server: string,
  agreement: string,
  signed: Signed<EventBody>,
  key: KeyFile,
  token: string | undefined,
  checkpoints?: string,
): Promise<{ seq: number; hash: string }> {
  const { body: answer } = await requestJson<{ event: { seq: number; hash: string } }>(
    agreementUrl(server, agreement, "/events"),
    { method: "POST", body: signed, token },
  );
  const checkpoint = await countersignHead(agreement, answer.event, signed.body.by, key.privateKey);
  await requestJson(agreementUrl(server, agreement, "/checkpoints"), {
    method: "POST",
    body: checkpoint,
    token,
  });
  if (checkpoints) keepCheckpoint(checkpoints, checkpoint);
  return answer.event;
}
