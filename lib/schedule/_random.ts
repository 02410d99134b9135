import { hashString, numberStream } from "../util/hash.ts";

/**
 * The random offsets of one rule on one anchor day, in whole seconds, uniform in
 * [-halfWidth, +halfWidth]. Seeded by (schedule seed, rule id, anchor day) only, so a plan is
 * the same every time it is made, whatever the window or the other rules. A window draws
 * twice (on edge, then off edge); an event once.
 */
export function randomOffsets(
  halfWidth: number,
  key: { seed: string; ruleId: string; date: string },
  count: number,
): number[] {
  if (halfWidth <= 0) return new Array<number>(count).fill(0);
  const next = numberStream(hashString(`${key.seed}\u0000${key.ruleId}\u0000${key.date}`));
  const span = 2 * halfWidth + 1;
  return Array.from({ length: count }, () => Math.floor(next() * span) - halfWidth);
}
