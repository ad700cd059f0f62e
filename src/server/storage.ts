/**
 * Opens where saved scenarios live: the shared store (SQLite file or PostgreSQL) when a database is
 * named, memory otherwise (tests, or when the store cannot be loaded — said in /api/capabilities).
 * Also registers the ledger's agreement routes and the sweep routes when there is a database.
 */
import type { FastifyInstance } from "fastify";
import { openStore, openSweepStore, type Store } from "../store/index.ts";
import { HttpError } from "./errors.ts";
import { agreementsPlugin } from "./plugins/agreements.ts";
import { sweepsPlugin } from "./plugins/sweeps.ts";
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
  const storeOptions = { sqlitePath: options.dbPath, databaseUrl: options.databaseUrl };
  const store = await openStore(storeOptions);
  const sweeps = await openSweepStore(storeOptions);
  return {
    kind: store.dialect,
    scenarios: storeScenarios(store),
    close: async () => {
      await sweeps.close();
      await store.close();
    },
    async registerExtras(app) {
      await app.register(agreementsPlugin, { store });
      await app.register(sweepsPlugin, { store: sweeps });
    },
  };
}
