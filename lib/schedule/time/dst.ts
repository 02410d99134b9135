import { formatDuration } from "../notation/duration.ts";
import { formatClock } from "../notation/time_spec.ts";
import type { DstChange } from "../plan_types.ts";

/** The zone's offset changes in [start, end), each described in wall-clock words. */
export function dstChanges(
  timeZone: string,
  start: Temporal.Instant,
  end: Temporal.Instant,
): DstChange[] {
  const changes: DstChange[] = [];
  let cursor = start.subtract({ nanoseconds: 1 }).toZonedDateTimeISO(timeZone);
  for (;;) {
    const next = cursor.getTimeZoneTransition("next");
    if (next === null || Temporal.Instant.compare(next.toInstant(), end) >= 0) break;
    const before = next.subtract({ nanoseconds: 1 });
    const shift = (next.offsetNanoseconds - before.offsetNanoseconds) / 1e9;
    // The wall time the old offset would have shown at the change (e.g. 01:00 or 02:00).
    const oldWall = next.toInstant().toZonedDateTimeISO(before.offset);
    changes.push({
      at: next.toInstant(),
      local: next.toString({ timeZoneName: "never" }),
      offsetBefore: before.offset,
      offsetAfter: next.offset,
      description:
        `clocks go ${shift > 0 ? "forward" : "back"} ${formatDuration(Math.abs(shift))}: ` +
        `${formatClock(oldWall.hour, oldWall.minute, oldWall.second)} becomes ` +
        `${formatClock(next.hour, next.minute, next.second)}`,
    });
    cursor = next;
  }
  return changes;
}
