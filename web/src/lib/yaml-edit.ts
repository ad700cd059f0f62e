/**
 * Edits from the table view written back into the YAML text, keeping the analyst's comments and
 * layout (the text stays the one source of truth; the table is another way to change it).
 */
import { isMap, isSeq, parseDocument } from "yaml";

export type CellValue = number | string | [number, number] | undefined;

/** "3", "-1.5" → number; "[1, 2]" or "1..2" → range; "" → undefined (remove the field). */
export function parseCell(text: string): CellValue | Error {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const range = trimmed.match(/^\[?\s*(-?[\d.]+)\s*(?:,|\.\.)\s*(-?[\d.]+)\s*\]?$/);
  if (range) {
    const low = Number(range[1]);
    const high = Number(range[2]);
    if (Number.isFinite(low) && Number.isFinite(high)) return [low, high];
  }
  const n = Number(trimmed);
  if (Number.isFinite(n)) return n;
  return new Error(`expected a number or a range like [1, 2], got '${trimmed}'`);
}

export function formatCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  return String(value);
}

type FieldValue = CellValue | string[] | Record<string, unknown>;

/** Sets (or, with undefined, removes) the field at `path` and returns the new text. */
export function setField(source: string, path: (string | number)[], value: FieldValue): string {
  return setFields(source, [[path, value]]);
}

/**
 * Sets (or removes) several fields, in order, and returns the new text: one parse and one
 * printing of the whole text for all of them (each costs about as much as the text is long).
 */
export function setFields(source: string, fields: [path: (string | number)[], value: FieldValue][]): string {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return source;
  for (const [path, value] of fields) {
    if (value === undefined) {
      doc.deleteIn(path);
    } else {
      const node = doc.createNode(value);
      if (isSeq(node)) node.flow = true;
      doc.setIn(path, node);
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** "a, b c" → ["a", "b", "c"]: a list of ids as typed in one cell. */
export function parseIdList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/**
 * Appends an item to the sequence at `path` and returns the new text. Nested maps of numbers
 * (a move's `value:`) are written inline, as the built-in scenarios write them.
 */
export function appendItem(source: string, path: (string | number)[], item: Record<string, unknown>): string {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return source;
  const node = doc.createNode(item);
  if (isMap(node)) {
    for (const pair of node.items) if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
  }
  doc.addIn(path, node);
  return doc.toString({ lineWidth: 0 });
}
