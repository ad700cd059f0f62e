/**
 * The order vitest starts the test files in: the longest first, by the durations in
 * test/durations.json (a near-idle run's per-file seconds, written by scripts/test-durations.ts).
 *
 * With more than one worker, each takes the next file when it finishes one, so starting the long
 * files first keeps one long file from running alone at the end while the other worker idles.
 * vitest's own order does this from its cache of the last run on this machine, but a clean clone
 * (CI) has no cache, and then it orders by file size, which puts the longest file (the layout
 * walk) anywhere. Files missing from the list (new ones) go first, as vitest runs unknown files first.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

export const DURATIONS_FILE = new URL("durations.json", import.meta.url);

/** test/durations.json: seconds per test file, keyed by its path from the repository root. */
export function readDurations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, "utf8")) as Record<string, number>;
  } catch {
    return {};
  }
}

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const durations = readDurations();
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification) =>
      durations[relative(root, spec.moduleId).split("\\").join("/")] ?? Number.POSITIVE_INFINITY;
    return [...files].sort((a, b) => {
      // as vitest's own order: the groups (the "alone" project runs after the rest), then projects
      const group = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
      if (group !== 0) return group;
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      const longer = seconds(b) - seconds(a);
      // two unknown files: Infinity − Infinity is NaN
      return Number.isNaN(longer) ? 0 : longer;
    });
  }
}
