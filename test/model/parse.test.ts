import { describe, expect, it } from "vitest";
import { checkScenarioObject, parseScenario } from "../../src/model/parse.ts";

describe("parseScenario", () => {
  it("applies MODEL.md's defaults", () => {
    const r = parseScenario("parties: [{ id: a }]\nmoves: [{ id: m, actor: a }]\n", "deal.yaml");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.id).toBe("deal");
    expect(r.scenario.parties[0]).toMatchObject({ discount: 0.9, tolerance: 0, reservation: 0 });
    expect(r.scenario.moves[0]).toMatchObject({
      value: {},
      reversible: 0,
      verify: { lag: 0, detect: 1, falseAlarm: 0 },
      requires: [],
      divisible: false,
      feasibility: 1,
    });
    expect(r.scenario.risk).toEqual({ hazard: 0, noise: {}, response: "grim", forgive: 0 });
  });

  it("reports schema and reference problems together", () => {
    const r = parseScenario("parties: [{ id: a, discount: 0 }]\nmoves: [{ id: m, actor: b }]\n");
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => [i.line, i.path, i.code])).toEqual([
      [1, "parties.0.discount", "too-small"],
      [2, "moves.0.actor", "unknown-party"],
    ]);
  });

  it("rejects a document that is not a mapping", () => {
    const r = parseScenario("- just\n- a list\n");
    expect(r.issues[0]).toMatchObject({ line: 1, column: 1, code: "not-a-mapping" });
  });

  it("checks API bodies with the same rules, without positions", () => {
    const r = checkScenarioObject({
      parties: [{ id: "a" }],
      moves: [{ id: "m", actor: "a", requires: ["m"] }],
    });
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ path: "moves.0.requires.0", code: "self-requirement" });
  });
});
