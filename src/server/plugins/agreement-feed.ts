/**
 * In-process fan-out of appended events to server-sent-event subscribers, per agreement. It only
 * reaches clients of this process; a subscriber that reconnects asks for events after the last
 * seq it saw, so nothing is lost across reconnects or restarts.
 */
import type { StoredEvent } from "../../store/index.ts";

type Listener = (event: StoredEvent) => void;

export class AgreementFeed {
  private readonly listeners = new Map<string, Set<Listener>>();

  subscribe(agreementId: string, listener: Listener): () => void {
    let set = this.listeners.get(agreementId);
    if (!set) {
      set = new Set();
      this.listeners.set(agreementId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(agreementId);
    };
  }

  publish(agreementId: string, event: StoredEvent): void {
    for (const listener of this.listeners.get(agreementId) ?? []) listener(event);
  }
}
