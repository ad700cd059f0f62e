/** The charter's calendar in dates: phase k runs from start + (k−1)·phaseDays to start + k·phaseDays. */
const DAY_MS = 86_400_000;

export interface PhaseSpan {
  phase: number;
  from: Date;
  to: Date;
}

export function phaseSpans(calendar: { start: string; phaseDays: number }, phases: number): PhaseSpan[] {
  const start = Date.parse(calendar.start);
  const length = calendar.phaseDays * DAY_MS;
  return Array.from({ length: phases }, (_, i) => ({
    phase: i + 1,
    from: new Date(start + i * length),
    to: new Date(start + (i + 1) * length),
  }));
}

/** A date as people read it; with the time of day when phases are shorter than a day. */
export function formatDate(date: Date, withTime = false): string {
  return withTime
    ? date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })
    : date.toLocaleDateString(undefined, { dateStyle: "medium", timeZone: "UTC" });
}
