/** The saved-scenarios repository: user scenarios kept as their YAML text, by id. */
import type { Kysely } from "kysely";
import { isUniqueViolation, StoreError } from "./errors.ts";
import { checkId, newId } from "./ids.ts";
import type { Database } from "./schema.ts";

export interface ScenarioSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface ScenarioRecord extends ScenarioSummary {
  yaml: string;
}

export interface ScenarioRepository {
  /** Every saved scenario without its text, most recently updated first. */
  list(): Promise<ScenarioSummary[]>;
  /** Every saved scenario with its text, by id: one query, for the server's library listing. */
  records(): Promise<ScenarioRecord[]>;
  get(id: string): Promise<ScenarioRecord | undefined>;
  /** Throws StoreError("conflict") if the id is taken, ("invalid") if it is not a slug or UUID. */
  create(input: { id?: string; name: string; yaml: string }): Promise<ScenarioRecord>;
  /** Returns undefined when there is no such scenario. */
  update(id: string, yaml: string): Promise<ScenarioRecord | undefined>;
  /** Returns whether a scenario was deleted. */
  delete(id: string): Promise<boolean>;
}

type Row = Database["scenarios"];

function toRecord(row: Row): ScenarioRecord {
  return { id: row.id, name: row.name, yaml: row.yaml, createdAt: row.created_at, updatedAt: row.updated_at };
}

export function scenarioRepository(db: Kysely<Database>): ScenarioRepository {
  return {
    async list() {
      const rows = await db
        .selectFrom("scenarios")
        .select(["id", "name", "created_at", "updated_at"])
        .orderBy("updated_at", "desc")
        .orderBy("id")
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at }));
    },

    async records() {
      const rows = await db.selectFrom("scenarios").selectAll().orderBy("id").execute();
      return rows.map(toRecord);
    },

    async get(id) {
      const row = await db.selectFrom("scenarios").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async create(input) {
      const id = input.id === undefined ? newId() : checkId(input.id);
      const now = new Date().toISOString();
      const row: Row = { id, name: input.name, yaml: input.yaml, created_at: now, updated_at: now };
      try {
        await db.insertInto("scenarios").values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreError("conflict", `a scenario with id "${id}" exists`);
        throw error;
      }
      return toRecord(row);
    },

    async update(id, yaml) {
      const now = new Date().toISOString();
      const result = await db
        .updateTable("scenarios")
        .set({ yaml, updated_at: now })
        .where("id", "=", id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return this.get(id);
    },

    async delete(id) {
      const result = await db.deleteFrom("scenarios").where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
