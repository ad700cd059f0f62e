/**
 * The planner's documents: what `lockstep plan --json` and `lockstep compare --json` print and
 * what the HTTP API returns. Schemas first, types inferred, so every face agrees.
 */
import { z } from "zod";
import { AnalysisReport, Safety } from "../analysis/index.ts";
import { GoalItem, Plan } from "../model/index.ts";

export const Objective = z.enum(["phases", "slack", "welfare", "maxmin", "nash", "progress", "safety"]);

export const PlanStatus = z
  .enum(["optimal", "feasible", "infeasible", "time-limit", "solver-error"])
  .describe(
    "optimal: proven best; feasible: a plan found before the time limit, see gap; infeasible: proven " +
      "that no plan exists; time-limit: stopped with neither a plan nor a proof; solver-error: the solver failed",
  );

export const Relaxation = z
  .record(
    z.string(),
    z.object({
      tolerance: z
        .number()
        .describe("Extra tolerance σ_i = max(0, max_k E_i(k) − τ_i), in the party's per-phase value unit"),
      inducement: z
        .number()
        .describe(
          "Inducement μ_i = max(0, −min_k M_i(k)), per phase in the party's value unit: paid every phase " +
            "while the party keeps to the deal, stopped the moment it defects, so it adds μ_i to every margin",
        ),
    }),
  )
  .describe("Only parties with a positive σ or μ, computed from the plan's own analysis");

export const Deferred = z.object({
  item: GoalItem.describe("The goal item as the scenario writes it"),
  reason: z
    .string()
    .describe(
      "Why it is left out: the first violation of the best plan (default objective) forced to complete it " +
        "together with the items the plan completes, or 'no valid plan within the horizon'",
    ),
});

export const FrontierPoint = z.object({
  phases: z.int().describe("At most this many phases"),
  theta: z.number().describe("The largest θ* of such a plan, capped at 100 (within a relative 10⁻³)"),
  proven: z.boolean().describe("The search finished within the time limit"),
  safety: Safety.nullable().describe("The safety object of that plan, as analyze gives it"),
  plan: Plan.describe("A plan that reaches it"),
});

export const BeliefCorrection = z.object({
  view: z.string().describe("The believing party"),
  party: z.string().describe("The party the belief is about"),
  figure: z.enum(["value", "discount", "tolerance", "reservation"]),
  move: z.string().optional().describe("The move, for a value"),
  believed: z.number(),
  truth: z.number(),
  needed: z
    .number()
    .describe("The least correction toward the truth that makes the plan credible to the viewer"),
  text: z.string(),
});

export const PlanStats = z.object({
  variables: z.int(),
  constraints: z.int(),
  nonzeros: z.int(),
  solves: z.int().describe("MILPs solved (one per number of phases tried, plus the relaxation)"),
  seconds: z.number(),
  solver: z
    .string()
    .optional()
    .describe("The MILP solver(s) that answered, e.g. HiGHS, or GLPK (glpsol) with --solver glpk"),
});

export const PlanReport = z.object({
  feasible: z.boolean(),
  status: PlanStatus,
  objective: Objective,
  robust: z.boolean(),
  credible: z
    .boolean()
    .optional()
    .describe("plan --credible: the plan must be credible to every party (MODEL.md §9)"),
  phases: z.int().describe("Phases of the plan returned (0 when there is none)"),
  plan: Plan.describe("The plan: move → phase, or phase → fraction; the relaxed plan when infeasible"),
  minSlack: z.number().nullable().describe("Least slack of the plan (worst case in robust mode)"),
  objectiveValue: z.number().optional(),
  gap: z.number().optional().describe("Relative gap between the plan and the proven bound"),
  analysis: AnalysisReport.optional().describe(
    "The analyze document of the plan returned (when infeasible: what fails without the relaxation)",
  ),
  relaxation: Relaxation.optional(),
  relaxed: AnalysisReport.optional().describe(
    "The same plan's analysis with the relaxation applied (tolerance + σ, margins + μ): it reads feasible",
  ),
  progress: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe("Share of the goal's weight the plan does (MODEL.md §8); 1 for a complete plan"),
  safety: Safety.nullable()
    .optional()
    .describe("The safety factor of the plan returned (MODEL.md §7), as analyze gives it"),
  frontier: z
    .array(FrontierPoint)
    .optional()
    .describe("--frontier: for each number of phases, the largest θ* and its plan"),
  deferred: z
    .array(Deferred)
    .optional()
    .describe("Goal items the plan does not fully do, each with why (objective progress)"),
  binding: z
    .array(z.string())
    .optional()
    .describe(
      "Why no plan works, in words: one sentence per positive σ or μ, then what fails without the relaxation",
    ),
  beliefs: z
    .array(BeliefCorrection)
    .optional()
    .describe(
      "plan --credible with no credible plan: per party, the smallest correction of one belief that makes the best plan feasible in truth credible to it",
    ),
  notes: z.array(z.string()),
  stats: PlanStats,
});

export const ComparisonRow = z.object({
  name: z.string(),
  kind: z.enum(["doctrine", "named", "optimal"]),
  feasible: z.boolean(),
  phases: z.int().nullable(),
  minSlack: z.number().nullable(),
  worstExposure: z.record(z.string(), z.number()).describe("Largest exposure of each party over the plan"),
  final: z.record(z.string(), z.number()).describe("Each party's final flow value"),
  progress: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe("Share of the goal's weight the plan does (MODEL.md §8); null when there is no plan"),
  plan: Plan.nullable().describe("The schedule: move → phase, or phase → fraction for a divisible move"),
  safety: Safety.nullable().describe("The plan's safety factor θ* (MODEL.md §7); null when it is infeasible"),
  firstViolation: z.string().optional(),
  credibleTo: z
    .array(z.string())
    .optional()
    .describe(
      "Parties with a view to which the plan is credible (MODEL.md §9); only when the scenario has views",
    ),
});

export const ComparisonReport = z.object({
  scenario: z.string(),
  rows: z.array(ComparisonRow),
});

export type Objective = z.infer<typeof Objective>;
export type PlanStatus = z.infer<typeof PlanStatus>;
export type Relaxation = z.infer<typeof Relaxation>;
export type Deferred = z.infer<typeof Deferred>;
export type FrontierPoint = z.infer<typeof FrontierPoint>;
export type PlanReport = z.infer<typeof PlanReport>;
export type BeliefCorrection = z.infer<typeof BeliefCorrection>;
export type ComparisonRow = z.infer<typeof ComparisonRow>;
export type ComparisonReport = z.infer<typeof ComparisonReport>;
