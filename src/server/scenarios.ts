/**
 * The scenario library the API serves: built-in files (read-only) and saved scenarios, and the
 * one way every route turns a request's `scenarioId` or `source` into a checked, compiled scenario.
 */
import { type CompiledScenario, compileScenario } from "../analysis/index.ts";
import { builtinNames, readScenarioSource } from "../io/scenario-files.ts";
import type { ParseResult, Scenario } from "../model/index.ts";
import { parseScenario } from "../model/index.ts";
import type { ScenarioRepository } from "../store/index.ts";
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

function describe(id: string, source: string, builtin: boolean): ScenarioDocument {
  const parsed = parseScenario(source, `${id}.yaml`);
  const scenario = parsed.ok ? parsed.scenario : undefined;
  return {
    id,
    title: scenario?.title ?? id,
    description: shortDescription(scenario?.description),
    builtin,
    parties: scenario?.parties.length ?? 0,
    moves: scenario?.moves.length ?? 0,
    valid: parsed.ok,
    source,
    scenario,
  };
}

const summary = ({ source: _s, scenario: _c, ...rest }: ScenarioDocument): ScenarioSummary => rest;

export class ScenarioLibrary {
  private readonly cache = new ScenarioCache<LoadedScenario>();
  /** The built-in names, listed once: the folder ships with the program and does not change. */
  private readonly builtins = new Set(builtinNames());
  /**
   * Built-in documents, described (parsed) once: the files do not change while the server runs,
   * and parsing korea-2018 took about 10 ms of every GET (the workbench waits on it to draw).
   */
  private readonly builtinDocs = new Map<string, ScenarioDocument>();

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
    const builtins = builtinNames().map((id) => summary(this.builtin(id)));
    const rows = await Promise.all((await this.saved.list()).map((row) => this.saved.get(row.id)));
    const saved = rows
      .filter((row) => row !== undefined)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((row) => summary(describe(row.id, row.yaml, false)));
    return [...builtins, ...saved];
  }

  async get(id: string): Promise<ScenarioDocument> {
    if (this.isBuiltin(id)) return this.builtin(id);
    const row = await this.saved.get(id);
    if (!row) throw notFound(`scenario '${id}'`);
    return describe(row.id, row.yaml, false);
  }

  private builtin(id: string): ScenarioDocument {
    let doc = this.builtinDocs.get(id);
    if (!doc) {
      doc = describe(id, readScenarioSource(id).text, true);
      this.builtinDocs.set(id, doc);
    }
    return { ...doc };
  }

  async create(source: string, requestedId?: string): Promise<ScenarioDocument> {
    const scenario = checked(await this.parse(source, `${requestedId ?? "scenario"}.yaml`));
    const id = requestedId ?? scenario.id!;
    if (this.isBuiltin(id)) {
      throw new HttpError(409, "conflict", `'${id}' is a built-in scenario; save under another id`);
    }
    if (await this.saved.get(id)) {
      throw new HttpError(409, "conflict", `a saved scenario '${id}' already exists; update it with PUT`);
    }
    await this.saved.create({ id, name: scenario.title ?? id, yaml: source });
    return describe(id, source, false);
  }

  async update(id: string, source: string): Promise<ScenarioDocument> {
    if (this.isBuiltin(id)) throw readOnly(id);
    if (!(await this.saved.get(id))) throw notFound(`scenario '${id}'`);
    checked(await this.parse(source, `${id}.yaml`));
    await this.saved.update(id, source);
    return describe(id, source, false);
  }

  async delete(id: string): Promise<void> {
    if (this.isBuiltin(id)) throw readOnly(id);
    if (!(await this.saved.delete(id))) throw notFound(`scenario '${id}'`);
    this.cache.forget(id);
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
      if (this.isBuiltin(id)) {
        return this.cache.builtin(id, () => loaded(readScenarioSource(id).text, id));
      }
      const row = await this.saved.get(id);
      if (!row) throw notFound(`scenario '${id}'`);
      return this.cache.saved({ id, updatedAt: row.updatedAt, source: row.yaml }, () => loaded(row.yaml, id));
    }
    throw new HttpError(400, "bad-request", "give either scenarioId or source");
  }
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
