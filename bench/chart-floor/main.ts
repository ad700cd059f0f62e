/**
 * The least a page can do to show korea-2018's charts (bench/workbench-charts.ts measures the
 * workbench beside it): fetch the scenario from the same API, parse, compile and analyse its
 * default plan with the same core, and draw the exposure and margin charts with the workbench's
 * own Plot specifications. No framework, no editor, no router, no other figure.
 */
import {
  analyzePlan,
  compileScenario,
  defaultPlanName,
  partiesOver,
  resolvePlan,
} from "../../src/analysis/index.ts";
import { parseScenario } from "../../src/model/index.ts";
import { exposureChart, marginChart } from "../../web/src/components/charts.ts";

const id = decodeURIComponent(location.hash.replace(/^#\/?s\//, "")) || "korea-2018";
const doc = (await (await fetch(`/api/scenarios/${encodeURIComponent(id)}`)).json()) as { source: string };
const parsed = parseScenario(doc.source, `${id}.yaml`);
if (!parsed.ok) throw new Error(`${id} does not parse`);
const compiled = compileScenario(parsed.scenario);
const plan = resolvePlan(compiled, defaultPlanName(compiled));
if (!plan.ok) throw new Error(`${id} has no default plan`);
const analysis = analyzePlan(compiled, plan.plan);
const names = Object.fromEntries(compiled.scenario.parties.map((p) => [p.id, p.name ?? p.id]));
const unit = compiled.scenario.unit;
const exposure = document.getElementById("exposure")!;
const focus = [...partiesOver(analysis.rows, "exposure")][0];
exposure.append(exposureChart(analysis, names, { width: exposure.clientWidth }, focus, unit));
performance.mark("lockstep:chart:exposure-chart"); // as the workbench's Chart marks it
const margins = document.getElementById("margins")!;
margins.append(marginChart(analysis, names, { width: margins.clientWidth }, unit));
