import { S20Error } from "../errors.ts";
import { ISSUES_SHOWN } from "./limits.ts";

/**
 * One problem in a schedule file, at a place a person can jump to.
 *
 * @example
 * ```ts
 * import type { ScheduleIssue } from "@s20/s20/schedule";
 *
 * const issue: ScheduleIssue = {
 *   file: "schedules.yaml", line: 12, column: 14,
 *   message: "unknown socket 'lamp'; known: desk, hall",
 * };
 * ```
 */
export interface ScheduleIssue {
  /** File name as given to the parser. */
  readonly file: string;
  /** Line, from 1. */
  readonly line: number;
  /** Column, from 1. */
  readonly column: number;
  /** What is wrong, then how to fix it. */
  readonly message: string;
}

/**
 * Issues ordered by file position, then message, so output is stable. Exported for
 * `checkSchedule`; `mod.ts` leaves it out of the public API.
 */
export function sortIssues(issues: readonly ScheduleIssue[]): ScheduleIssue[] {
  return [...issues].sort((a, b) =>
    a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column ||
    a.message.localeCompare(b.message)
  );
}

/**
 * Formats issues as `file:line:column: message` lines, the form editors and terminals turn
 * into links, ordered by place. Past `limit` issues, one last line says how many more there are.
 *
 * @param issues The issues, in any order.
 * @param options `limit`: how many to list (default 50; `Infinity` for all).
 * @returns One line per issue, joined with `\n`; empty for no issues.
 *
 * @example
 * ```ts
 * import { formatIssues } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const text = formatIssues([{ file: "s.yaml", line: 3, column: 5, message: "bad" }]);
 * assert.equal(text, "s.yaml:3:5: bad");
 * const many = Array.from({ length: 5 }, (_, i) => ({ file: "s.yaml", line: i + 1, column: 1, message: "bad" }));
 * assert.equal(formatIssues(many, { limit: 2 }).split("\n").at(-1), "… and 3 more errors");
 * ```
 */
export function formatIssues(
  issues: readonly ScheduleIssue[],
  options: { readonly limit?: number } = {},
): string {
  const { limit = ISSUES_SHOWN } = options;
  const sorted = sortIssues(issues);
  const lines = sorted.slice(0, limit).map((i) => `${i.file}:${i.line}:${i.column}: ${i.message}`);
  const more = sorted.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more error${more === 1 ? "" : "s"}`);
  return lines.join("\n");
}

/**
 * A schedule file has errors. Holds every issue found, not only the first; the message lists
 * them one per line as `file:line:column: message`.
 *
 * @example
 * ```ts
 * import { parseSchedule, ScheduleError } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * try {
 *   parseSchedule("rules: []\nsockts: {}\n", { file: "s.yaml", defaultTimeZone: "UTC" });
 *   assert.fail("expected an error");
 * } catch (error) {
 *   assert.ok(error instanceof ScheduleError);
 *   assert.equal(error.issues[0]?.line, 2);
 * }
 * ```
 */
export class ScheduleError extends S20Error {
  /** Every issue found, ordered by place. */
  readonly issues: readonly ScheduleIssue[];

  /**
   * Creates the error.
   *
   * @param issues The issues; at least one.
   */
  constructor(issues: readonly ScheduleIssue[]) {
    const sorted = sortIssues(issues);
    const file = sorted[0]?.file ?? "schedule";
    super(
      "SCHEDULE_INVALID",
      `Cannot load schedule ${file}: ${sorted.length} error${sorted.length === 1 ? "" : "s"}\n` +
        formatIssues(sorted),
    );
    this.name = "ScheduleError";
    this.issues = sorted;
  }
}
