/**
 * The checks of `automations:` that need the file system: each script must be there. The
 * schedule layer reads no files, so the daemon and `s20 schedule check` ask here.
 */
import type { ScheduleIssue } from "../schedule/schedule_error.ts";
import type { Schedule } from "../schedule/types.ts";
import { automationScript } from "./automation_host.ts";

/**
 * One issue per automation whose script is missing or not a file, at its `script:` value.
 *
 * @param schedule The checked schedule.
 * @param file The schedule file (scripts are relative to its folder).
 */
export function automationFileIssues(schedule: Schedule, file: string): ScheduleIssue[] {
  const issues: ScheduleIssue[] = [];
  for (const entry of schedule.automations) {
    const path = automationScript(entry, file);
    let problem: string | null = null;
    try {
      if (!Deno.statSync(path).isFile) problem = "is not a file";
    } catch (error) {
      problem = error instanceof Deno.errors.NotFound
        ? "does not exist"
        : `cannot be read (${(error as Error).message})`;
    }
    if (problem !== null) {
      issues.push({
        file: schedule.file,
        line: entry.line,
        column: entry.column,
        message:
          `automation '${entry.name}': script ${entry.script} ${problem} (looked at ${path}); ` +
          "the path is relative to the schedule file",
      });
    }
  }
  return issues;
}
