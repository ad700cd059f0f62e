/**
 * Benchmark: one analysis (MODEL.md v2 §2–5: every constraint row, nominal and worst case, the
 * minimum slack, violations explained) of a generated plan, side by side in one run with the
 * simplest implementation of the same figures (bench/analysis-loop.ts: flat typed arrays, one pass
 * per row). Both are bundled with esbuild into one file, so both run as plain JavaScript, and
 * timed alternately in batches by CPU time (process.cpuUsage), so load on the shared machine
 * shifts both alike. Before timing, every figure of the analysis document is checked equal to the
 * loop's within 5e-10; the bench exits 1 if one is not.
 *
 * Usage: npx tsx bench/analysis.ts [--moves 200] [--phases 40] [--parties 6] [--seed 42]
 *                                  [--repeat 7] [--batch 50] [--tolerance X]
 *
 * --tolerance sets every party's tolerance (the generated plan is feasible; 0 makes many exposure
 * rows fail, so the analysis also explains each violation, which the loop does not).
 */
import { mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildSync } from "esbuild";

const { values } = parseArgs({
  options: {
    moves: { type: "string", default: "200" },
    phases: { type: "string", default: "40" },
    parties: { type: "string", default: "6" },
    seed: { type: "string", default: "42" },
    repeat: { type: "string", default: "7" },
    batch: { type: "string", default: "50" },
    tolerance: { type: "string" },
  },
});
const size = { moves: Number(values.moves), phases: Number(values.phases), parties: Number(values.parties) };
const repeat = Number(values.repeat);
const batch = Number(values.batch);

const root = fileURLToPath(new URL("..", import.meta.url));
const cache = join(root, "node_modules", ".cache", "lockstep");
const bundle = join(cache, "bench-analysis.mjs");
mkdirSync(cache, { recursive: true });
buildSync({
  entryPoints: [join(root, "bench", "analysis-loop.ts")],
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outfile: bundle,
  packages: "external",
  logLevel: "silent",
});
const lib: typeof import("./analysis-loop.ts") = await import(pathToFileURL(bundle).href);

const { scenario, plan } = lib.generateCase({ ...size, seed: Number(values.seed) });
if (values.tolerance !== undefined) for (const p of scenario.parties) p.tolerance = Number(values.tolerance);
const compiled = lib.compileScenario(lib.Scenario.parse(scenario));
const flat = lib.flatten(compiled);
const flatPlan = lib.flattenPlan(compiled, plan);

// Every figure of the document against the loop's.
const report = lib.analyzePlan(compiled, plan);
const loop = lib.flatAnalysis(flat, flatPlan);
let compared = 0;
const mismatches: string[] = [];
const same = (what: string, a: number | boolean, b: number | boolean) => {
  compared++;
  const equal = typeof a === "boolean" ? a === b : Math.abs(a - (b as number)) <= 5e-10;
  if (!equal && mismatches.length < 10) mismatches.push(`${what}: analysis ${a}, loop ${b}`);
};
const T = loop.T;
same("phases", report.phases, T);
same("feasible", report.feasible, loop.feasible);
same("minSlack", report.minSlack, loop.minSlack);
same("rows", report.rows.length, loop.rows);
report.rows.forEach((row, r) => {
  same(`row ${r} slack`, row.slack, loop.slack[r]);
  same(`row ${r} worst slack`, row.worstSlack, loop.worstSlack[r]);
});
compiled.partyIds.forEach((id, i) => {
  const p = report.parties[id];
  for (let k = 1; k <= T; k++) {
    same(`${id} E(${k})`, p.exposure[k], loop.exposure[i * (T + 1) + k]);
    same(`${id} worst E(${k})`, p.worst.exposure[k], loop.worstExposure[i * (T + 1) + k]);
    const margin = loop.margin[i * (T + 1) + k];
    same(`${id} has M(${k})`, k in p.margin, !Number.isNaN(margin));
    if (k in p.margin) {
      same(`${id} M(${k})`, p.margin[k], margin);
      same(`${id} worst M(${k})`, p.worst.margin[k], loop.worstMargin[i * (T + 1) + k]);
    }
  }
  same(`${id} final`, p.final, loop.final[i]);
  same(`${id} worst final`, p.worst.final, loop.worstFinal[i]);
});
if (mismatches.length > 0) {
  console.error(`the analysis and the flat loop disagree:\n  ${mismatches.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `${size.moves} moves × ${size.phases} phases × ${size.parties} parties: ${loop.rows} rows, ` +
    `${report.violations.length} violations; ${compared} figures equal within 5e-10. ` +
    `Load average ${loadavg()[0].toFixed(1)} at start.`,
);

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const timeBatch = (work: () => unknown) => {
  const start = process.cpuUsage();
  for (let n = 0; n < batch; n++) work();
  return cpuMs(start) / batch;
};
const analysis = () => lib.analyzePlan(compiled, plan);
const flatLoop = () => lib.flatAnalysis(flat, flatPlan);
for (let n = 0; n < 3; n++) {
  timeBatch(analysis); // warm-up (JIT)
  timeBatch(flatLoop);
}
const project: number[] = [];
const simplest: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < repeat; r++) {
  const a = timeBatch(analysis);
  const b = timeBatch(flatLoop);
  project.push(a);
  simplest.push(b);
  ratios.push(a / b);
  console.log(`  analysis ${a.toFixed(2)} ms CPU, flat loop ${b.toFixed(2)} ms: ${(a / b).toFixed(2)}×`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const span = (xs: number[], digits = 2) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
console.log(
  `per analysis (batches of ${batch}, ${repeat} pairs): analysis ${span(project)} ms CPU (median ${median(project).toFixed(2)}), ` +
    `flat loop ${span(simplest)} ms (median ${median(simplest).toFixed(2)}); ratio ${span(ratios)}× ` +
    `(median ${median(ratios).toFixed(2)}×). Load average ${loadavg()[0].toFixed(1)} at the end.`,
);
