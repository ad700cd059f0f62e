/** Problems in a scenario, as values with a location (raised to the user only at the edge). */
export interface ScenarioIssue {
  /** Dotted path to the field, e.g. `moves.3.actor` (empty for the whole document). */
  path: string;
  /** 1-based line and column in the source, when the source has them. */
  line?: number;
  column?: number;
  /** Stable machine-readable code, e.g. `unknown-party`. */
  code: string;
  /** What was wrong and what was expected, in plain words. */
  message: string;
}

/** `FILE:LINE:COL: path: message` — the one format every face of Lockstep prints. */
export function formatIssue(file: string, issue: ScenarioIssue): string {
  const where = issue.line ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
  const path = issue.path ? `${issue.path}: ` : "";
  return `${where}: ${path}${issue.message}`;
}

export function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 1e9) - (b.line ?? 1e9) || (a.column ?? 0) - (b.column ?? 0));
}
