// "did you mean ...?" for mistyped options and commands. Prefixes alone miss the most common
// typos (a dropped or swapped letter: --jsn, --josn), so candidates are ranked by edit
// distance (Damerau-Levenshtein, optimal string alignment), as git ranks its suggestions.

/** Edits (insert, delete, substitute, swap two neighbours) turning a into b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `given`: a prefix either way, or within ~a third of its length in
 * edits (at least one). Undefined when nothing is close enough to be a likely typo.
 */
export function closest(given: string, candidates: readonly string[]): string | undefined {
  if (!given) return undefined;
  const prefix = candidates.find((c) => c.startsWith(given) || given.startsWith(c));
  if (prefix) return prefix;
  let best: string | undefined, bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(given, c);
    if (dist < bestD) { best = c; bestD = dist; }
  }
  return bestD <= Math.max(1, Math.floor(given.length / 3)) ? best : undefined;
}
