/**
 * Native MILP solvers for the planner, through the binaries Debian packages: GLPK's `glpsol`
 * (glpk-utils) and COIN-OR's `cbc` (coinor-cbc). Each solve writes the model as free MPS to a
 * temporary directory, runs the binary with the time left, and reads its solution file back.
 * HiGHS-wasm stays the default (and the browser's solver); these are for `--solver glpk|cbc`.
 */
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { Milp, MilpSolver, SolveOptions, SolveResult } from "../planner/index.ts";
import { solveWithHighs, writeModel } from "../planner/index.ts";

export const SOLVERS = ["highs", "glpk", "cbc"] as const;
export type SolverName = (typeof SOLVERS)[number];

const BINARIES = {
  glpk: { binary: "glpsol", debian: "glpk-utils" },
  cbc: { binary: "cbc", debian: "coinor-cbc" },
} as const;

/** How reports name each native solver (`Solver:` in `lockstep plan`, `stats.solver` in JSON). */
const LABELS = { glpk: "GLPK (glpsol)", cbc: "CBC (cbc)" } as const;

/** The solver asked for is not installed (the CLI exits 2 with the message). */
export class SolverUnavailableError extends Error {}

/** The path of an executable on PATH, or undefined. */
async function onPath(binary: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A backend for `configureSolver({ backend })`; throws SolverUnavailableError when not installed. */
export async function nativeSolver(name: "glpk" | "cbc"): Promise<MilpSolver> {
  const { binary, debian } = BINARIES[name];
  const path = await onPath(binary);
  if (!path) {
    throw new SolverUnavailableError(
      `--solver ${name}: the '${binary}' program was not found on PATH. Install Debian's ${debian} ` +
        `package (apt-get install ${debian}), or use --solver highs (the default, built in).`,
    );
  }
  return (milp, options) => solveWith(name, path, milp, options);
}

/** Plain names (c0.., r0..): the solver never shows them, and they are the cheapest to parse. */
function plainNames(milp: Milp) {
  return { cols: milp.colLower.map((_, j) => `c${j}`), rows: milp.rowLower.map((_, r) => `r${r}`) };
}

interface Run {
  stdout: string;
  error?: Error & { code?: unknown; killed?: boolean };
}

function run(path: string, args: string[], options: SolveOptions): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      path,
      args,
      {
        signal: options.signal,
        maxBuffer: 256 * 1024 * 1024,
        // the solver's own limit should stop it first; this is a backstop for a hung process
        timeout: Math.ceil((options.timeLimitSeconds + 30) * 1000),
      },
      (error, stdout) => resolve({ stdout, error: error ?? undefined }),
    );
  });
}

async function solveWith(
  name: "glpk" | "cbc",
  path: string,
  milp: Milp,
  options: SolveOptions,
): Promise<SolveResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const dir = await mkdtemp(join(tmpdir(), "lockstep-solve-"));
  try {
    const model = join(dir, "model.mps");
    const solution = join(dir, "solution.txt");
    await writeFile(model, writeModel(milp, "mps", { names: plainNames(milp) }));
    const limit = Math.max(1, Math.floor(options.timeLimitSeconds));
    const args =
      name === "glpk"
        ? ["--freemps", model, "--tmlim", String(limit), "--mipgap", "1e-9", "-w", solution]
        : [
            "-import",
            model,
            "-sec",
            String(limit),
            "-ratioGap",
            "1e-9",
            "-allowableGap",
            "1e-10",
            // tighter than CBC's 1e-7, as for HiGHS: the plan must pass the analysis' 1e-9 checks
            "-primalTolerance",
            "1e-9",
            "-integerTolerance",
            "1e-9",
            "-solve",
            "-printingOptions",
            "all",
            "-solution",
            solution,
          ];
    const { stdout, error } = await run(path, args, options);
    if (options.signal?.aborted) return { status: "limit", seconds: seconds(), message: "aborted" };
    let text: string;
    try {
      text = await readFile(solution, "utf8");
    } catch {
      const why = error ? `: ${error.message.split("\n")[0]}` : "";
      return { status: "error", seconds: seconds(), message: `${name} wrote no solution${why}` };
    }
    const parsed = name === "glpk" ? readGlpk(text, stdout, milp) : readCbc(text, stdout, milp);
    // The file minimises the negated objective when the planner maximises (export.ts).
    if (parsed.objective !== undefined && milp.maximize) parsed.objective = -parsed.objective;
    let solver: string = LABELS[name];
    if (parsed.values) {
      const polished = await polish(milp, parsed.values, options);
      if (polished?.values) {
        parsed.values = polished.values;
        // the same objective to full precision, in the planner's sense (not the file's)
        parsed.objective = polished.objective;
        solver = `${solver}, continuous part re-solved by HiGHS`;
      }
    }
    return { ...parsed, seconds: seconds(), solver };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Parsed = Omit<SolveResult, "seconds">;

/**
 * The continuous part of a native solution, to full precision. Integer columns come back within
 * the solver's integrality tolerance (0.9999999...) and CBC 2.10 prints every value to 8
 * significant digits, which can leave a binding margin at −3e−9 and fail the analysis' 1e−9
 * check. So the integers are rounded and fixed, and the remaining LP (tiny after presolve: the
 * continuous columns are mostly defined by equalities) is solved again by HiGHS at its tight
 * tolerances. Undefined if that LP fails, and the native values are kept.
 */
async function polish(
  milp: Milp,
  values: Float64Array,
  options: SolveOptions,
): Promise<SolveResult | undefined> {
  const fixed: Milp = { ...milp, colLower: [...milp.colLower], colUpper: [...milp.colUpper] };
  fixed.integer = milp.integer.map(() => false);
  milp.integer.forEach((integer, j) => {
    if (integer) fixed.colLower[j] = fixed.colUpper[j] = Math.round(values[j]);
  });
  const result = await solveWithHighs(fixed, { timeLimitSeconds: Math.max(1, options.timeLimitSeconds) });
  return result.status === "optimal" ? result : undefined;
}

/** GLPK's plain-text solution (`-w`): `s mip ROWS COLS STATUS OBJ`, then `j COL VALUE` lines. */
export function readGlpk(text: string, stdout: string, milp: Milp): Parsed {
  const values = new Float64Array(milp.colLower.length);
  let status = "u";
  let objective = Number.NaN;
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === "s" && fields[1] === "mip") {
      status = fields[4];
      objective = Number(fields[5]);
    } else if (fields[0] === "j") values[Number(fields[1]) - 1] = Number(fields[2]);
  }
  if (/NO (PRIMAL|INTEGER) FEASIBLE SOLUTION/.test(stdout)) return { status: "infeasible" };
  if (status === "o") return { status: "optimal", values, objective, gap: 0 };
  const timedOut = /TIME LIMIT EXCEEDED/.test(stdout);
  if (status === "f")
    return { status: "limit", values, objective, gap: glpkGap(stdout), message: "time limit reached" };
  if (timedOut) return { status: "limit", message: "time limit reached" };
  return { status: "error", message: `glpsol ended with solution status '${status}'` };
}

/** The relative gap of GLPK's last progress line (`mip = BEST <= BOUND GAP% ...`). */
function glpkGap(stdout: string): number | undefined {
  const lines = [...stdout.matchAll(/mip =\s+\S+\s+[<>]=\s+\S+\s+([\d.]+)%/g)];
  const last = lines.at(-1);
  return last ? Number(last[1]) / 100 : undefined;
}

/** CBC's solution file: a status line, then `INDEX NAME VALUE REDUCED-COST` per column. */
export function readCbc(text: string, stdout: string, milp: Milp): Parsed {
  const lines = text.split("\n");
  const head = lines[0] ?? "";
  const values = new Float64Array(milp.colLower.length);
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === "**") fields.shift(); // marks a value outside its bounds by the tolerance
    if (fields.length >= 3 && /^\d+$/.test(fields[0])) values[Number(fields[0])] = Number(fields[2]);
  }
  const objective = Number(/objective value\s+(\S+)/.exec(head)?.[1]);
  if (/^Optimal/.test(head)) return { status: "optimal", values, objective, gap: 0 };
  if (/infeasible/i.test(head) && !/^Stopped/.test(head)) return { status: "infeasible" };
  if (/^Stopped/.test(head)) {
    if (/no integer solution/.test(head)) return { status: "limit", message: "time limit reached" };
    const gap = /Gap:\s+(\S+)/.exec(stdout)?.[1];
    return {
      status: "limit",
      values,
      objective,
      gap: gap === undefined ? undefined : Number(gap),
      message: "time limit reached",
    };
  }
  return { status: "error", message: `cbc: ${head.trim() || "no status"}` };
}
