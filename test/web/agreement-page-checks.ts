/**
 * How the agreement pages' browser tests (agreement, access, amend, replan, tracking) call
 * `checkAtEverySize` (page-checks.ts): the options every state of theirs is checked with.
 *
 * - Sizes: 1280×800 and the 390×844 phone, as layouts.test.ts checks its states (docs/testing.md,
 *   "Thirteenth session: layouts"). The style sheet's width queries are at 600 and 900 px and none
 *   lies between 1280 and 1920 px (layouts.test.ts's first test asserts it), so 1920×1080 is laid
 *   out by the same rules as 1280×800 with more room: what scrolls sideways, or scrolls as a box,
 *   at 1920 does so at 1280. These states draw no chart whose width the checks read.
 * - Pictures: a failure's always; every state's phone picture only with LOCKSTEP_LAYOUT_PICTURES=1,
 *   as layouts.test.ts keeps them (a full-page picture cost up to 0.8 CPU-s, and nothing compares it).
 */
import { SIZES } from "./page-checks.ts";

export const AGREEMENT_PAGE_CHECKS = {
  sizes: [SIZES[0], SIZES[2]],
  phonePicture: process.env.LOCKSTEP_LAYOUT_PICTURES === "1",
} as const;
