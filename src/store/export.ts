/** The export document of an agreement's ledger, as `ledger verify` reads it. */
import { EXPORT_FORMAT, type LedgerExport } from "../ledger/index.ts";
import type { AgreementRepository } from "./agreements.ts";
import type { ArchiveRepository } from "./archive.ts";

export async function exportLedger(
  agreements: AgreementRepository,
  id: string,
  exportedAt: string,
  /** With it, the parties' archive statements are exported too (when there are any). */
  archives?: ArchiveRepository,
): Promise<LedgerExport | undefined> {
  const record = await agreements.get(id);
  if (!record) return undefined;
  const events = await agreements.events(id);
  const charterSignatures = await agreements.charterSignatures(id);
  const checkpoints = await agreements.checkpoints(id);
  const archive = (await archives?.statements(id))?.map(({ body, signature }) => ({ body, signature }));
  return {
    format: EXPORT_FORMAT,
    version: 3,
    agreement: record.id,
    charter: record.charter,
    charterHash: record.charterHash,
    head: events.at(-1)?.hash ?? record.charterHash,
    exportedAt,
    charterSignatures,
    checkpoints,
    ...(archive?.length ? { archive } : {}),
    events: events.map((e) => ({
      seq: e.seq,
      eventId: e.eventId,
      body: e.body,
      signature: e.signature,
      prevHash: e.prevHash,
      hash: e.hash,
      receivedAt: e.receivedAt,
    })),
  };
}
