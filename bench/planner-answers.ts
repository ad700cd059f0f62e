/**
 * findPlan's answers (status, phases, minimum slack) and CPU on 42 generated scenarios (20×3×8 and
 * 40×4×12 seeds 1–8, 60×4×20 seeds 1–5; A and B), 60 s each: run it on two trees, one after the
 * other, and diff the first five columns to show a change to the search keeps every answer.
 *
 *     npx tsx bench/planner-answers.ts > new.txt
 */

import { findPlan, warmSolver } from "../src/planner/index.ts";
import { benchScenario } from "./planner-cases.ts";

await warmSolver();
const sizes = [
  { moves: 20, parties: 3, horizon: 8 },
  { moves: 40, parties: 4, horizon: 12 },
  { moves: 60, parties: 4, horizon: 20 },
];
const rows: string[] = [];
let total = 0;
for (const size of sizes)
  for (const kind of ["A", "B"] as const)
    for (let seed = 1; seed <= (size.moves === 60 ? 5 : 8); seed++) {
      const c = benchScenario(seed, size, kind);
      const t0 = process.cpuUsage();
      const r = await findPlan(c, { timeLimitSeconds: 60 });
      const u = process.cpuUsage(t0);
      const cpu = (u.user + u.system) / 1e6;
      total += cpu;
      rows.push(
        `${kind}${size.moves} ${seed} ${r.status} ${r.phases} ${r.minSlack?.toFixed(6)} ${cpu.toFixed(2)}`,
      );
    }
console.log(rows.join("\n"));
console.log("total CPU-s", total.toFixed(2));
