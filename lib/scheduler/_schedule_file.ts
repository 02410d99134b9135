/**
 * Reading and checking the daemon's schedule file. Checking a large file takes seconds of CPU
 * (parsing a 1 MiB YAML file alone does), so the daemon does it in a worker: its API, timers
 * and sockets keep being served meanwhile.
 */
import { checkSchedule } from "../schedule/parse_schedule.ts";
import type { ScheduleIssue } from "../schedule/schedule_error.ts";
import type { Schedule } from "../schedule/types.ts";
import { readTextFileStrict } from "../util/read_text_file.ts";
import { automationFileIssues } from "./automation_files.ts";

/** A checked schedule, or why the file cannot be used. Plain data: it crosses to the worker. */
export type ScheduleFileRead = { schedule: Schedule } | { issues: ScheduleIssue[] };

/** Longest a check may take before the worker is stopped and the file refused. */
const CHECK_TIMEOUT_MS = 60_000;

/** Reads and checks `file` here, on this thread. Never throws: every failure is an issue. */
export function readScheduleFile(file: string): ScheduleFileRead {
  try {
    const text = readTextFileStrict(file, { what: "schedule file" });
    const { schedule, issues } = checkSchedule(text, { file });
    if (!schedule || issues.length > 0) return { issues: [...issues] };
    const missing = automationFileIssues(schedule, file);
    return missing.length === 0 ? { schedule } : { issues: missing };
  } catch (error) {
    return { issues: [fileIssue(file, `cannot read the file: ${(error as Error).message}`)] };
  }
}

/**
 * Reads and checks `file` in a worker, leaving this thread's event loop free. If the worker
 * cannot be started (a build without its module), the check runs here instead.
 */
export function readScheduleFileInWorker(
  file: string,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<ScheduleFileRead> {
  let worker: Worker;
  try {
    worker = new Worker(new URL("./_check_worker.ts", import.meta.url).href, { type: "module" });
  } catch {
    return Promise.resolve(readScheduleFile(file));
  }
  return new Promise((resolve) => {
    let started = false;
    const finish = (result: ScheduleFileRead) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() =>
      finish({
        issues: [
          fileIssue(file, `checking the file took over ${timeoutMs / 1000} s; make it smaller`),
        ],
      }), timeoutMs);
    worker.onmessage = (event: MessageEvent<"ready" | ScheduleFileRead>) => {
      if (event.data === "ready") {
        started = true;
        worker.postMessage(file);
      } else finish(event.data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      finish(
        started
          ? { issues: [fileIssue(file, `checking the file failed: ${event.message}`)] }
          : readScheduleFile(file),
      );
    };
  });
}

function fileIssue(file: string, message: string): ScheduleIssue {
  return { file, line: 1, column: 1, message };
}
