/**
 * The chains the live status is projected from, read from the store once and then only extended.
 *
 * The status (and every event stream's status frame) replays an agreement's whole chain. Reading
 * that chain from the store each time costs a query and a parse and a canonical re-encoding of
 * every row (src/store/agreements.ts checks each stored body is still the bytes that were signed),
 * so a status after event 5,000 paid for 5,000 rows; with appends arriving all the time that work
 * ran after every batch and held the event loop for tens of milliseconds.
 *
 * Here a chain is kept parsed in memory and, before each use, compared with the store's head (one
 * small query): the same head → the kept chain; a longer chain that continues it (its next event
 * names the kept head as its previous hash: appends of this process or of another one on the same
 * database) → the new events only are read; anything else (rows deleted, a different head) → the
 * whole chain is read again. The export, `…/events` and `ledger verify` still read the store.
 */
import type { Store, StoredEvent } from "../../store/index.ts";

/** Chains kept at once; the least recently used goes first. */
const MAX_CHAINS = 32;

export class ChainCache {
  private readonly chains = new Map<string, readonly StoredEvent[]>();

  constructor(
    private readonly store: Store,
    private readonly max = MAX_CHAINS,
  ) {}

  /** The agreement's chain as the store has it now; `charterHash` is where its first event links to. */
  async events(id: string, charterHash: string): Promise<readonly StoredEvent[]> {
    const kept = this.chains.get(id);
    const chain = kept ? await this.extend(id, kept, charterHash) : await this.store.agreements.events(id);
    this.chains.delete(id);
    this.chains.set(id, chain);
    if (this.chains.size > this.max) this.chains.delete(this.chains.keys().next().value!);
    return chain;
  }

  private async extend(id: string, kept: readonly StoredEvent[], charterHash: string) {
    const head = await this.store.agreements.head(id);
    const seq = kept.at(-1)?.seq ?? 0;
    const hash = kept.at(-1)?.hash ?? charterHash;
    if (head && head.seq === seq && head.hash === hash) return kept;
    if (head && head.seq > seq) {
      const more = await this.store.agreements.events(id, { afterSeq: seq });
      if (more[0]?.seq === seq + 1 && more[0].prevHash === hash) return kept.concat(more);
    }
    return this.store.agreements.events(id);
  }
}
