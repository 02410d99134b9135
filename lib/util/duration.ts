/**
 * Durations for people, in the notation they type: `1h30m`, `45s`, `0s`. One formatter for
 * every place the CLI, the schedule and the daemon print a duration.
 */

/**
 * Writes whole seconds as hours, minutes and seconds with units, largest first, each at most
 * once: 5400 → `1h30m`, 90 → `1m30s`, 0 → `0s`, -600 → `-10m`. Fractions are rounded.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./duration.ts";
 *
 * formatDuration(5400); // "1h30m"
 * ```
 *
 * @param totalSeconds A number of seconds.
 * @returns The duration, such as `1h30m`.
 */
export function formatDuration(totalSeconds: number): string {
  const sign = totalSeconds < 0 ? "-" : "";
  let rest = Math.round(Math.abs(totalSeconds));
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const text = (hours > 0 ? `${hours}h` : "") + (minutes > 0 ? `${minutes}m` : "") +
    (seconds > 0 ? `${seconds}s` : "");
  return text === "" ? "0s" : sign + text;
}
