/**
 * How much a schedule may hold. A home has dozens of rules and sockets; the limits leave a wide
 * margin while keeping a hostile file (YAML aliases that multiply, a huge list) from costing
 * minutes of checking or a daemon's attention.
 *
 * Public to the rest of lib/ on purpose: the CLI lists as many issues in JSON as
 * `formatIssues` does in text ({@linkcode ISSUES_SHOWN}). Not part of the `@s20/s20/schedule` API.
 *
 * @example
 * ```ts
 * import { ISSUES_SHOWN } from "./limits.ts";
 *
 * const issues = Array.from({ length: 80 }, (_, i) => ({ line: i + 1 }));
 * const listed = issues.slice(0, ISSUES_SHOWN); // the rest are counted, not listed
 * ```
 *
 * @module
 */

/** Values in the file once its aliases (`*name`) are expanded. */
export const MAX_EXPANDED_VALUES = 100_000;
/** Mappings and lists inside one another, aliases followed. */
export const MAX_NESTING = 64;
/** Items of `rules:`. */
export const MAX_RULES = 1_000;
/** Aliases under `sockets:`. */
export const MAX_SOCKETS = 1_000;
/** Items of `automations:`: each is a worker, several MB of memory. */
export const MAX_AUTOMATIONS = 64;
/** Sum over the rules of the sockets each switches. */
export const MAX_RULE_SOCKETS = 10_000;
/**
 * Issues listed in messages; the rest are counted. A file can hold thousands of mistakes, but a
 * person fixes the first ones and checks again.
 */
export const ISSUES_SHOWN = 50;
