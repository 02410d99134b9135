/** Whole numbers typed by people: command-line flags and the API's query parameters. */

/** `text` as a whole number in `[min, max]` (decimal digits, an optional `-`), else `null`. */
export function wholeNumberIn(text: string, min: number, max: number): number | null {
  const n = Number(text);
  return /^-?\d+$/.test(text) && n >= min && n <= max ? n : null;
}
