/**
 * What checking an event needs about its agreement — the charter, its compiled scenario and the
 * participants' imported keys — built once per agreement and kept: none of these changes. An
 * amendment changes only the plan, which is read from the chain (the version in force, memoised
 * per head in agreement-amendments.ts), so this cache needs no invalidation when one is activated.
 */
import type { CompiledScenario } from "../../analysis/index.ts";
import type { Charter, VerifyResult } from "../../ledger/index.ts";
import { compileCharter, importPublicKey } from "../../ledger/index.ts";
import type { AgreementRecord, Store } from "../../store/index.ts";

export interface AgreementContext {
  record: AgreementRecord;
  /** The charter as adopted (version 1); the plan in force is agreement-amendments.ts's `inForce`. */
  charter: Charter;
  compiled: CompiledScenario;
  keys: Map<string, CryptoKey>;
  /** Participants whose charter signature is stored. */
  signed: Set<string>;
  /**
   * The stored chain's verification, run once per process (at start, or before the first append):
   * after a restart the server does not append on top of a chain it has not checked.
   */
  chainCheck?: Promise<VerifyResult>;
}

/** Party participants who have not signed the charter yet: the agreement is active when none are left. */
export function awaitingSignatures(ctx: AgreementContext): string[] {
  return ctx.charter.participants.filter((p) => p.role === "party" && !ctx.signed.has(p.id)).map((p) => p.id);
}

export class AgreementContexts {
  private readonly cache = new Map<string, Promise<AgreementContext | undefined>>();

  constructor(private readonly store: Store) {}

  get(id: string): Promise<AgreementContext | undefined> {
    let entry = this.cache.get(id);
    if (!entry) {
      entry = this.load(id);
      this.cache.set(id, entry);
      // an unknown id is not remembered: it may be adopted later
      entry.then((ctx) => ctx ?? this.cache.delete(id)).catch(() => this.cache.delete(id));
    }
    return entry;
  }

  private async load(id: string): Promise<AgreementContext | undefined> {
    const record = await this.store.agreements.get(id);
    if (!record) return undefined;
    const keys = new Map<string, CryptoKey>();
    for (const p of record.charter.participants) {
      const key = await importPublicKey(p.publicKey);
      if (key) keys.set(p.id, key);
    }
    const signed = new Set((await this.store.agreements.charterSignatures(id)).map((s) => s.by));
    return { record, charter: record.charter, compiled: compileCharter(record.charter), keys, signed };
  }
}
