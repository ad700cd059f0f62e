/**
 * Nearest-name suggestions for typos ("did you mean 'dprk'?").
 *
 * The edit distance costs |a|·|b| steps, so an unchecked suggester is quadratic in the length of
 * the ids and, called once per problem, in their number too: a file of long, mistyped ids could
 * block a request for minutes. So names longer than MAX_NAME get no suggestion, candidates whose
 * length alone rules them out are skipped, and every suggester draws on a budget of steps; once
 * the budget is spent it simply stops suggesting.
 */

/** Longer names are not typos of an id (ids are at most 100 characters). */
const MAX_NAME = 100;
/** Steps one call of `didYouMean` may spend (about a millisecond). */
const CALL_BUDGET = 200_000;

interface Budget {
  left: number;
}

function editDistance(a: string, b: string, budget: Budget): number {
  budget.left -= a.length * b.length;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function nearestWithin(name: string, candidates: Iterable<string>, budget: Budget): string | undefined {
  if (name.length > MAX_NAME) return undefined;
  const allowed = Math.max(2, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    // the distance is at least the difference in length: no need to compute it
    if (Math.abs(candidate.length - name.length) > allowed || candidate.length > MAX_NAME) continue;
    if (budget.left < name.length * candidate.length) break;
    const d = editDistance(lower, candidate.toLowerCase(), budget);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** The closest candidate within a distance that still looks like a typo, if any. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  return nearestWithin(name, candidates, { left: CALL_BUDGET });
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestion = nearest(name, candidates);
  return suggestion ? `; did you mean '${suggestion}'?` : "";
}

/**
 * A `didYouMean` sharing one budget across many calls, for checks that may report thousands of
 * problems: the total cost stays bounded whatever the size of the file.
 */
export function suggester(totalBudget = 4_000_000): (name: string, candidates: Iterable<string>) => string {
  const budget: Budget = { left: totalBudget };
  return (name, candidates) => {
    const perCall: Budget = { left: Math.min(CALL_BUDGET, budget.left) };
    const suggestion = nearestWithin(name, candidates, perCall);
    budget.left -= Math.min(CALL_BUDGET, budget.left) - perCall.left;
    return suggestion ? `; did you mean '${suggestion}'?` : "";
  };
}

/** A list of names for a message, shortened when there are many. */
export function listNames(names: ReadonlySet<string> | readonly string[], max = 12): string {
  const total = "size" in names ? names.size : names.length;
  const shown: string[] = [];
  for (const name of names) {
    if (shown.length === max) break;
    shown.push(name);
  }
  return total <= max ? shown.join(", ") : `${shown.join(", ")}, … (${total} in all)`;
}
