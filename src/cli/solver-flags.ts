/**
 * `lockstep plan --solver highs|glpk|cbc` and `--export FILE.mps|FILE.lp`: which MILP solver the
 * planner uses, and writing the MILP behind the plan in a standard format. Kept apart from
 * commands/plan.ts, which only calls `useSolverFlags` before the search and `finish` after it.
 */
import { writeFileSync } from "node:fs";
import type { CompiledScenario } from "../analysis/index.ts";
import { nativeSolver, SOLVERS, type SolverName, SolverUnavailableError } from "../io/native-solvers.ts";
import {
  configureSolver,
  type ExportFormat,
  exportNames,
  type Milp,
  type MilpSolver,
  type PlanResult,
  phasesOf,
  solveWithHighs,
  writeModel,
} from "../planner/index.ts";
import { CliError } from "./errors.ts";
import { cliIo } from "./io.ts";

export interface SolverFlags {
  solver?: string;
  export?: string;
}

export const SOLVER_HELP = `MILP solver: ${SOLVERS.join(" | ")} (default highs, built in)`;
export const EXPORT_HELP = "also write the MILP behind the plan to FILE.mps (free MPS) or FILE.lp (CPLEX LP)";

function exportFormat(file: string): ExportFormat {
  const match = /\.(mps|lp)$/i.exec(file);
  if (!match) throw new CliError(`--export: expected a file name ending in .mps or .lp, got '${file}'`);
  return match[1].toLowerCase() as ExportFormat;
}

/**
 * Checks the flags and plugs the solver in (exit 2 when unknown or not installed). `finish` then
 * writes the export, if one was asked for, from the models the search solved.
 *
 * The planner's own default (HiGHS, nothing exported) is left as it is: there is nothing to plug
 * in (and the loaded HiGHS runtime stays loaded either way, solver.ts). A backend plugged in here
 * stays for the process: in a `lockstep` process that is this one command.
 */
export async function useSolverFlags(
  flags: SolverFlags,
): Promise<{ finish: (c: CompiledScenario, report: PlanResult, scenario: string) => void }> {
  const name = (flags.solver ?? "highs") as SolverName;
  if (!SOLVERS.includes(name)) {
    throw new CliError(`--solver: unknown solver '${flags.solver}' (solvers: ${SOLVERS.join(", ")})`);
  }
  const format = flags.export === undefined ? undefined : exportFormat(flags.export);
  if (name === "highs" && !format) return { finish: () => {} };
  let solve: MilpSolver = solveWithHighs;
  if (name !== "highs") {
    try {
      solve = await nativeSolver(name);
    } catch (error) {
      if (error instanceof SolverUnavailableError) throw new CliError(error.message);
      throw error;
    }
  }
  const solved: Milp[] = [];
  configureSolver({
    backend: format
      ? (milp, options) => {
          solved.push(milp);
          return solve(milp, options);
        }
      : solve,
  });
  return {
    finish(c, report, scenario) {
      if (!flags.export || !format) return;
      // The model whose solution is the plan (its first solve, before the tie-break), or else
      // the last one the search solved.
      const milp = solved.find((m) => phasesOf(m) === report.phases && report.phases > 0) ?? solved.at(-1);
      if (!milp) {
        cliIo().stderr.write(`--export: the search solved no MILP; ${flags.export} not written\n`);
        return;
      }
      const phases = phasesOf(milp);
      const comments = [
        `Lockstep planner MILP: scenario ${scenario}, ${phases} phases, objective ${report.objective}.`,
        `Written by: lockstep plan ${scenario} --export ${flags.export}${flags.solver ? ` --solver ${flags.solver}` : ""}`,
        `${milp.colLower.length} columns, ${milp.rowLower.length} rows, ${milp.indices.length} nonzeros.`,
      ];
      writeFileSync(flags.export, writeModel(milp, format, { names: exportNames(c, milp), comments }));
      cliIo().stderr.write(
        `${flags.export}: the ${phases}-phase MILP (${milp.colLower.length} columns, ${milp.rowLower.length} rows)\n`,
      );
    },
  };
}
