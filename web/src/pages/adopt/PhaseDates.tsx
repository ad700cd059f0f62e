/**
 * The adoption wizard's calendar: when phase 1 starts and how long a phase lasts, with each phase's
 * dates and the moves the chosen plan puts in it.
 */
import { planPhases } from "../../../../src/analysis/index.ts";
import type { Plan, Scenario } from "../../../../src/model/index.ts";
import { formatDate, phaseSpans } from "../../lib/calendar.ts";

/** The calendar as typed, and what it comes to. */
export interface Calendar {
  start: string;
  phaseDays: string;
  /** Days per phase, as a number. */
  days: number;
  daysOk: boolean;
  startIso: string;
  startOk: boolean;
}

export function calendarOf(start: string, phaseDays: string): Calendar {
  const days = Number(phaseDays);
  const startIso = `${start}T00:00:00.000Z`;
  return {
    start,
    phaseDays,
    days,
    daysOk: Number.isFinite(days) && days >= 1 / 24 && days <= 3650,
    startIso,
    startOk: !Number.isNaN(Date.parse(startIso)),
  };
}

/** The titles of the moves the plan puts in each phase (a divisible move in each of its phases). */
function movesByPhase(plan: Plan, scenario: Scenario): Map<number, string[]> {
  const moveTitle = (m: string) => scenario.moves.find((x) => x.id === m)?.title ?? m;
  const byPhase = new Map<number, string[]>();
  for (const [move, entry] of Object.entries(plan)) {
    for (const [phase] of planPhases(entry))
      byPhase.set(phase, [...(byPhase.get(phase) ?? []), moveTitle(move)]);
  }
  return byPhase;
}

export function PhaseDatesFieldset({
  calendar,
  plan,
  scenario,
  onStart,
  onPhaseDays,
}: {
  calendar: Calendar;
  plan: Plan;
  scenario: Scenario;
  onStart(date: string): void;
  onPhaseDays(days: string): void;
}) {
  const { start, phaseDays, days, daysOk, startIso, startOk } = calendar;
  const byPhase = movesByPhase(plan, scenario);
  const phases = Math.max(0, ...byPhase.keys());
  const spans = daysOk && startOk ? phaseSpans({ start: startIso, phaseDays: days }, phases) : [];
  return (
    <fieldset>
      <legend>2. Phase dates</legend>
      <div class="field-row">
        <label class="field">
          <span>Phase 1 starts (UTC)</span>
          <input
            type="date"
            data-testid="adopt-start"
            value={start}
            required
            onInput={(e) => onStart(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Days per phase</span>
          <input
            type="number"
            data-testid="adopt-phase-days"
            min={1 / 24}
            max={3650}
            step="any"
            value={phaseDays}
            required
            onInput={(e) => onPhaseDays(e.currentTarget.value)}
          />
        </label>
      </div>
      {!daysOk && <p class="error">A phase lasts from one hour (1/24 day) to 3650 days.</p>}
      <ol class="phase-dates" data-testid="adopt-phases">
        {spans.map((s) => (
          <li key={s.phase} value={s.phase}>
            <strong>
              {formatDate(s.from, days < 1)} – {formatDate(s.to, days < 1)}
            </strong>
            : {(byPhase.get(s.phase) ?? []).join(", ") || "nothing planned"}
          </li>
        ))}
      </ol>
    </fieldset>
  );
}
