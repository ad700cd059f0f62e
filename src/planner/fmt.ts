/**
 * How the planner's sentences print a figure. A module of its own, free of the solver session,
 * because relax.ts uses it and relax.ts runs in the browser's main bundle too (web/src/lib/analysis.ts):
 * importing it from session.ts would pull the solver in there.
 */

/** Two decimals, or two significant digits for small figures (so a positive one never reads 0.00). */
export function fmt(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a === 0 || a >= 0.01) return x.toFixed(2);
  return x.toPrecision(2);
}
