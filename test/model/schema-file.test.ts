import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/model/schema.ts";

describe("published JSON Schema", () => {
  it("schema/scenario.schema.json is what `lockstep schema` generates (regenerate it when the schema changes)", () => {
    const committed = JSON.parse(
      readFileSync(new URL("../../schema/scenario.schema.json", import.meta.url), "utf8"),
    );
    expect(committed).toEqual(scenarioJsonSchema());
  });
});
