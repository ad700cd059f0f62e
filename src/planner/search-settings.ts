/**
 * The settings of one planner search: the first plan's budget (incumbent.ts), how a slack search
 * shares its time (floor.ts), the step through a shorter model (shorter.ts) and the formulation's
 * strengthenings (formulation.ts). Each module keeps its defaults, with why they are what they are;
 * a search carries its own copy in its `Context`, so that tests and benchmarks change them for one
 * call (findPlan's `search` option) instead of setting module state and restoring it.
 */

import { FLOOR_SEARCH } from "./floor.ts";
import { STRENGTHENINGS } from "./formulation.ts";
import { FIRST_PLAN } from "./incumbent.ts";
import { SHORTER_SEARCH } from "./shorter.ts";

/** A group of settings as its frozen defaults read, each switch a boolean and each figure a number. */
export type Settings<Defaults> = {
  readonly [K in keyof Defaults]: Defaults[K] extends boolean
    ? boolean
    : Defaults[K] extends number
      ? number
      : Defaults[K];
};

export interface SearchSettings {
  firstPlan: Settings<typeof FIRST_PLAN>;
  floor: Settings<typeof FLOOR_SEARCH>;
  shorter: Settings<typeof SHORTER_SEARCH>;
  strengthenings: Settings<typeof STRENGTHENINGS>;
}

/** Some of the settings, each group in part; the rest keep their defaults. */
export type SearchTuning = { [K in keyof SearchSettings]?: Partial<SearchSettings[K]> };

/** The defaults, with `tuning`'s settings in their place. */
export function searchSettings(tuning: SearchTuning = {}): SearchSettings {
  return {
    firstPlan: { ...FIRST_PLAN, ...tuning.firstPlan },
    floor: { ...FLOOR_SEARCH, ...tuning.floor },
    shorter: { ...SHORTER_SEARCH, ...tuning.shorter },
    strengthenings: { ...STRENGTHENINGS, ...tuning.strengthenings },
  };
}
