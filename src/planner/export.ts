/**
 * The planner's MILP in the two standard text formats every solver reads: free MPS and CPLEX LP
 * (`lockstep plan --export FILE.mps|FILE.lp`, and the native solver adapters in src/io).
 *
 * Names map back to the scenario. The formulation names its columns by index (`x_3_5`); here they
 * become the scenario's ids (`x.sohae_dismantle.5`). Its rows already carry the ids
 * (`margin.us.3.1`, `exposure.dprk.2`, `requires.MOVE.PREREQ.K`); a row without a name (a model
 * built by hand) is `r<index>`. Every name is sanitised to the characters both formats and every
 * reader accept (letters, digits, `_` and `.`) and made unique. The file starts with a key of the
 * naming scheme.
 */
import type { CompiledScenario } from "../analysis/index.ts";
import type { Milp } from "./milp.ts";

export type ExportFormat = "mps" | "lp";

export interface ExportNames {
  cols: string[];
  rows: string[];
}

/** What each column family means; the key printed at the top of an exported model. */
const KEY = [
  "x.MOVE.K       share of MOVE done by the end of phase K (binary unless MOVE is divisible)",
  "a.MOVE.K       1 when divisible MOVE advances in phase K",
  "s              the slack every exposure and margin row must clear",
  "sigma.PARTY    extra tolerance PARTY would need (relaxation only)",
  "mu.PARTY       inducement per phase PARTY would need (relaxation only)",
  "own/ownk/oth/othk.PARTY.K  PARTY's utility from its own / the others' moves at phase K (k: after a collapse)",
  "comply.PARTY.K PARTY's value of complying from phase K on",
  "g.PARTY.K.L    1 when PARTY acts in phase K with a move verified within L phases",
  "touch.PARTY.K / touch.PARTY.final  1 once PARTY's exposure row at K / reservation row depends on a value",
  "const.PARTY.K.L  1 when PARTY's margin row (K, L) depends on no value",
  "done.G / pick.G.MOVE  interim plans: how much of goal item G is done / which alternative counts",
  "Rows (shifted1. / view1. in front: the same row for the safety factor's shifted values / a party's view):",
  "state.MOVE.K   MOVE's share never falls;  share.min|max.MOVE.K  a divisible share in phase K",
  "goal.MOVE[.or.MOVE]  the goal item is done;  requires.MOVE.PREREQ.K  PREREQ done and verified first",
  "exposure.PARTY.K, reservation.PARTY, margin.PARTY.K.L  the rows of the figures (L: detection lag)",
  "slack.ROW      the same row against the minimum slack s;  touched.PARTY.K.MOVE  the touch indicators",
  "most.margin.PARTY.K.L  s cannot exceed the most that margin row can be, when it applies",
  "lag.PARTY.K.L[.MOVE]  which detection lag applies;  def.FAMILY.PARTY.K  the aggregate columns",
];

/** A name both formats accept: letters, digits, `_`, `.`; not starting with a digit, `.` or e/E. */
function sanitise(name: string): string {
  const clean = name.replaceAll(/[^A-Za-z0-9_.]/g, "_");
  return /^[A-Za-z_]/.test(clean) && !/^[eE][0-9.+-]/.test(clean) ? clean : `_${clean}`;
}

/** Readable, unique names for the columns and rows of a formulation of scenario `c`. */
export function exportNames(c: CompiledScenario, milp: Milp): ExportNames {
  const move = (m: string) => c.moveIds[Number(m)] ?? m;
  const party = (i: string) => c.partyIds[Number(i)] ?? i;
  const rules: Array<[RegExp, (...parts: string[]) => string]> = [
    [/^(x|a)_(\d+)_(\d+)$/, (kind, m, k) => `${kind}.${move(m)}.${k}`],
    [
      /^((?:shifted|view)\d+\.)?(own|ownk|oth|othk|comply)_(\d+)_(\d+)$/,
      (tag, kind, i, k) => `${tag ?? ""}${kind}.${party(i)}.${k}`,
    ],
    [/^(g|const)_(\d+)_(\d+)_(\d+)$/, (kind, i, k, lag) => `${kind}.${party(i)}.${k}.${lag}`],
    [/^touch_(\d+)_(\d+)$/, (i, k) => `touch.${party(i)}.${k}`],
    [/^done_(\d+)$/, (i) => `touch.${party(i)}.final`],
    [/^d_(\d+)$/, (g) => `done.${Number(g) + 1}`],
    [/^(sigma|mu|log)_(\d+)$/, (kind, i) => `${kind}.${party(i)}`],
    [/^pick_(\d+)_(\d+)$/, (g, m) => `pick.${Number(g) + 1}.${move(m)}`],
  ];
  const readable = (name: string) => {
    for (const [pattern, rename] of rules) {
      const match = pattern.exec(name);
      if (match) return rename(...match.slice(1).map((part) => part ?? ""));
    }
    return name;
  };
  const rowNames = milp.rowNames ?? [];
  return {
    cols: unique(milp.colNames.map((name) => sanitise(readable(name)))),
    rows: unique(milp.rowLower.map((_, r) => sanitise(rowNames[r] || `r${r}`))),
  };
}

function unique(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; seen.has(candidate); n++) candidate = `${name}.${n}`;
    seen.add(candidate);
    return candidate;
  });
}

/** The number of phases T of a formulation, from its state columns (0 if it has none). */
export function phasesOf(milp: Milp): number {
  let phases = 0;
  for (const name of milp.colNames) {
    const match = /^x_\d+_(\d+)$/.exec(name);
    if (match) phases = Math.max(phases, Number(match[1]));
  }
  return phases;
}

/** Shortest text that reads back as the same double. */
const num = (x: number) => String(x);

const isInf = (x: number) => !Number.isFinite(x);

export interface ExportOptions {
  names: ExportNames;
  /** Comment lines for the top of the file (scenario, phases, objective, ...). */
  comments?: string[];
}

export function writeModel(milp: Milp, format: ExportFormat, options: ExportOptions): string {
  return format === "mps" ? writeMps(milp, options) : writeLp(milp, options);
}

/** Column-wise entries of a row-wise (CSR) model. */
function byColumn(milp: Milp): Array<Array<[row: number, coef: number]>> {
  const cols: Array<Array<[number, number]>> = milp.colLower.map(() => []);
  for (let r = 0; r < milp.rowLower.length; r++) {
    for (let n = milp.starts[r]; n < milp.starts[r + 1]; n++) cols[milp.indices[n]].push([r, milp.values[n]]);
  }
  return cols;
}

/**
 * Free-format MPS; rows bounded on both sides become ranges. MPS minimises, and not every reader
 * takes an OBJSENSE section (GLPK does not), so a maximisation is written as minimising the
 * negated objective, and the file says so.
 */
export function writeMps(milp: Milp, { names, comments = [] }: ExportOptions): string {
  const sense = milp.maximize
    ? ["The planner maximises the objective: this file minimises its negation (MPS minimises)."]
    : [];
  const out: string[] = [...[...comments, ...sense, ...KEY].map((line) => `* ${line}`), "NAME lockstep"];
  out.push("ROWS", " N obj");
  const rowType = milp.rowLower.map((lower, r) => {
    const upper = milp.rowUpper[r];
    if (isInf(lower) && isInf(upper)) return "N";
    if (lower === upper) return "E";
    return isInf(upper) ? "G" : isInf(lower) ? "L" : "G"; // both finite: G with a range
  });
  rowType.forEach((type, r) => {
    out.push(` ${type} ${names.rows[r]}`);
  });
  out.push("COLUMNS");
  const entries = byColumn(milp);
  let inInteger = false;
  milp.colLower.forEach((_, j) => {
    if (milp.integer[j] !== inInteger) {
      inInteger = milp.integer[j];
      out.push(`    MARKER 'MARKER' ${inInteger ? "'INTORG'" : "'INTEND'"}`);
    }
    const col = names.cols[j];
    const cost = milp.maximize ? -milp.colCost[j] : milp.colCost[j];
    // Every column appears at least once, so readers that learn columns here know it.
    if (cost !== 0 || entries[j].length === 0) out.push(`    ${col} obj ${num(cost)}`);
    for (const [r, coef] of entries[j]) out.push(`    ${col} ${names.rows[r]} ${num(coef)}`);
  });
  if (inInteger) out.push("    MARKER 'MARKER' 'INTEND'");
  out.push("RHS");
  rowType.forEach((type, r) => {
    const rhs = type === "L" ? milp.rowUpper[r] : milp.rowLower[r];
    if (type !== "N" && rhs !== 0) out.push(`    rhs ${names.rows[r]} ${num(rhs)}`);
  });
  const ranged = rowType.flatMap((type, r) =>
    type === "G" && !isInf(milp.rowUpper[r])
      ? [`    rng ${names.rows[r]} ${num(milp.rowUpper[r] - milp.rowLower[r])}`]
      : [],
  );
  if (ranged.length > 0) out.push("RANGES", ...ranged);
  out.push("BOUNDS");
  milp.colLower.forEach((lower, j) => {
    const upper = milp.colUpper[j];
    const col = names.cols[j];
    if (lower === upper) out.push(` FX bnd ${col} ${num(lower)}`);
    else if (isInf(lower) && isInf(upper)) out.push(` FR bnd ${col}`);
    else {
      // Explicit lower bounds always: some readers give integer columns other defaults.
      out.push(isInf(lower) ? ` MI bnd ${col}` : ` LO bnd ${col} ${num(lower)}`);
      if (!isInf(upper)) out.push(` UP bnd ${col} ${num(upper)}`);
      else if (milp.integer[j]) out.push(` PL bnd ${col}`);
    }
  });
  out.push("ENDATA", "");
  return out.join("\n");
}

/** CPLEX LP format. Rows bounded on both sides are written as two rows (NAME.lo, NAME.up). */
export function writeLp(milp: Milp, { names, comments = [] }: ExportOptions): string {
  const out: string[] = [...comments, ...KEY].map((line) => `\\ ${line}`);
  const terms = (pairs: Array<[number, number]>): string => {
    const parts = pairs.map(([j, coef]) => `${coef < 0 ? "-" : "+"} ${num(Math.abs(coef))} ${names.cols[j]}`);
    const lines: string[] = [];
    for (let n = 0; n < parts.length; n += 8) lines.push(parts.slice(n, n + 8).join(" "));
    return lines.join("\n   ");
  };
  const objective: Array<[number, number]> = [];
  milp.colCost.forEach((cost, j) => {
    if (cost !== 0) objective.push([j, cost]);
  });
  if (objective.length === 0 && milp.colLower.length > 0) objective.push([0, 0]);
  out.push(milp.maximize ? "Maximize" : "Minimize", ` obj: ${terms(objective)}`, "Subject To");
  for (let r = 0; r < milp.rowLower.length; r++) {
    const pairs: Array<[number, number]> = [];
    for (let n = milp.starts[r]; n < milp.starts[r + 1]; n++) pairs.push([milp.indices[n], milp.values[n]]);
    const lower = milp.rowLower[r];
    const upper = milp.rowUpper[r];
    if (pairs.length === 0) pairs.push([0, 0]); // an empty row still states its bounds
    const body = terms(pairs);
    const name = names.rows[r];
    if (lower === upper) out.push(` ${name}: ${body} = ${num(lower)}`);
    else if (!isInf(lower) && !isInf(upper)) {
      out.push(` ${name}.lo: ${body} >= ${num(lower)}`, ` ${name}.up: ${body} <= ${num(upper)}`);
    } else if (!isInf(lower)) out.push(` ${name}: ${body} >= ${num(lower)}`);
    else if (!isInf(upper)) out.push(` ${name}: ${body} <= ${num(upper)}`);
  }
  out.push("Bounds");
  milp.colLower.forEach((lower, j) => {
    const upper = milp.colUpper[j];
    const col = names.cols[j];
    if (lower === upper) out.push(` ${col} = ${num(lower)}`);
    else if (isInf(lower) && isInf(upper)) out.push(` ${col} free`);
    else {
      const low = isInf(lower) ? "-inf" : num(lower);
      const high = isInf(upper) ? "+inf" : num(upper);
      out.push(` ${low} <= ${col} <= ${high}`);
    }
  });
  const integers = names.cols.filter((_, j) => milp.integer[j]);
  if (integers.length > 0) {
    out.push("Generals");
    for (let n = 0; n < integers.length; n += 8) out.push(` ${integers.slice(n, n + 8).join(" ")}`);
  }
  out.push("End", "");
  return out.join("\n");
}
