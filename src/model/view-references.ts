/**
 * Cross-field checks of `views` (MODEL.md §9) and of the perspective claims in `expect:`: every
 * party and move named must exist, a party may not override its own figures, and a range must be
 * [low, high] with low <= high that does not cross zero (MODEL.md §1).
 */
import { type ReferenceProblem, rangeProblem } from "./references.ts";
import type { Scenario } from "./schema.ts";
import { didYouMean } from "./suggest.ts";

export function checkViews(scenario: Scenario): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const partyIds = new Set(scenario.parties.map((p) => p.id));
  const moveIds = new Set(scenario.moves.map((m) => m.id));
  const unknownParty = (id: string) =>
    `unknown party '${id}'${didYouMean(id, partyIds)} (parties: ${[...partyIds].join(", ")})`;
  const ownFigures = (viewer: string, what: string) =>
    `'${viewer}' may not override its own figures (${what}): a view holds what '${viewer}' believes ` +
    "about the other parties";

  for (const [viewer, view] of Object.entries(scenario.views ?? {})) {
    if (!partyIds.has(viewer)) {
      problems.push({
        at: ["views", viewer],
        atKey: true,
        code: "unknown-party",
        message: unknownParty(viewer),
      });
    }
    for (const [move, values] of Object.entries(view.values)) {
      if (!moveIds.has(move)) {
        problems.push({
          at: ["views", viewer, "values", move],
          atKey: true,
          code: "unknown-move",
          message: `unknown move '${move}'${didYouMean(move, moveIds)}`,
        });
      }
      for (const [party, value] of Object.entries(values)) {
        const at = ["views", viewer, "values", move, party];
        if (!partyIds.has(party)) {
          problems.push({ at, atKey: true, code: "unknown-party", message: unknownParty(party) });
        } else if (party === viewer) {
          problems.push({
            at,
            atKey: true,
            code: "own-figures",
            message: ownFigures(viewer, `the value of '${move}' to '${viewer}'`),
          });
        }
        const range = rangeProblem(value, party);
        if (range) problems.push({ at, ...range });
      }
    }
    for (const party of Object.keys(view.parties)) {
      const at = ["views", viewer, "parties", party];
      if (!partyIds.has(party)) {
        problems.push({ at, atKey: true, code: "unknown-party", message: unknownParty(party) });
      } else if (party === viewer) {
        problems.push({
          at,
          atKey: true,
          code: "own-figures",
          message: ownFigures(viewer, "its discount, tolerance or reservation"),
        });
      }
    }
  }

  const viewers = new Set(Object.keys(scenario.views ?? {}));
  scenario.expect.forEach((expectation, i) => {
    for (const party of Object.keys(expectation.credible ?? {})) {
      if (!partyIds.has(party)) {
        problems.push({
          at: ["expect", i, "credible", party],
          atKey: true,
          code: "unknown-party",
          message: unknownParty(party),
        });
      } else if (!viewers.has(party)) {
        problems.push({
          at: ["expect", i, "credible", party],
          atKey: true,
          code: "no-view",
          message: `'${party}' has no view (under 'views'), so credibility to it is not reported; claim it only for parties with a view`,
        });
      }
    }
    for (const list of ["surprises", "fears"] as const) {
      expectation[list]?.forEach((row, j) => {
        for (const field of ["view", "party"] as const) {
          if (!partyIds.has(row[field])) {
            problems.push({
              at: ["expect", i, list, j, field],
              code: "unknown-party",
              message: unknownParty(row[field]),
            });
          }
        }
      });
    }
  });
  return problems;
}
