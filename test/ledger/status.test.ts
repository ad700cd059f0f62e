/**
 * The status projection against MODEL.md: when the ledger follows the plan exactly, the figures
 * now equal the plan's own analysis; reversals, failed verifications and disputes show in words.
 */
import { describe, expect, it } from "vitest";
import { analyzePlan, rowHolds, rowIndex } from "../../src/analysis/index.ts";
import { canonicalJson } from "../../src/ledger/canonical.ts";
import { buildCharter, compileCharter } from "../../src/ledger/charter.ts";
import type { EventBody } from "../../src/ledger/events.ts";
import { projectStatus, type StatusEvent } from "../../src/ledger/status.ts";
import { adoptRequest, makeCast } from "./helpers.ts";

const DAY = 86_400_000;
const START = Date.parse("2027-01-01T00:00:00Z");
const inPhase = (k: number) => new Date(START + ((k - 1) * 30 + 15) * DAY).toISOString();

async function setup() {
  const cast = await makeCast();
  const built = buildCharter({ ...adoptRequest(cast), id: "freeze-deal" } as never, "2026-12-01T00:00:00Z");
  if (!built.ok) throw new Error(built.message);
  return { charter: built.charter, compiled: compileCharter(built.charter) };
}

let n = 0;
function event(phase: number, by: string, fields: Record<string, unknown>): StatusEvent {
  n += 1;
  const body = {
    v: 1,
    agreement: "freeze-deal",
    id: `e${n}`,
    by,
    at: inPhase(phase),
    ...fields,
  } as EventBody;
  return { body, receivedAt: inPhase(phase) };
}

describe("status projection", () => {
  it("matches the plan's analysis when the ledger follows the plan", async () => {
    const { charter, compiled } = await setup();
    // staged plan: freeze in 1, relief in 2, handover half in 3 and half in 4
    const events = [
      event(1, "north-gov", { type: "move.done", move: "freeze" }),
      event(2, "freeze-monitor", { type: "move.verified", move: "freeze" }),
      event(2, "south-gov", { type: "move.done", move: "relief" }),
      event(2, "inspector", { type: "move.verified", move: "relief" }),
    ];
    const status = projectStatus(charter, compiled, events, inPhase(3));
    const analysis = analyzePlan(compiled, charter.plan.phases);
    expect(status.phase).toBe(3);
    expect(status.overdue).toEqual([]);
    const north = status.parties.find((p) => p.id === "north")!;
    // north has the handover due in phase 3: its margin now is the plan's M_north(3)
    expect(north.margin).toBeCloseTo(analysis.parties.north.margin[3], 3);
    expect(north.worstMargin).toBeCloseTo(analysis.parties.north.worst.margin[3], 3);
    // everything done so far is verified, so exposure is the plan's E at the end of phase 2
    // for parties whose credit lag has passed
    expect(north.exposure).toBeCloseTo(analysis.parties.north.exposure[2], 3);
    expect(status.moves.find((m) => m.id === "handover")).toMatchObject({ dueNow: true, unlocked: true });
    expect(status.parties.find((p) => p.id === "south")!.margin).toBeUndefined();
    // the flags and slack are the analysis's own rows for the same figures, not a second test
    const row = rowIndex(analysis.rows);
    const exposureRow = row("exposure", "north", 2)!;
    expect(north.slack).toBeCloseTo(exposureRow.slack, 3);
    expect(north.over).toBe(exposureRow.over);
    expect(north.marginOver).toBe(row("margin", "north", 3)!.over);
    expect(north.worstMarginOver).toBe(row("margin", "north", 3)!.worstOver);
  });

  it("as of a past time, replays and counts only the events received by then", async () => {
    const { charter, compiled } = await setup();
    const events = [
      event(1, "north-gov", { type: "move.done", move: "freeze" }),
      event(2, "freeze-monitor", { type: "move.verified", move: "freeze" }),
      event(2, "south-gov", { type: "move.done", move: "relief" }),
    ];
    const past = projectStatus(charter, compiled, events, inPhase(1));
    expect(past).toMatchObject({ phase: 1, events: 1 });
    const move = (id: string) => past.moves.find((m) => m.id === id);
    expect(move("freeze")).toMatchObject({ done: 1, verified: 0, state: "done" });
    expect(move("relief")).toMatchObject({ done: 0, state: "not started" });
    expect(projectStatus(charter, compiled, events, inPhase(2))).toMatchObject({ phase: 2, events: 3 });
  });

  it("flags a party over its tolerance by the rows' rule: on the limit holds, past it is critical", async () => {
    const { charter, compiled } = await setup();
    const south = compiled.partyIndex.get("south")!;
    const relief = compiled.moveIndex.get("relief")!;
    const events = [event(2, "south-gov", { type: "move.done", move: "relief" })];
    const exposure = -compiled.values.nominal[south][relief] * compiled.kappa[relief];
    const withTolerance = (tau: number) => {
      const tolerance = Float64Array.from(compiled.tolerance);
      tolerance[south] = tau;
      const status = projectStatus(charter, { ...compiled, tolerance }, events, inPhase(2));
      return { party: status.parties.find((p) => p.id === "south")!, alerts: status.alerts };
    };
    const onLimit = withTolerance(exposure);
    expect(onLimit.party).toMatchObject({ over: false, slack: 0 });
    expect(onLimit.alerts.some((a) => a.level === "critical")).toBe(false);
    const past = withTolerance(exposure - 0.01);
    expect(past.party.over).toBe(true);
    expect(past.party.slack).toBeCloseTo(-0.01, 9);
    expect(past.alerts).toContainEqual({
      level: "critical",
      message: expect.stringContaining("South exposure"),
    });
    expect(rowHolds(past.party.slack)).toBe(false);
  });

  it("tracks fractions, failed verification, reversal and disputes", async () => {
    const { charter, compiled } = await setup();
    const events = [
      event(1, "north-gov", { type: "move.done", move: "freeze" }),
      event(3, "north-gov", { type: "move.done", move: "handover", fraction: 0.5 }),
      event(3, "inspector", { type: "move.verification_failed", move: "freeze", report: "seals broken" }),
      event(3, "south-gov", { type: "dispute.raised", dispute: "d1", move: "freeze", text: "seals" }),
      event(4, "north-gov", { type: "move.reversed", move: "handover" }),
    ];
    const status = projectStatus(charter, compiled, events, inPhase(4));
    const move = (id: string) => status.moves.find((m) => m.id === id)!;
    expect(move("freeze")).toMatchObject({ state: "verification failed", done: 1, verified: 0 });
    expect(move("freeze").lastReport).toBe("seals broken");
    expect(move("handover")).toMatchObject({ state: "reversed", done: 0 });
    // relief was planned for phase 2: two phases overdue in phase 4; handover (phase 3) one
    expect(move("relief").overdueBy).toBe(2);
    expect(move("handover").overdueBy).toBe(1);
    // handover needs freeze verified, which failed
    expect(move("handover").unlocked).toBe(false);
    const messages = status.alerts.map((a) => a.message);
    expect(messages).toContain("Sanctions relief (South) is 2 phases overdue");
    expect(messages).toContain("verification of Production freeze (North) failed");
    expect(messages).toContain("North reversed Stockpile handover");
    expect(messages.some((m) => m.startsWith("open dispute d1 about Production freeze"))).toBe(true);

    const resolved = projectStatus(
      charter,
      compiled,
      [...events, event(4, "inspector", { type: "dispute.resolved", dispute: "d1", text: "resealed" })],
      inPhase(4),
    );
    expect(resolved.openDisputes).toEqual([]);
  });

  it("credits another party's benefit only once verified (exposure on the actual state)", async () => {
    const { charter, compiled } = await setup();
    const south = compiled.partyIndex.get("south")!;
    const relief = compiled.moveIndex.get("relief")!;
    const events = [event(2, "south-gov", { type: "move.done", move: "relief" })];
    const before = projectStatus(charter, compiled, events, inPhase(2));
    // south's own cost counts at once, the surviving share κ of it: E = −v·κ
    const expected = -compiled.values.nominal[south][relief] * compiled.kappa[relief];
    expect(before.parties.find((p) => p.id === "south")!.exposure).toBeCloseTo(expected, 9);
    expect(before.alerts.map((a) => a.message)).toContain(`South exposure ${expected} of 2`);
  });

  it("has one canonical encoding whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: { z: 1.5, y: undefined } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"z":1.5}}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
  });
});
