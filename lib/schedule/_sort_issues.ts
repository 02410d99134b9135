import type { ScheduleIssue } from "./schedule_error.ts";

/** Issues ordered by file position, then message, so output is stable. */
export function sortIssues(issues: readonly ScheduleIssue[]): ScheduleIssue[] {
  return [...issues].sort((a, b) =>
    a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column ||
    a.message.localeCompare(b.message)
  );
}
