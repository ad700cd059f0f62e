/** The human face of a simulation: completion, a survival chart, values per party, causes. */
import type { SimulationReport } from "../../simulate/index.ts";
import { num, renderTable } from "./table.ts";

const BAR_WIDTH = 40;
const MAX_CAUSES = 10;

const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
/** A share that is not zero never prints as 0.0%. */
const shareText = (x: number) => (x > 0 && x < 0.0005 ? "<0.1%" : percent(x));

function bar(share: number): string {
  const eighths = Math.round(share * BAR_WIDTH * 8);
  const blocks = "▏▎▍▌▋▊▉";
  const partial = eighths % 8;
  return "█".repeat(Math.floor(eighths / 8)) + (partial > 0 ? blocks[partial - 1] : "");
}

export function formatSimulation(report: SimulationReport, requestedRuns: number): string {
  const heading = [
    report.scenario,
    report.plan === undefined ? undefined : `plan '${report.plan}'`,
    `${report.runs.toLocaleString("en")} runs`,
    `seed ${report.seed}`,
    `response ${report.response}`,
  ]
    .filter(Boolean)
    .join(", ");
  const out: string[] = [];
  if (report.partial) {
    out.push(
      `PARTIAL RESULT: stopped after ${report.runs.toLocaleString("en")} of ${requestedRuns.toLocaleString("en")} runs`,
    );
  }
  out.push(heading, "");
  const { p, low, high } = report.completion;
  out.push(`Completion: ${percent(p)} (95% Wilson interval ${percent(low)} to ${percent(high)})`, "");

  out.push("Survival: share of runs with the deal alive after each plan phase");
  report.survival.forEach((s, k) => {
    out.push(`  ${String(k).padStart(2)}  ${s.toFixed(3)}  ${bar(s)}`);
  });
  out.push("");

  out.push(
    `Value per party: discounted flow value realised in a run (quantiles within ${percent(report.quantileError, 1)})`,
  );
  const partyRows = Object.entries(report.parties).map(([party, f]) => [
    party,
    num(f.value.mean),
    num(f.value.p5),
    num(f.value.p50),
    num(f.value.p95),
    shareText(f.overTolerance),
  ]);
  out.push(renderTable(["party", "mean", "p5", "p50", "p95", "P(exposure > tolerance)"], partyRows), "");

  if (report.causes.length === 0) {
    out.push("Causes of failure: none (every run completed)");
  } else {
    out.push("Causes of failure, most frequent first (share of the runs that did not complete)");
    const rows = report.causes
      .slice(0, MAX_CAUSES)
      .map((c) => [c.party ?? "-", String(c.phase), c.cause, shareText(c.share)]);
    out.push(renderTable(["party", "phase", "cause", "share"], rows, 3));
    if (report.causes.length > MAX_CAUSES)
      out.push(`  ... and ${report.causes.length - MAX_CAUSES} rarer causes (--json lists all)`);
  }
  return out.join("\n");
}
