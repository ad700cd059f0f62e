/**
 * The one door to the MILP solver. The default is HiGHS compiled to WebAssembly (here and in the
 * browser), loaded lazily on the first solve, so importing the planner costs nothing; a browser
 * worker can say where the wasm lives with `configureSolver({ locateFile })` (e.g.
 * `locateFile: () => wasmUrl` from `highs/runtime?url`). Once loaded, the runtime stays loaded
 * for the life of the process (`warmSolver` loads it ahead of the first solve, as the server does),
 * whichever backend is plugged in meanwhile.
 * Another backend, e.g. a native solver from src/io/native-solvers.ts, can be plugged in with
 * `configureSolver({ backend })`: the planner does not know which one it talks to.
 */
import type { Highs } from "highs";
import type { Milp } from "./milp.ts";

export interface SolverConfig {
  /** Maps the runtime's file name (`highs.wasm`) to a URL or path the host can load. */
  locateFile?: (file: string) => string;
  /** Solves every MILP instead of HiGHS-wasm (e.g. GLPK or CBC through their binaries). */
  backend?: MilpSolver;
}

/** A MILP solver the planner can use. */
export type MilpSolver = (milp: Milp, options: SolveOptions) => Promise<SolveResult>;

let config: SolverConfig = {};
let loading: Promise<Highs> | undefined;

/**
 * Sets how the solver is loaded and which backend solves. Only another `locateFile` drops the loaded
 * runtime: a new instance costs 0.1–0.15 CPU-s, which every bench case and test that swapped the
 * backend (and back) paid inside its figures, where the server pays it once.
 */
export function configureSolver(next: SolverConfig): void {
  if (next.locateFile !== config.locateFile) loading = undefined;
  config = next;
}

/** Loads the HiGHS runtime now, so the first solve does not pay for compiling the wasm. */
export async function warmSolver(): Promise<void> {
  await loadSolver();
}

async function loadSolver(): Promise<Highs> {
  if (!loading) {
    const attempt = import("highs").then((module) =>
      module.default(config.locateFile ? { locateFile: config.locateFile } : {}),
    );
    // A failed load must not poison later attempts (e.g. after configureSolver fixes the path).
    attempt.catch(() => {
      if (loading === attempt) loading = undefined;
    });
    loading = attempt;
  }
  return loading;
}

export type SolveStatus = "optimal" | "infeasible" | "limit" | "error";

export interface SolveResult {
  /** `limit`: stopped by the time limit or an abort, possibly with an incumbent (see `values`). */
  status: SolveStatus;
  values?: Float64Array;
  objective?: number;
  /** Relative MIP gap HiGHS reports for the incumbent (0 when proven optimal). */
  gap?: number;
  seconds: number;
  message?: string;
  /**
   * Branch-and-bound nodes and LP iterations HiGHS spent, and its proven bound on the objective:
   * figures that do not depend on the machine's load, for comparing formulations (bench/).
   */
  work?: { nodes: number; lpIterations: number; bound?: number };
  /** Which solver produced this result, as the report names it ("HiGHS", "GLPK (glpsol)", ...). */
  solver?: string;
}

export interface SolveOptions {
  timeLimitSeconds: number;
  signal?: AbortSignal;
  /**
   * Further HiGHS options by their native names (for experiments and benchmarks). Not
   * `mip_lifting_for_probing: 0`: HiGHS 1.15.3 then reports wrong optima as proven on the
   * benchmark's models (docs/benchmarks.md, "Eighth session").
   */
  highsOptions?: Record<string, boolean | number | string>;
  /**
   * Most branch-and-bound nodes (HiGHS's `mip_max_nodes`; status `limit`, message "node limit
   * reached", with the incumbent): a budget in work, which unlike seconds does not depend on the
   * machine's load. HiGHS only; other backends have the time limit alone.
   */
  nodeLimit?: number;
  /**
   * Stop early (status `limit`, message "stalled") once the solve has done `after` LP iterations,
   * has an incumbent, and its bound has not moved for the last `quiet` share of its LP iterations:
   * a rule in work, so that where a search hands over does not depend on the machine's load.
   * HiGHS only; other backends run to the time limit.
   */
  stall?: { after: number; quiet: number };
  /**
   * A point to start from, some columns' values by index: HiGHS fixes them, solves for the rest,
   * and takes the result as its first incumbent if it is feasible. Other backends ignore it.
   */
  start?: { indices: number[]; values: number[] };
}

/** Tolerances tighter than HiGHS's defaults, so the plan passes the analysis's 1e-9 checks. */
const TOLERANCES = {
  primal_feasibility_tolerance: 1e-9,
  mip_feasibility_tolerance: 1e-9,
  mip_rel_gap: 1e-9,
  mip_abs_gap: 1e-10,
};

export function solveMilp(milp: Milp, options: SolveOptions): Promise<SolveResult> {
  return (config.backend ?? solveWithHighs)(milp, options);
}

/** The default backend: HiGHS-wasm. */
export async function solveWithHighs(milp: Milp, options: SolveOptions): Promise<SolveResult> {
  const highs = await loadSolver();
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const model = highs.createModel();
  try {
    model.options.set({
      output_flag: false,
      ...TOLERANCES,
      time_limit: Math.max(0.01, options.timeLimitSeconds),
      ...(options.nodeLimit !== undefined ? { mip_max_nodes: options.nodeLimit } : {}),
      ...options.highsOptions,
    });
    const numCols = milp.colLower.length;
    const numRows = milp.rowLower.length;
    model.passModel({
      numCols,
      numRows,
      sense: milp.maximize
        ? highs.constants.objectiveSense.maximize
        : highs.constants.objectiveSense.minimize,
      colCost: milp.colCost,
      colLower: milp.colLower.map((x) => (x === Number.NEGATIVE_INFINITY ? -highs.infinity : x)),
      colUpper: milp.colUpper.map((x) => (x === Number.POSITIVE_INFINITY ? highs.infinity : x)),
      rowLower: milp.rowLower.map((x) => (x === Number.NEGATIVE_INFINITY ? -highs.infinity : x)),
      rowUpper: milp.rowUpper.map((x) => (x === Number.POSITIVE_INFINITY ? highs.infinity : x)),
      matrix: {
        format: "csr",
        numRows,
        numCols,
        starts: milp.starts,
        indices: milp.indices,
        values: milp.values,
      },
      integrality: milp.integer.map((i) =>
        i ? highs.constants.variableType.integer : highs.constants.variableType.continuous,
      ),
    });
    if (options.start) model.setSolution(options.start);
    const signal = options.signal;
    const stall = options.stall;
    let bound: number | undefined;
    let moved = 0;
    let stalled = false;
    const run = model.run({
      [highs.constants.callbackType.mipInterrupt]: (event) => {
        if (signal?.aborted) event.interrupt();
        else if (stall) {
          const { mip_dual_bound: now, mip_primal_bound: best } = event.data;
          const work = Number(event.data.mip_total_lp_iterations ?? 0);
          if (now !== undefined && Number.isFinite(now)) {
            if (bound === undefined || Math.abs(now - bound) > 1e-9 * Math.max(1, Math.abs(now)))
              moved = work;
            bound = now;
          }
          const incumbent = best !== undefined && Number.isFinite(best);
          if (work >= stall.after && incumbent && work - moved >= stall.quiet * work) {
            stalled = true;
            event.interrupt();
          }
        }
        return undefined;
      },
    });
    const status = highs.constants.modelStatus;
    const code = run.modelStatus;
    const solver = "HiGHS";
    // Some info values are undefined for some outcomes (HiGHS then throws): read each one alone.
    const read = (name: "mip_dual_bound" | "mip_node_count" | "simplex_iteration_count") => {
      try {
        const value = Number(model.info.get(name));
        return Number.isFinite(value) ? value : undefined;
      } catch {
        return undefined;
      }
    };
    const work = () => {
      const bound = read("mip_dual_bound");
      return {
        nodes: read("mip_node_count") ?? 0,
        // HiGHS's info has no "mip_total_lp_iterations" (only the callback's data does: the stall
        // rule above); "simplex_iteration_count" is the MIP's LP iterations in all.
        lpIterations: read("simplex_iteration_count") ?? 0,
        ...(bound !== undefined ? { bound } : {}),
      };
    };
    const incumbent = () => {
      const values = model.getSolution().colValue;
      const feasible = Number(model.info.get("primal_solution_status")) === 2;
      return feasible ? Float64Array.from(values) : undefined;
    };
    const gapOf = () => {
      const gap = Number(model.info.get("mip_gap"));
      return Number.isFinite(gap) ? gap : undefined;
    };
    if (code === status.optimal) {
      return {
        status: "optimal",
        values: incumbent(),
        objective: model.getObjectiveValue(),
        gap: 0,
        seconds: seconds(),
        solver,
        work: work(),
      };
    }
    if (code === status.infeasible) return { status: "infeasible", seconds: seconds(), solver, work: work() };
    if (code === status.timeLimit || code === status.interrupted || code === status.solutionLimit) {
      const values = incumbent();
      return {
        status: "limit",
        values,
        objective: values ? model.getObjectiveValue() : undefined,
        gap: values ? gapOf() : undefined,
        seconds: seconds(),
        message: stalled
          ? "stalled"
          : code === status.interrupted
            ? "aborted"
            : code === status.solutionLimit
              ? "node limit reached"
              : "time limit reached",
        solver,
        work: work(),
      };
    }
    return { status: "error", seconds: seconds(), message: `HiGHS stopped with model status ${code}` };
  } catch (error) {
    return { status: "error", seconds: seconds(), message: `HiGHS failed: ${(error as Error).message}` };
  } finally {
    model.dispose();
  }
}
