/** A wall-clock time of one day, placed on the time line. */
export interface LocalResolution {
  readonly at: Temporal.Instant;
  /** The wall time does not exist that day (spring-forward gap); `at` is the end of the gap. */
  readonly inGap: boolean;
  /** The wall time happens twice that day (fall-back overlap); `at` is the first. */
  readonly inOverlap: boolean;
}

/**
 * The one resolver for fixed times, used for host execution and device compilation alike
 * (docs/scheduling.md#fixed-times-across-dst): a time in a spring-forward gap fires once at the end of the gap, a
 * time in a fall-back overlap fires once at its first occurrence. This matches croner 11 with
 * `fixedTimeRule: "no-wildcard"`, Vixie cron, cronie and Quartz 4. Temporal's "compatible"
 * disambiguation would give 02:30 for a 01:30 gap time in London, which is not the same.
 */
export function resolveLocal(
  date: Temporal.PlainDate,
  time: { readonly hour: number; readonly minute: number; readonly second: number },
  timeZone: string,
): LocalResolution {
  const wall = date.toPlainDateTime(time);
  const earlier = wall.toZonedDateTime(timeZone, { disambiguation: "earlier" });
  if (Temporal.PlainDateTime.compare(earlier.toPlainDateTime(), wall) !== 0) {
    // In a gap "earlier" lands before it, on the old offset; the next transition is its end.
    const end = earlier.getTimeZoneTransition("next");
    return { at: end?.toInstant() ?? earlier.toInstant(), inGap: true, inOverlap: false };
  }
  const later = wall.toZonedDateTime(timeZone, { disambiguation: "later" });
  return { at: earlier.toInstant(), inGap: false, inOverlap: !later.equals(earlier) };
}
