/** `views` (MODEL.md §9) through the real process: every problem at its line and column, exit 2. */
import { describe, expect, it } from "vitest";
import { lockstep } from "../helpers/cli.ts";

const F = "test/views/fixtures";

describe("lockstep validate: views", () => {
  it("unknown party or move, own figures and bad ranges: FILE:LINE:COL, did-you-mean, exit 2", () => {
    const r = lockstep(["validate", `${F}/bad-views.yaml`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const file = `${F}/bad-views.yaml`;
    expect(r.stderr.split("\n")).toEqual([
      `${file}:8:7: views.buyer.values.shipp: unknown move 'shipp'; did you mean 'ship'?`,
      `${file}:9:15: views.buyer.values.ship.buyer: 'buyer' may not override its own figures (the value of 'ship' to 'buyer'): a view holds what 'buyer' believes about the other parties`,
      `${file}:9:25: views.buyer.values.ship.seler: unknown party 'seler'; did you mean 'seller'? (parties: seller, buyer)`,
      `${file}:9:44: views.buyer.values.ship.seller: range [-1, 2] crosses zero: it leaves open whether the move costs or benefits 'seller', and that decides whether a collapse takes it back and whether verification delays its credit. Give the value a side ([-1, 0] or [0, 2]), or split the move into two: one for the cost, one for the benefit`,
      `${file}:10:26: views.buyer.values.deposit.seller: range [3, 1] has low above high; expected [low, high] with low <= high`,
      `${file}:12:7: views.buyer.parties.buyer: 'buyer' may not override its own figures (its discount, tolerance or reservation): a view holds what 'buyer' believes about the other parties`,
      `${file}:13:3: views.sellr: unknown party 'sellr'; did you mean 'seller'? (parties: seller, buyer)`,
      `${file}: 7 problems found`,
      "",
    ]);
  });

  it("schema problems inside a view: unknown fields with a suggestion, numbers out of range", () => {
    const r = lockstep(["validate", `${F}/bad-views-schema.yaml`]);
    expect(r.status).toBe(2);
    const file = `${F}/bad-views-schema.yaml`;
    expect(r.stderr.split("\n")).toEqual([
      `${file}:7:17: views.buyer.parties.seller.tolerence: unknown field 'tolerence'; did you mean 'tolerance'? (expected one of: discount, tolerance, reservation, note)`,
      `${file}:7:41: views.buyer.parties.seller.discount: expected a number <= 1, got 1.5`,
      `${file}:8:5: views.buyer.valeus: unknown field 'valeus'; did you mean 'values'? (expected one of: values, parties, note)`,
      `${file}: 3 problems found`,
      "",
    ]);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("a file with valid views passes, and `lockstep schema` describes views", () => {
    expect(lockstep(["validate", `${F}/views-ok.yaml`]).status).toBe(0);
    const schema = JSON.parse(lockstep(["schema"]).stdout);
    const views = schema.properties.views;
    expect(views.type).toBe("object");
    const view = views.additionalProperties;
    expect(Object.keys(view.properties)).toEqual(["values", "parties", "note"]);
    expect(Object.keys(view.properties.parties.additionalProperties.properties)).toEqual([
      "discount",
      "tolerance",
      "reservation",
      "note",
    ]);
  });
});
