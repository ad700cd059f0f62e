/**
 * Opens where saved scenarios live: the shared store (SQLite file or PostgreSQL) when a database is
 * named, memory otherwise (tests, or when the store cannot be loaded — said in /api/capabilities).
 * Also registers the ledger's agreement routes when the store and that plugin are both present.
 */
import type { FastifyInstance } from "fastify";
import { openStore, type Store } from "../store/index.ts";
import { HttpError } from "./errors.ts";
import { agreementsPlugin } from "./plugins/agreements.ts";
import { memoryScenarioRepository, type ScenarioRepository } from "./scenario-repository.ts";

export interface Storage {
  /** 'sqlite', 'postgres' or 'memory …' (with the reason when a database was asked for). */
  kind: string;
  scenarios: ScenarioRepository;
  close(): Promise<void>;
  registerExtras(app: FastifyInstance): Promise<void>;
}

/** Adapts the shared store's scenario repository to the routes' interface. */
function storeScenarios(store: Store): ScenarioRepository {
  const repo = store.scenarios;
  return {
    async list() {
      const rows = await Promise.all((await repo.list()).map((row) => repo.get(row.id)));
      return rows
        .filter((row) => row !== undefined)
        .map((row) => ({ id: row.id, source: row.yaml, updatedAt: row.updatedAt }))
        .sort((a, b) => a.id.localeCompare(b.id));
    },
    async get(id) {
      const row = await repo.get(id);
      return row && { id: row.id, source: row.yaml, updatedAt: row.updatedAt };
    },
    async create(scenario) {
      try {
        await repo.create({ id: scenario.id, name: scenario.name ?? scenario.id, yaml: scenario.source });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "conflict") throw new HttpError(409, "conflict", (error as Error).message);
        if (code === "invalid") throw new HttpError(400, "bad-request", (error as Error).message);
        throw error;
      }
    },
    async update(scenario) {
      await repo.update(scenario.id, scenario.source);
    },
    delete: (id) => repo.delete(id),
  };
}

export async function openScenarioRepository(options: {
  dbPath?: string;
  databaseUrl?: string;
}): Promise<Storage> {
  const memory = (kind: string): Storage => ({
    kind,
    scenarios: memoryScenarioRepository(),
    close: async () => {},
    registerExtras: async () => {},
  });
  if (!options.dbPath && !options.databaseUrl) return memory("memory");
  const store = await openStore({
    sqlitePath: options.dbPath,
    databaseUrl: options.databaseUrl,
  });
  return {
    kind: store.dialect,
    scenarios: storeScenarios(store),
    close: () => store.close(),
    async registerExtras(app) {
      await app.register(agreementsPlugin, { store });
    },
  };
}
