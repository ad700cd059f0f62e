/**
 * Scenario text (YAML or JSON — JSON is parsed by the same YAML parser) → a checked Scenario,
 * or every problem at once with its line and column.
 */
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { type ScenarioIssue, sortIssues } from "./errors.ts";
import { looseScenario } from "./loose.ts";
import { checkReferences } from "./references.ts";
import {
  BeliefAbout,
  Expectation,
  Move,
  Party,
  Risk,
  RowRef,
  Scenario,
  type Scenario as ScenarioType,
  Verify,
  View,
} from "./schema.ts";
import { suggester } from "./suggest.ts";

export type ParseResult =
  | { ok: true; scenario: ScenarioType; issues: [] }
  | { ok: false; scenario?: undefined; issues: ScenarioIssue[] };

export type PathKey = string | number;

/** Locates a path in the parsed document; missing fields point at their nearest parent. */
export interface Locator {
  locate(path: readonly PathKey[], atKey?: boolean): { line?: number; column?: number };
}

export function makeLocator(doc: ReturnType<typeof parseDocument>, lines: LineCounter): Locator {
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  return {
    locate(path, atKey = false) {
      for (let depth = path.length; depth >= 0; depth--) {
        const prefix = path.slice(0, depth);
        if (atKey && depth === path.length && depth > 0) {
          const parent = prefix.length > 1 ? doc.getIn(prefix.slice(0, -1), true) : doc.contents;
          if (isMap(parent)) {
            const pair = parent.items.find(
              (item) => isPair(item) && isScalar(item.key) && item.key.value === prefix.at(-1),
            );
            const keyNode = pair?.key as Node | undefined;
            if (keyNode?.range) return position(keyNode.range[0]);
          }
        }
        const node = (prefix.length ? doc.getIn(prefix, true) : doc.contents) as Node | undefined;
        if (node?.range) return position(node.range[0]);
      }
      return {};
    },
  };
}

/** Which object schema lives at a path, to suggest the intended field name for a typo. */
function knownFieldsAt(path: readonly PathKey[]): string[] {
  const shape = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
  const [head, , third] = path;
  if (path.length === 0) return shape(Scenario);
  if (head === "parties" && path.length === 2) return shape(Party);
  if (head === "moves" && path.length === 2) return shape(Move);
  if (head === "moves" && path.length === 3 && third === "verify") return shape(Verify);
  if (head === "risk" && path.length === 1) return shape(Risk);
  if (head === "expect" && path.length === 2) return shape(Expectation);
  if (head === "expect" && path.length === 4 && (third === "surprises" || third === "fears"))
    return shape(RowRef);
  if (head === "views" && path.length === 2) return shape(View);
  if (head === "views" && path.length === 4 && third === "parties") return shape(BeliefAbout);
  return [];
}

const TYPE_NAMES: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

function describeReceived(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return `the text '${input}'`;
  return `${typeof input} ${String(input)}`;
}

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, above: boolean) {
  const limit = above ? issue.maximum : issue.minimum;
  const op = above ? (issue.inclusive ? "<=" : "<") : issue.inclusive ? ">=" : ">";
  return `${op} ${String(limit)}`;
}

/**
 * Turns zod's issues into plain-words messages that say what was expected. `knownFields` names
 * the fields allowed at a path (for "did you mean"); other documents (sweep files) pass their own.
 */
export function schemaIssues(
  error: z.ZodError,
  locator: Locator,
  knownFields: (path: readonly PathKey[]) => string[] = knownFieldsAt,
): ScenarioIssue[] {
  const didYouMean = suggester();
  const out: ScenarioIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((k): k is PathKey => typeof k !== "symbol");
    const dotted = path.join(".");
    if (issue.code === "unrecognized_keys") {
      const known = knownFields(path);
      for (const key of issue.keys) {
        out.push({
          path: [...path, key].join("."),
          ...locator.locate([...path, key], true),
          code: "unknown-field",
          message: `unknown field '${key}'${didYouMean(key, known)}${known.length ? ` (expected one of: ${known.join(", ")})` : ""}`,
        });
      }
      continue;
    }
    let message = issue.message;
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case "invalid_type":
        message =
          input === undefined
            ? `missing required field '${String(path.at(-1))}' (expected ${TYPE_NAMES[issue.expected] ?? issue.expected})`
            : `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeReceived(input)}`;
        break;
      case "too_small":
        message =
          issue.origin === "array"
            ? issue.message.startsWith("expected")
              ? issue.message
              : `expected at least ${String(issue.minimum)} item(s)`
            : `expected a number ${bound(issue, false)}, got ${String(input)}`;
        break;
      case "too_big":
        message =
          issue.origin === "array" || issue.origin === "string"
            ? issue.message
            : `expected a number ${bound(issue, true)}, got ${String(input)}`;
        break;
      case "invalid_value":
        message = `expected one of ${issue.values.map((v) => `'${String(v)}'`).join(", ")}, got ${describeReceived(input)}`;
        break;
      case "invalid_format":
        message = `${issue.message.replace(/^Invalid string: /, "")}, got ${describeReceived(input)}`;
        break;
      default:
        if (input !== undefined && !message.includes("got")) message += `, got ${describeReceived(input)}`;
    }
    out.push({ path: dotted, ...locator.locate(path), code: issue.code.replace(/_/g, "-"), message });
  }
  return out;
}

/** Most aliases a document may use: more is how a "billion laughs" file blows up memory. */
export const MAX_ALIASES = 100;

class AliasError {
  constructor(readonly issue: ScenarioIssue) {}
}

/**
 * The document as plain data. The YAML library throws when aliases expand beyond its limit; that
 * becomes an issue at the first alias past the limit (or the first alias when the count alone is
 * not the cause), never an uncaught error.
 */
function toPlainData(doc: ReturnType<typeof parseDocument>, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const aliases: Node[] = [];
    visit(doc, {
      Alias(_key, node) {
        aliases.push(node);
      },
    });
    const culprit = aliases[Math.min(MAX_ALIASES, aliases.length - 1)] ?? aliases[0];
    const where = culprit?.range ? lines.linePos(culprit.range[0]) : undefined;
    return new AliasError({
      path: "",
      line: where?.line,
      column: where?.col,
      code: "too-many-aliases",
      message: `the document expands more than ${MAX_ALIASES} YAML aliases (*name); write the values out instead`,
    });
  }
}

/** Parses and checks a scenario. `name` (usually the file name) supplies the default id. */
/**
 * YAML text → plain data and a locator for its positions, or its syntax problems (and an alias
 * bomb) as issues with line and column. Shared by every YAML document Lockstep reads.
 */
export function readYaml(
  text: string,
): { ok: true; raw: unknown; locator: Locator } | { ok: false; issues: ScenarioIssue[] } {
  const lines = new LineCounter();
  // logLevel "error": a mapping used as a key becomes text without a warning on the terminal
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: true,
    logLevel: "error",
  });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const first = e.linePos?.[0];
      const plain = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      return {
        path: "",
        line: first?.line,
        column: first?.col,
        code: `syntax-${e.code.toLowerCase().replace(/_/g, "-")}`,
        message:
          e.code === "DUPLICATE_KEY"
            ? "duplicate key: each field, and each move in a plan, may appear only once"
            : `YAML syntax: ${plain}`,
      };
    });
    return { ok: false, issues };
  }
  const locator = makeLocator(doc, lines);
  const raw = toPlainData(doc, lines);
  if (raw instanceof AliasError) return { ok: false, issues: [raw.issue] };
  return { ok: true, raw, locator };
}

/** A document's top level must be a mapping; both scenario and sweep files say so the same way. */
export function isMapping(raw: unknown): raw is Record<string, unknown> {
  return raw !== null && typeof raw === "object" && !Array.isArray(raw);
}

/** The problem reported when a document's top level is not a mapping of the expected fields. */
export function notAMapping(fields: string): ScenarioIssue {
  return {
    path: "",
    line: 1,
    column: 1,
    code: "not-a-mapping",
    message: `expected a mapping with ${fields}`,
  };
}

export function parseScenario(text: string, name = "scenario"): ParseResult {
  const read = readYaml(text);
  if (!read.ok) return { ok: false, issues: read.issues };
  const { raw, locator } = read;
  if (!isMapping(raw)) return { ok: false, issues: [notAMapping("parties and moves")] };
  const parsed = Scenario.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    // Report the reference problems too (a typo'd party id, say), so the user sees everything at once.
    const schemaProblems = schemaIssues(parsed.error, locator);
    const reported = new Set(schemaProblems.map((p) => p.path));
    const references = checkReferences(looseScenario(raw))
      .filter((p) => !reported.has(p.at.join(".")))
      .map(({ at, atKey, ...issue }) => ({ ...issue, path: at.join("."), ...locator.locate(at, atKey) }));
    return { ok: false, issues: sortIssues([...schemaProblems, ...references]) };
  }
  const scenario = parsed.data;
  scenario.id ??= name
    .replace(/\.(ya?ml|json)$/i, "")
    .replace(/[^a-z0-9_-]+/gi, "-")
    .toLowerCase();
  const problems = checkReferences(scenario).map((p) => ({ ...p, ...locator.locate(p.at, p.atKey) }));
  if (problems.length > 0) {
    return {
      ok: false,
      issues: sortIssues(problems.map(({ at, atKey, ...issue }) => ({ ...issue, path: at.join(".") }))),
    };
  }
  return { ok: true, scenario, issues: [] };
}

/** Checks an already-structured scenario (from an API body, say): no positions, same rules. */
export function checkScenarioObject(raw: unknown): ParseResult {
  const parsed = Scenario.safeParse(raw, { reportInput: true });
  const noPositions: Locator = { locate: () => ({}) };
  if (!parsed.success) return { ok: false, issues: schemaIssues(parsed.error, noPositions) };
  const problems = checkReferences(parsed.data);
  if (problems.length > 0) {
    return {
      ok: false,
      issues: problems.map(({ at, atKey, ...issue }) => ({ ...issue, path: at.join(".") })),
    };
  }
  return { ok: true, scenario: parsed.data, issues: [] };
}
