/**
 * Compiled scenarios kept between requests, so a request pays for the analysis it asks for and
 * not for parsing the YAML again. Three kinds of key, three lifetimes:
 *
 *  - built-in scenarios: by id, for the life of the process (they ship with the program);
 *  - saved scenarios: by id, valid while the row's update time (and text: two updates within one
 *    millisecond share a time) is the one cached; the repository is still asked for the row on
 *    every request, which is what makes an update visible at once;
 *  - inline sources: by their text, the most recent INLINE_ENTRIES of them (an editor posting
 *    the same text again, e.g. analyse then simulate, is served from here).
 *
 * Values are shared between requests, so they must not be mutated (the core never mutates a
 * compiled scenario: the planner copies it to change the horizon).
 */

/** Inline sources kept (least recently used dropped first). */
export const INLINE_ENTRIES = 64;

export class ScenarioCache<T> {
  private readonly builtins = new Map<string, T>();
  private readonly savedEntries = new Map<string, { updatedAt: string; source: string; value: T }>();
  private readonly inlineEntries = new Map<string, T>();

  builtin(id: string, make: () => T): T {
    let value = this.builtins.get(id);
    if (value === undefined) {
      value = make();
      this.builtins.set(id, value);
    }
    return value;
  }

  saved(row: { id: string; updatedAt: string; source: string }, make: () => T): T {
    const entry = this.savedEntries.get(row.id);
    if (entry !== undefined && this.hasSaved(row)) return entry.value;
    const value = make();
    this.savedEntries.set(row.id, { updatedAt: row.updatedAt, source: row.source, value });
    return value;
  }

  /** Whether a saved scenario's version is cached (its maker would not run). */
  hasSaved(row: { id: string; updatedAt: string; source: string }): boolean {
    const entry = this.savedEntries.get(row.id);
    return entry?.updatedAt === row.updatedAt && entry.source === row.source;
  }

  inline(source: string, make: () => T): T {
    let value = this.inlineEntries.get(source);
    if (value !== undefined) {
      // re-insert: a Map iterates in insertion order, so the first key is the least recent
      this.inlineEntries.delete(source);
    } else {
      value = make();
      if (this.inlineEntries.size >= INLINE_ENTRIES) {
        this.inlineEntries.delete(this.inlineEntries.keys().next().value as string);
      }
    }
    this.inlineEntries.set(source, value);
    return value;
  }

  /** Whether an inline source is cached (its maker would not run). */
  hasInline(source: string): boolean {
    return this.inlineEntries.has(source);
  }

  /** Forgets a saved scenario (deleted); a later one with the same id starts afresh. */
  forget(id: string): void {
    this.savedEntries.delete(id);
  }
}
