/**
 * Where saved scenarios live. The routes see only this interface, so swapping the backing store
 * (the shared `src/store` once it lands, or memory for tests) is a one-line change in app.ts.
 */
export interface SavedScenario {
  id: string;
  /** Display name (the scenario's title); stores that keep one use it in listings. */
  name?: string;
  /** The scenario text exactly as the user wrote it (YAML or JSON), so line numbers stay meaningful. */
  source: string;
  updatedAt: string;
}

export interface ScenarioRepository {
  list(): Promise<SavedScenario[]>;
  get(id: string): Promise<SavedScenario | undefined>;
  create(scenario: SavedScenario): Promise<void>;
  update(scenario: SavedScenario): Promise<void>;
  delete(id: string): Promise<boolean>;
  close?(): Promise<void>;
}

export function memoryScenarioRepository(): ScenarioRepository {
  const rows = new Map<string, SavedScenario>();
  return {
    async list() {
      return [...rows.values()].sort((a, b) => a.id.localeCompare(b.id));
    },
    async get(id) {
      return rows.get(id);
    },
    async create(scenario) {
      rows.set(scenario.id, { ...scenario });
    },
    async update(scenario) {
      rows.set(scenario.id, { ...scenario });
    },
    async delete(id) {
      return rows.delete(id);
    },
  };
}
