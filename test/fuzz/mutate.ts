/**
 * Seeded mutations of scenario text and of JSON request bodies, for the fuzz suite. Each mutation
 * is a small edit a careless or hostile author could make: drop, repeat or swap lines, extreme or
 * malformed numbers, very long ids, alias bombs, stray YAML syntax, truncation, wrong types.
 * The same seed gives the same files, so a failure can be reproduced by its seed.
 */

import { random as rng } from "../planner/generate.ts";

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

const NUMBERS = [
  "0",
  "-1",
  "1e308",
  "-1e308",
  "10000000",
  "9007199254740991",
  "0.0001",
  ".nan",
  ".inf",
  "-.inf",
  "1.5",
  "null",
  "true",
  '"7"',
  "[1, 2]",
  "{}",
];

const JUNK = [
  ":",
  "- ",
  "[",
  "{",
  "}",
  "]",
  "&a ",
  "*a",
  "!!binary ",
  "\t",
  "'",
  '"',
  "#",
  "? ",
  "|",
  ">",
  "%YAML 1.2",
  "---",
  "...",
  "\u0000",
  "\uFEFF",
];

function aliasBomb(random: () => number): string {
  const width = 5 + Math.floor(random() * 10);
  const depth = 3 + Math.floor(random() * 4);
  const lines = [`x0: &x0 [${Array(width).fill("lol").join(", ")}]`];
  for (let d = 1; d <= depth; d++) {
    lines.push(
      `x${d}: &x${d} [${Array(width)
        .fill(`*x${d - 1}`)
        .join(", ")}]`,
    );
  }
  return lines.join("\n");
}

type Mutation = (lines: string[], random: () => number) => string[];

const MUTATIONS: Mutation[] = [
  // drop a line
  (lines, r) => lines.filter((_, i) => i !== Math.floor(r() * lines.length)),
  // repeat a line
  (lines, r) => {
    const i = Math.floor(r() * lines.length);
    return [...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)];
  },
  // swap two lines
  (lines, r) => {
    const out = [...lines];
    const i = Math.floor(r() * out.length);
    const j = Math.floor(r() * out.length);
    [out[i], out[j]] = [out[j], out[i]];
    return out;
  },
  // replace a number with an extreme or malformed one
  (lines, r) =>
    lines.map((line) => (r() < 0.15 ? line.replace(/-?\d+(\.\d+)?/, () => pick(r, NUMBERS)) : line)),
  // a very long id or string
  (lines, r) =>
    lines.map((line) =>
      r() < 0.1
        ? line.replace(/(id|actor): ([a-z0-9-]+)/, (_m, key, id) => `${key}: ${id}${"q".repeat(5000)}`)
        : line,
    ),
  // stray syntax in a line
  (lines, r) => {
    const out = [...lines];
    const i = Math.floor(r() * out.length);
    const at = Math.floor(r() * (out[i].length + 1));
    out[i] = out[i].slice(0, at) + pick(r, JUNK) + out[i].slice(at);
    return out;
  },
  // change an indentation
  (lines, r) => {
    const out = [...lines];
    const i = Math.floor(r() * out.length);
    out[i] = r() < 0.5 ? `  ${out[i]}` : out[i].replace(/^ {1,2}/, "");
    return out;
  },
  // truncate
  (lines, r) => lines.slice(0, Math.max(1, Math.floor(r() * lines.length))),
  // an alias bomb, prepended or appended
  (lines, r) => (r() < 0.5 ? [aliasBomb(r), ...lines] : [...lines, aliasBomb(r)]),
  // a horizon, a plan phase or a huge plan added
  (lines, r) => [...lines, pick(r, ["horizon: 100000", "horizon: 0", "horizon: 1000", "horizon: -3"])],
  // many aliases to one anchor
  (lines, r) => {
    const n = 50 + Math.floor(r() * 200);
    return [...lines, "notes:", "  - &n note", ...Array(n).fill("  - *n")];
  },
  // a mapping where a list was, or the reverse
  (lines, r) => lines.map((line) => (r() < 0.05 ? line.replace(/^(\s*)- /, "$1") : line)),
];

/** One mutated copy of `text`: one to four edits chosen by `seed`. */
export function mutateText(text: string, seed: number): string {
  const random = rng(seed);
  let lines = text.split("\n");
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) lines = pick(random, MUTATIONS)(lines, random);
  return lines.join("\n");
}

const VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  10_000_000,
  2 ** 53 - 1,
  -(2 ** 53),
  1e308,
  "",
  "x".repeat(10_000),
  [],
  {},
  true,
  { "-1": 1 },
  { "0": 1 },
  { "1": 0.6, "2": 0.5 },
  { "10000000": 1 },
  ["a"],
];

/** A JSON value with one part replaced, removed or added, chosen by `seed`. */
export function mutateJson(value: unknown, seed: number): unknown {
  const random = rng(seed);
  const clone = JSON.parse(JSON.stringify(value)) as unknown;
  const paths: Array<Array<string | number>> = [];
  const walk = (node: unknown, path: Array<string | number>) => {
    paths.push(path);
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, [...path, i]);
    } else if (node && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
    }
  };
  walk(clone, []);
  const path = pick(random, paths);
  if (path.length === 0) return pick(random, VALUES);
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], clone);
  const key = path.at(-1)!;
  const target = parent as Record<string | number, unknown>;
  const choice = random();
  if (choice < 0.6) target[key] = pick(random, VALUES);
  else if (choice < 0.8 && !Array.isArray(parent)) delete target[key];
  else target[`extra${Math.floor(random() * 10)}`] = pick(random, VALUES);
  return clone;
}
