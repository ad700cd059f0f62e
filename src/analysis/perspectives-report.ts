/** The perspectives document (MODEL.md §9) inside `analyze --json` and the API's analysis. */
import { z } from "zod";

export const PerspectiveFinding = z.object({
  view: z.string().describe("The believing party"),
  party: z.string().describe("The party whose row it is"),
  phase: z.int().nullable().describe("The row's phase; null for a reservation row"),
  kind: z.enum(["exposure", "margin", "reservation"]),
  text: z.string().describe("The gap in words, naming the beliefs behind it"),
});

export const Perspectives = z.object({
  credible: z
    .record(z.string(), z.boolean())
    .describe("Each party with a view → whether every row of every party holds in that view"),
  surprises: z
    .array(PerspectiveFinding)
    .describe("Rows that hold in the viewer's view but fail in truth: it expects what would not happen"),
  fears: z
    .array(PerspectiveFinding)
    .describe("Rows that fail in the viewer's view but hold in truth: it would refuse a plan that works"),
});

export type PerspectiveFinding = z.infer<typeof PerspectiveFinding>;
export type Perspectives = z.infer<typeof Perspectives>;
