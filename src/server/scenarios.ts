/**
 * The scenario library the API serves: built-in files (read-only) and saved scenarios, and the
 * one way every route turns a request's `scenarioId` or `source` into a checked, compiled scenario.
 */
import { type CompiledScenario, compileScenario } from "../analysis/index.ts";
import { builtinNames, readScenarioSource } from "../io/scenario-files.ts";
import type { ParseResult, Scenario } from "../model/index.ts";
import { parseScenario } from "../model/index.ts";
import type { ScenarioRecord, ScenarioRepository } from "../store/index.ts";
import { HttpError, notFound } from "./errors.ts";
import { ScenarioCache } from "./scenario-cache.ts";
import type { ScenarioDocument as ScenarioDocumentBody, ScenarioSummary } from "./schemas.ts";

export type { ScenarioSummary };

/** The API's scenario document plus the parsed scenario, which routes strip before answering. */
export interface ScenarioDocument extends ScenarioDocumentBody {
  scenario?: Scenario;
}

/** A short description for the library: the first sentence, at most about 160 characters. */
export function shortDescription(text: string | undefined): string {
  if (!text) return "";
  const flat = text.replace(/\s+/g, " ").trim();
  const sentence = flat.match(/^.*?[.!?](\s|$)/)?.[0]?.trim() ?? flat;
  return sentence.length <= 160 ? sentence : `${sentence.slice(0, 157).trimEnd()}...`;
}

/** The library's document for a scenario text; `parsed` when the text was parsed already. */
function describe(id: string, source: string, builtin: boolean, parsed?: ParseResult): ScenarioDocument {
  const result = parsed ?? parseScenario(source, `${id}.yaml`);
  const scenario = result.ok ? result.scenario : undefined;
  return {
    id,
    title: scenario?.title ?? id,
    description: shortDescription(scenario?.description),
    builtin,
    parties: scenario?.parties.length ?? 0,
    moves: scenario?.moves.length ?? 0,
    valid: result.ok,
    source,
    scenario,
  };
}

const summary = ({ source: _s, scenario: _c, ...rest }: ScenarioDocument): ScenarioSummary => rest;

/**
 * The built-ins, described and compiled once per process rather than once per server: they ship
 * with the program and do not change while it runs, and a process may serve several libraries
 * (a test run starts hundreds of servers in a few processes).
 */
const builtins = {
  documents: new ScenarioCache<ScenarioDocument>(),
  compiled: new ScenarioCache<LoadedScenario>(),
};

export class ScenarioLibrary {
  /** Compiled scenarios, for the routes that analyse, plan or simulate one (built-ins: `builtins`). */
  private readonly cache = new ScenarioCache<LoadedScenario>();
  /**
   * Described (parsed) scenarios, for the library's list and documents, with the same lifetimes:
   * built-ins once (`builtins`), saved ones per update time. Parsing korea-2018 takes about 10 ms, and the
   * list used to parse every saved scenario on the event loop at every request; now a text is
   * parsed once per version (on save, by the same parse that checked it), and the compiled cache
   * compiles the scenario parsed here.
   */
  private readonly documents = new ScenarioCache<ScenarioDocument>();
  /** The built-in names, listed once: the folder ships with the program and does not change. */
  private readonly builtins = new Set(builtinNames());

  /**
   * `parse` parses a scenario text off the event loop (the server's parser thread, for large
   * texts); without it, texts are parsed here.
   */
  constructor(
    private readonly saved: ScenarioRepository,
    private readonly parse: (source: string, name: string) => Promise<ParseResult> = async (source, name) =>
      parseScenario(source, name),
  ) {}

  isBuiltin(id: string): boolean {
    return this.builtins.has(id);
  }

  async list(): Promise<ScenarioSummary[]> {
    const builtins = [...this.builtins].map((id) => summary(this.builtin(id)));
    const saved: ScenarioSummary[] = [];
    for (const row of await this.saved.records()) saved.push(summary(await this.savedDocument(row)));
    saved.sort((a, b) => a.id.localeCompare(b.id));
    return [...builtins, ...saved];
  }

  async get(id: string): Promise<ScenarioDocument> {
    if (this.isBuiltin(id)) return this.builtin(id);
    const row = await this.saved.get(id);
    if (!row) throw notFound(`scenario '${id}'`);
    return this.savedDocument(row);
  }

  /** A copy of the cached document: callers strip or add fields. */
  private builtin(id: string): ScenarioDocument {
    return { ...builtins.documents.builtin(id, () => describe(id, readScenarioSource(id).text, true)) };
  }

  /**
   * A saved scenario's document, from the cache while the row's version is the cached one. A text
   * not seen yet (saved by an earlier process, or by another server on the same database) is
   * parsed as a request's text is: a large one off the event loop. `parsed` is the parse of the
   * text just saved.
   */
  private async savedDocument(row: ScenarioRecord, parsed?: ParseResult): Promise<ScenarioDocument> {
    const key = savedKey(row);
    const result =
      parsed ?? (this.documents.hasSaved(key) ? undefined : await this.parse(row.yaml, `${row.id}.yaml`));
    return { ...this.documents.saved(key, () => describe(row.id, row.yaml, false, result)) };
  }

  async create(source: string, requestedId?: string): Promise<ScenarioDocument> {
    const parsed = await this.parse(source, `${requestedId ?? "scenario"}.yaml`);
    const scenario = checked(parsed);
    const id = requestedId ?? scenario.id!;
    if (this.isBuiltin(id)) {
      throw new HttpError(409, "conflict", `'${id}' is a built-in scenario; save under another id`);
    }
    if (await this.saved.get(id)) {
      throw new HttpError(409, "conflict", `a saved scenario '${id}' already exists; update it with PUT`);
    }
    const row = await this.saved.create({ id, name: scenario.title ?? id, yaml: source });
    return this.savedDocument(row, parsed);
  }

  async update(id: string, source: string): Promise<ScenarioDocument> {
    if (this.isBuiltin(id)) throw readOnly(id);
    if (!(await this.saved.get(id))) throw notFound(`scenario '${id}'`);
    const parsed = await this.parse(source, `${id}.yaml`);
    checked(parsed);
    const row = await this.saved.update(id, source);
    if (!row) throw notFound(`scenario '${id}'`); // deleted meanwhile
    // the row read back is another request's text if one updated it meanwhile
    return this.savedDocument(row, row.yaml === source ? parsed : undefined);
  }

  async delete(id: string): Promise<void> {
    if (this.isBuiltin(id)) throw readOnly(id);
    if (!(await this.saved.delete(id))) throw notFound(`scenario '${id}'`);
    this.cache.forget(id);
    this.documents.forget(id);
  }

  /**
   * The scenario a request names, by id or by inline source. Parsing and compiling cost far more
   * than the analysis a request usually asks for (korea-2018: about 10 ms against 0.2 ms), so
   * compiled scenarios are cached (scenario-cache.ts): built-ins for the life of the process,
   * saved ones until their update time changes, inline sources by their text. A source with
   * problems is never cached: it answers 422 each time.
   */
  async resolve(ref: { scenarioId?: string; source?: string }): Promise<LoadedScenario> {
    if (ref.source !== undefined) {
      const source = ref.source;
      // a new text is parsed before the cache takes it (a large one off the event loop)
      const parsed = this.cache.hasInline(source) ? undefined : await this.parse(source, "scenario.yaml");
      return this.cache.inline(source, () => fromParsed(parsed ?? parseScenario(source, "scenario.yaml")));
    }
    if (ref.scenarioId !== undefined) {
      const id = ref.scenarioId;
      if (this.isBuiltin(id)) return builtins.compiled.builtin(id, () => compiled(this.builtin(id), id));
      const row = await this.saved.get(id);
      if (!row) throw notFound(`scenario '${id}'`);
      const document = await this.savedDocument(row); // parsed once per version, like the list
      return this.cache.saved(savedKey(row), () => compiled(document, id));
    }
    throw new HttpError(400, "bad-request", "give either scenarioId or source");
  }
}

const savedKey = (row: ScenarioRecord) => ({ id: row.id, updatedAt: row.updatedAt, source: row.yaml });

/** Compiles a described scenario; one that does not parse answers 422 with its problems. */
function compiled(document: ScenarioDocument, name: string): LoadedScenario {
  const { scenario } = document;
  return scenario ? { scenario, compiled: compileScenario(scenario) } : loaded(document.source, name);
}

function loaded(source: string, name: string): LoadedScenario {
  return fromParsed(parseScenario(source, `${name}.yaml`));
}

function fromParsed(parsed: ParseResult): LoadedScenario {
  const scenario = checked(parsed);
  return { scenario, compiled: compileScenario(scenario) };
}

export interface LoadedScenario {
  scenario: Scenario;
  compiled: CompiledScenario;
}

const readOnly = (id: string) =>
  new HttpError(
    403,
    "read-only",
    `'${id}' is a built-in scenario and cannot be changed; save a copy instead`,
  );

/** A parsed scenario text, or 422 with every problem and its line and column. */
function checked(parsed: ParseResult): Scenario {
  if (!parsed.ok) {
    const count = parsed.issues.length;
    throw new HttpError(
      422,
      "invalid-scenario",
      `the scenario has ${count} problem${count === 1 ? "" : "s"}; nothing was saved or run`,
      parsed.issues,
    );
  }
  return parsed.scenario;
}
