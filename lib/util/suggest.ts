/**
 * "Did you mean" for mistyped words: commands, flags, schedule and config keys, socket names.
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 *
 * closest("lsit", ["list", "add"]); // "list"
 * ```
 */

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring
 * letters (optimal string alignment), so `lsit` is one typo away from `list`.
 */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The closest candidate to a misspelling, if close enough to be a likely typo.
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 *
 * closest("tiemout", ["timeout", "target"]); // "timeout"
 * closest("banana", ["timeout"]); // null
 * ```
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // About one typo per three letters; more than that is a different word.
  const limit = Math.max(1, Math.floor(word.length / 3));
  if (bestDistance <= limit) return best;
  // An abbreviation (`lat` for `latitude`) is as good a clue as a typo.
  if (lower.length >= 3) {
    for (const candidate of candidates) {
      if (candidate.toLowerCase().startsWith(lower)) return candidate;
    }
  }
  return null;
}

/**
 * ` (did you mean 'x'?)` or an empty string, to append to a message.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./suggest.ts";
 *
 * didYouMean("target", ["targets", "sockets"]); // " (did you mean 'targets'?)"
 * ```
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  return best === null ? "" : ` (did you mean '${best}'?)`;
}
