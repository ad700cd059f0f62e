/**
 * Hard limits on scenario files (issue 13): a file that is too big in one of these ways is bad
 * input with its line and column, found quickly, never an uncaught error or a long stall.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/model/parse.ts";
import { checkPlan } from "../../src/model/references.ts";
import { nearest } from "../../src/model/suggest.ts";
import { ROOT } from "../helpers/cli.ts";

const KOREA = readFileSync(`${ROOT}/scenarios/korea-2018.yaml`, "utf8");

const small = (extra = "") => `parties: [{ id: a }, { id: b }]
moves:
  - { id: give, actor: a, value: { b: 1 } }
  - { id: take, actor: b, value: { a: 1 }, divisible: true }
${extra}`;

describe("scenario limits", () => {
  it("refuses a horizon or a plan phase above 1000, at its line", () => {
    const horizon = parseScenario(small("horizon: 1001\n"));
    expect(horizon.ok).toBe(false);
    expect(horizon.issues[0]).toMatchObject({ path: "horizon", line: 5 });
    expect(horizon.issues[0].message).toMatch(/<= 1000/);
    const phase = parseScenario(small("plans:\n  p: { give: 10000000, take: { 1: 1 } }\n"));
    expect(phase.ok).toBe(false);
    expect(phase.issues.map((i) => i.path)).toContain("plans.p.give");
  });

  it("refuses ids longer than 100 characters", () => {
    const id = "x".repeat(101);
    const result = parseScenario(small().replace("id: give", `id: ${id}`));
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({ path: "moves.0.id", line: 3 });
    expect(result.issues[0].message).toMatch(/at most 100 characters/);
  });

  it("reports more than 100 YAML aliases as a problem with line and column", () => {
    const lines = ["parties: [{ id: a }]", "moves:", "  - { id: m0, actor: a, title: &t hello }"];
    for (let i = 1; i < 150; i++) lines.push(`  - { id: m${i}, actor: a, title: *t }`);
    const result = parseScenario(lines.join("\n"));
    expect(result.ok).toBe(false);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ code: "too-many-aliases", line: 104 });
    expect(result.issues[0].column).toBeGreaterThan(1);
  });

  it("a billion-laughs document is one problem, found at once", () => {
    const doc = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...["b", "c", "d", "e", "f", "g"].map(
        (name, i) => `${name}: &${name} [${Array(10).fill(`*${"abcdefg"[i]}`).join(", ")}]`,
      ),
    ].join("\n");
    const started = performance.now();
    const result = parseScenario(doc);
    // a guard against expanding the aliases (which never ends), with room for a slower machine
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.issues[0].code).toBe("too-many-aliases");
  });

  it("did-you-mean stays fast on a large file of long, mistyped ids", () => {
    // 600 moves with 5,000-character ids, each requiring a mistyped one: the unbounded suggester
    // took minutes on files like this
    const id = (i: number) => `m${i}-${"q".repeat(5000)}`;
    const lines = ["parties: [{ id: a }]", "moves:"];
    for (let i = 0; i < 600; i++) lines.push(`  - { id: ${id(i)}, actor: a, requires: [${id(i)}x] }`);
    const text = lines.join("\n");
    expect(text.length).toBeGreaterThan(2_000_000);
    const started = performance.now();
    const result = parseScenario(text);
    // about 1 s here under load; the unbounded suggester took minutes: room for a slower machine
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(result.ok).toBe(false);
    expect(result.issues.some((i) => i.message.includes("at most 100 characters"))).toBe(true);
  });

  it("still suggests the intended id for an ordinary typo", () => {
    expect(nearest("dprk", ["usa", "dprkk", "rok"])).toBe("dprkk");
    expect(nearest("x".repeat(5000), ["x".repeat(5001)])).toBeUndefined();
  });
});

describe("plan objects are checked like plans in files", () => {
  const parsed = parseScenario(KOREA, "korea-2018.yaml");
  if (!parsed.ok) throw new Error("korea-2018 does not parse");
  const korea = parsed.scenario;
  const codes = (plan: Record<string, unknown>) =>
    checkPlan(korea, plan as Parameters<typeof checkPlan>[1]).map((p) => p.code);

  it("refuses negative, zero and past-horizon phases and fractions that do not sum to 1", () => {
    expect(codes({ "arsenal-dismantle": { "-1": 1 } })).toContain("bad-phase");
    expect(codes({ "arsenal-dismantle": { "0": 1 } })).toContain("bad-phase");
    expect(codes({ "arsenal-dismantle": { "1": 0.6, "2": 0.5 } })).toContain("fractions-sum");
    expect(codes({ "test-moratorium": 999 })).toContain("past-horizon");
    expect(codes({ "arsenal-dismantle": { "10000000": 1 } })).toContain("past-horizon");
    expect(codes({ "no-such-move": 1 })).toContain("unknown-move");
    expect(codes({ "test-moratorium": { "1": 1 } })).toContain("not-divisible");
    expect(codes({ "test-moratorium": 1, "arsenal-dismantle": { "1": 0.5, "2": 0.5 } })).toEqual([]);
  });
});
