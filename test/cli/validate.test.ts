/**
 * `lockstep validate`, `analyze` and `schema`: exit codes and exact error lines. Each command's first
 * case here, and the analyses that search for the optimum, run the real process (`lockstep`); the
 * other cases run through the binary's entry in this process (`lockstepInProcess`).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockstep, lockstepInProcess } from "../helpers/cli.ts";

const F = "test/cli/fixtures/broken";

const cases: Array<[file: string, lines: string[]]> = [
  [
    "01-syntax.yaml",
    [
      `${F}/01-syntax.yaml:3:1: YAML syntax: Flow map in block collection must be sufficiently indented and end with a }`,
    ],
  ],
  [
    "02-unknown-actor.yaml",
    [
      `${F}/02-unknown-actor.yaml:6:12: moves.0.actor: unknown party 'seler'; did you mean 'seller'? (parties: seller, buyer)`,
    ],
  ],
  ["03-duplicate-move.yaml", [`${F}/03-duplicate-move.yaml:4:11: moves.1.id: duplicate move id 'ship'`]],
  ["04-cycle.yaml", [`${F}/04-cycle.yaml:4:37: moves.1.requires.0: cycle in requires: one -> two -> one`]],
  [
    "05-out-of-range.yaml",
    [
      `${F}/05-out-of-range.yaml:2:24: parties.0.discount: expected a number <= 1, got 1.5`,
      `${F}/05-out-of-range.yaml:4:38: moves.0.reversible: expected a number <= 1, got 2`,
      `${F}/05-out-of-range.yaml:4:54: moves.0.feasibility: expected a number > 0, got 0`,
    ],
  ],
  [
    "06-bad-lag.yaml",
    [`${F}/06-bad-lag.yaml:5:20: moves.0.verify.lag: expected a whole number, got number 1.5`],
  ],
  [
    "07-unknown-field.yaml",
    [
      `${F}/07-unknown-field.yaml:1:20: parties.0.tolerence: unknown field 'tolerence'; did you mean 'tolerance'? (expected one of: id, name, discount, tolerance, reservation, note)`,
    ],
  ],
  [
    "08-plan-twice.yaml",
    [`${F}/08-plan-twice.yaml:6:5: duplicate key: each field, and each move in a plan, may appear only once`],
  ],
  ["09-past-horizon.yaml", [`${F}/09-past-horizon.yaml:5:13: plans.p.one: phase 3 is past the horizon (2)`]],
  [
    "10-fractions.yaml",
    [
      `${F}/10-fractions.yaml:7:10: plans.p.one: fractions sum to 0.8; expected them to sum to 1`,
      `${F}/10-fractions.yaml:8:10: plans.p.two: move 'two' is not divisible: expected a single phase number (or set divisible: true)`,
    ],
  ],
  [
    "11-bad-range.yaml",
    [
      `${F}/11-bad-range.yaml:3:38: moves.0.value.a: range [3, 1] has low above high; expected [low, high] with low <= high`,
      `${F}/11-bad-range.yaml:3:49: moves.0.value.b: expected a number or a range [low, high], got the text 'lots'`,
    ],
  ],
  [
    "12-unknown-value-party.yaml",
    [
      `${F}/12-unknown-value-party.yaml:3:48: moves.0.value.usa: unknown party 'usa'; did you mean 'us'? (parties: dprk, us)`,
      `${F}/12-unknown-value-party.yaml:3:69: moves.0.requires.0: unknown move 'tow'; did you mean 'two'?`,
      `${F}/12-unknown-value-party.yaml:5:28: goal.1.anyOf.1: unknown move 'three'`,
    ],
  ],
  [
    "13-missing.yaml",
    [
      `${F}/13-missing.yaml:1:1: moves: missing required field 'moves' (expected a list)`,
      `${F}/13-missing.yaml:1:10: parties: expected at least one party`,
    ],
  ],
  [
    "14-json.json",
    [`${F}/14-json.json:3:37: moves.0.actor: unknown party 'b'; did you mean 'a'? (parties: a)`],
  ],
];

/** What `lockstep validate FILE` prints on stderr for one bad file: each problem, then the count. */
function report(file: string, lines: string[]): string {
  const n = lines.length;
  return `${[...lines, `${F}/${file}: ${n} problem${n === 1 ? "" : "s"} found`].join("\n")}\n`;
}

describe("lockstep validate", () => {
  // Every broken file in one run, as a user checks a directory: each file's problems in the
  // file's order, then how many files had problems. One process instead of one per file.
  let all: ReturnType<typeof lockstep> | undefined;
  const allAtOnce = () => {
    all ??= lockstep(["validate", ...cases.map(([file]) => `${F}/${file}`)]);
    return all;
  };

  it("one run over all the broken files: each file's report in order, exit 2", () => {
    const r = allAtOnce();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `${cases.map(([file, lines]) => report(file, lines)).join("")}${cases.length} of ${cases.length} files have problems\n`,
    );
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
  });

  it.each(cases)("%s: every problem at its line and column", (file, lines) => {
    expect(allAtOnce().stderr).toContain(report(file, lines));
  });

  it("one bad file alone: its problems and count are the whole of stderr, exit 2", async () => {
    const [file, lines] = cases.find(([name]) => name === "05-out-of-range.yaml")!;
    const r = await lockstepInProcess(["validate", `${F}/${file}`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(report(file, lines));
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("a valid file: exit 0 and a one-line summary", async () => {
    const r = await lockstepInProcess(["validate", `${F}/base-ok.yaml`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${F}/base-ok.yaml: ok — 2 parties, 2 moves, 1 plan\n`);
  });

  it("a missing file names itself and the built-ins, exit 2", async () => {
    const r = await lockstepInProcess(["validate", "no-such-file.yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^no-such-file\.yaml: no such file, and no built-in scenario of that name/);
  });

  it("an unknown option is a usage error, exit 2", async () => {
    const r = await lockstepInProcess(["validate", "--frobnicate", `${F}/base-ok.yaml`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});

describe("lockstep analyze", () => {
  it("prints the parties × phases table and violations; exit 1 when infeasible", () => {
    const r = lockstep(["analyze", `${F}/base-ok.yaml`, "--plan", "upfront:seller"]);
    expect(r.status).toBe(1);
    // v2 doctrine: the seller's block (ship, lag 1) in phase 1; deposit waits until ship is done
    // and verified, phase 1 + 1 + 1 = 3.
    expect(r.stdout).toContain("plan 'upfront:seller': 3 phases, NOT FEASIBLE");
    expect(r.stdout).toMatch(/seller\s+exposure E\s+<=2\.00\s+0\.00\s+2\.00\s+2\.00\s+2\.00/);
    expect(r.stdout).toContain(
      "[margin buyer, phase 3] buyer gains 1.00 by walking away in phase 3 instead of doing deposit",
    );
    expect(r.stdout).toContain("[reservation seller] seller ends the deal with -1.00 per phase");
  });

  it("--json prints one document of the agreed shape", async () => {
    const r = await lockstepInProcess(["analyze", `${F}/base-ok.yaml`, "--plan", "phased", "--json"]);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining(["feasible", "robustlyFeasible", "phases", "minSlack", "parties", "violations"]),
    );
    expect(doc.phases).toBe(2);
    expect(doc.parties.buyer.exposure).toHaveLength(3);
    expect(doc.parties.seller).toHaveProperty("worst.exposure");
    expect(r.status).toBe(doc.feasible ? 0 : 1);
  });

  it("an unknown plan or party is bad input with a suggestion, exit 2", async () => {
    expect((await lockstepInProcess(["analyze", `${F}/base-ok.yaml`, "--plan", "phasd"])).stderr).toContain(
      "did you mean 'phased'?",
    );
    const r = await lockstepInProcess(["analyze", `${F}/base-ok.yaml`, "--plan", "upfront:byer"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown party 'byer' in 'upfront:byer'; did you mean 'buyer'?");
  });

  it("analyses JSON scenario files too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lockstep-"));
    const file = join(dir, "deal.json");
    writeFileSync(
      file,
      JSON.stringify({ parties: [{ id: "a" }], moves: [{ id: "m", actor: "a", value: { a: 1 } }] }),
    );
    const r = await lockstepInProcess(["analyze", file, "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).feasible).toBe(true);
  });
});

describe("lockstep schema", () => {
  it("prints a JSON Schema that lists the scenario fields", () => {
    const r = lockstep(["schema"]);
    expect(r.status).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toContain("json-schema.org");
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["parties", "moves", "goal", "plans", "risk"]),
    );
  });
});

describe("lockstep analyze --plan optimal", () => {
  it("analyses the planner's optimum of a built-in scenario", () => {
    const r = lockstep(["analyze", "korea-2018", "--plan", "optimal", "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.feasible).toBe(true);
    expect(doc.violations).toEqual([]);
  });

  it("says so, exit 1, when the planner proves no plan exists", async () => {
    // a sale neither side can start: the proof takes a few small solves (hanoi-2019's took about
    // 1.8 CPU-s, and test/scenarios/builtin.test.ts proves that one infeasible)
    const dir = mkdtempSync(join(tmpdir(), "lockstep-"));
    const file = join(dir, "stuck.yaml");
    writeFileSync(
      file,
      [
        "parties: [{ id: seller, tolerance: 0 }, { id: buyer, tolerance: 0 }]",
        "moves:",
        "  - { id: ship, actor: seller, value: { seller: -5, buyer: 6 }, verify: { lag: 1 } }",
        "  - { id: pay, actor: buyer, value: { buyer: -5, seller: 6 }, verify: { lag: 1 } }",
        "horizon: 3",
      ].join("\n"),
    );
    const r = await lockstepInProcess(["analyze", file, "--plan", "optimal"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "--plan optimal: the planner found no feasible plan (status infeasible); run 'lockstep plan' to see what it would take\n",
    );
  });
});
