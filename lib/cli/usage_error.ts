import { S20Error } from "../errors.ts";
import { formatIssues, ScheduleError } from "../schedule/schedule_error.ts";

/** A mistake in the command line (code `USAGE`): exit code 2, usage shown. */
export class UsageError extends S20Error {
  /** The command whose usage to show, if any. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super("USAGE", message);
    this.name = "UsageError";
    this.command = command;
  }
}

/**
 * The socket answered but has no timer with the id given: exit code 3, the "not found" code,
 * with its own JSON code so scripts can tell it from a socket that was not found.
 */
export class TimerNotFoundError extends S20Error {
  constructor(message: string) {
    super("TIMER_NOT_FOUND", message);
    this.name = "TimerNotFoundError";
  }
}

/**
 * What the CLI says for an error: its message, except that a schedule's issues come under a
 * count that names the file (`3 errors in s.yaml:`), the form `s20 schedule check` prints.
 */
export function errorText(error: unknown): string {
  if (error instanceof ScheduleError) {
    const n = error.issues.length;
    const file = error.issues[0]?.file ?? "the schedule";
    return `${n} error${n === 1 ? "" : "s"} in ${file}:\n${formatIssues(error.issues)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Exit codes, documented in `s20 --help`; an error's comes from its code in `ERROR_CODES`. */
export const EXIT = {
  ok: 0,
  /** A socket answered wrongly or not at all, or the network failed. */
  device: 1,
  /** Bad command line or bad input file. */
  usage: 2,
  /** No socket matched a MAC, address or name, or the socket has no timer with the id given. */
  notFound: 3,
} as const;
