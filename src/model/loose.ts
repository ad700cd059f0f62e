/**
 * A best-effort reading of a document that failed the schema, shaped like a Scenario, so that the
 * cross-reference checks can still run and every problem is reported in one pass. Entries of the
 * wrong shape are dropped here: the schema has already reported them.
 */
import type { Scenario } from "./schema.ts";

type Loose = Record<string, unknown>;
const isObject = (x: unknown): x is Loose => typeof x === "object" && x !== null && !Array.isArray(x);
const objects = (x: unknown): Loose[] => (Array.isArray(x) ? x : []).map((o) => (isObject(o) ? o : {}));
const strings = (x: unknown): string[] =>
  Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : [];
const str = (x: unknown): string => (typeof x === "string" ? x : "");
const isValue = (v: unknown): v is number | [number, number] =>
  typeof v === "number" || (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number"));
const values = (x: unknown) =>
  Object.fromEntries(Object.entries(isObject(x) ? x : {}).filter(([, v]) => isValue(v))) as Record<
    string,
    number | [number, number]
  >;

/** Views keep their ids (what the reference checks look at); malformed figures are dropped. */
function looseViews(x: unknown): Scenario["views"] {
  if (!isObject(x)) return undefined;
  return Object.fromEntries(
    Object.entries(x).map(([viewer, view]) => {
      const v = isObject(view) ? view : {};
      return [
        viewer,
        {
          values: Object.fromEntries(
            Object.entries(isObject(v.values) ? v.values : {}).map(([move, cells]) => [move, values(cells)]),
          ),
          parties: Object.fromEntries(
            Object.keys(isObject(v.parties) ? v.parties : {}).map((id) => [id, {}]),
          ),
        },
      ];
    }),
  );
}

export function looseScenario(raw: unknown): Scenario {
  const doc = isObject(raw) ? raw : {};
  const goal = Array.isArray(doc.goal)
    ? doc.goal.map((item) =>
        !isObject(item)
          ? str(item)
          : typeof item.move === "string"
            ? { move: item.move, weight: 1 }
            : { anyOf: strings(item.anyOf), weight: 1 },
      )
    : undefined;
  return {
    sources: [],
    parties: objects(doc.parties).map((p) => ({
      id: str(p.id),
      discount: 0.9,
      tolerance: 0,
      reservation: 0,
    })),
    moves: objects(doc.moves).map((m) => ({
      id: str(m.id),
      actor: str(m.actor),
      value: values(m.value),
      reversible: 0,
      verify: { lag: 0, detect: 1, falseAlarm: 0 },
      requires: strings(m.requires),
      divisible: m.divisible === true,
      feasibility: 1,
    })),
    goal,
    horizon: typeof doc.horizon === "number" && doc.horizon >= 1 ? Math.floor(doc.horizon) : undefined,
    plans: Object.fromEntries(
      Object.entries(isObject(doc.plans) ? doc.plans : {}).map(([name, plan]) => [
        name,
        Object.fromEntries(
          Object.entries(isObject(plan) ? plan : {}).filter(
            ([, e]) => (typeof e === "number" && Number.isInteger(e) && e >= 1) || isObject(e),
          ),
        ) as Scenario["plans"][string],
      ]),
    ),
    risk: {
      hazard: 0,
      noise: isObject(doc.risk) && isObject(doc.risk.noise) ? (doc.risk.noise as Record<string, number>) : {},
      response: "grim",
      forgive: 0,
    },
    views: looseViews(doc.views),
    expect: [],
  };
}
