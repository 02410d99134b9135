/**
 * How much a schedule may hold. A home has dozens of rules and sockets; the limits leave a wide
 * margin while keeping a hostile file (YAML aliases that multiply, a huge list) from costing
 * minutes of checking or a daemon's attention.
 */

/** Values in the file once its aliases (`*name`) are expanded. */
export const MAX_EXPANDED_VALUES = 100_000;
/** Mappings and lists inside one another, aliases followed. */
export const MAX_NESTING = 64;
/** Items of `rules:`. */
export const MAX_RULES = 1_000;
/** Aliases under `sockets:`. */
export const MAX_SOCKETS = 1_000;
/** Sum over the rules of the sockets each switches. */
export const MAX_RULE_SOCKETS = 10_000;
/**
 * Issues listed in messages; the rest are counted. A file can hold thousands of mistakes, but a
 * person fixes the first ones and checks again.
 */
export const ISSUES_SHOWN = 50;
