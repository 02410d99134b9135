/** Small builders shared by the schedule tests. */
import { parseSchedule, type PlannedEvent, type Schedule } from "../../lib/schedule/mod.ts";

/** A schedule from YAML lines, in a zone given explicitly so no test depends on the host. */
export function scheduleOf(lines: readonly string[], timezone = "UTC"): Schedule {
  return parseSchedule(lines.join("\n"), { file: "test.yaml", defaultTimeZone: timezone });
}

/** `local` times of events, the easiest form to compare with what a person expects. */
export function locals(events: readonly PlannedEvent[]): string[] {
  return events.map((e) => e.local);
}

/** The fixtures folder. */
export const FIXTURES = new URL("../schedule/fixtures/", import.meta.url);
