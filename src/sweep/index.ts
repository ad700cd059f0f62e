/**
 * Sweeps (pure core): the sweep file, its points, one point's measurement and the report. The
 * edges (src/io/sweep-*.ts) run points across cores or through the distributed queue and store
 * results; nothing here touches Node.
 */
export { applyPoint } from "./apply.ts";
export { checkSweep, type SweepProblem } from "./check.ts";
export { evaluatePoint, type PointResult, type SweepDocument, sweepDocument } from "./evaluate.ts";
export { MEASURE_NAMES, type Metrics } from "./measures.ts";
export { parseSweep, type SweepParseResult } from "./parse.ts";
export { levels, pointCount, pointSeed, pointValues } from "./points.ts";
export * from "./report.ts";
export * from "./report-schema.ts";
export * from "./schema.ts";
