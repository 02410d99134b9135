import { fail, ok, type Parsed } from "./parsed.ts";
import type { CalendarDay, DateRange } from "../types.ts";

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const DAY = /^(?:(\d{4})-)?(\d{1,2})-(\d{1,2})$/;

const HINT = "write MM-DD (every year), YYYY-MM-DD, or a range such as 12-01..01-06";

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(month: number, year: number | null): number {
  if (month === 2) return year === null || isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function parseDay(text: string): Parsed<CalendarDay> {
  const match = DAY.exec(text.trim());
  if (match === null) return fail(`'${text.trim()}' is not a date; ${HINT}`);
  const year = match[1] === undefined ? null : Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) {
    return fail(`'${text.trim()}' is not a date: there is no month ${month}; months go 01 to 12`);
  }
  const last = daysInMonth(month, year);
  if (day < 1 || day > last) {
    const which = month === 2 && year !== null ? `February ${year}` : MONTHS[month - 1];
    return fail(`'${text.trim()}' is not a date: ${which} has days 1 to ${last}`);
  }
  return ok({ year, month, day });
}

/** Orders calendar days; both must have years, or neither. */
function compareDays(a: CalendarDay, b: CalendarDay): number {
  return ((a.year ?? 0) - (b.year ?? 0)) || (a.month - b.month) || (a.day - b.day);
}

/** Reads one `dates:`/`except:` item: a date, or two joined by `..`. */
export function parseDateRange(text: string): Parsed<DateRange> {
  const trimmed = text.trim();
  const ends = trimmed.split("..");
  if (ends.length > 2) return fail(`'${trimmed}' is not a date or range; ${HINT}`);
  const start = parseDay(ends[0]!);
  if (start.error !== undefined) return fail(start.error);
  const end = ends.length === 2 ? parseDay(ends[1]!) : start;
  if (end.error !== undefined) return fail(end.error);
  if ((start.value.year === null) !== (end.value.year === null)) {
    return fail(
      `'${trimmed}' mixes a date with a year and one without; give both ends a year or neither`,
    );
  }
  if (start.value.year !== null && compareDays(end.value, start.value) < 0) {
    return fail(
      `'${trimmed}' ends before it starts; swap the ends, or drop the years ` +
        `for a range that wraps the year end`,
    );
  }
  return ok({ start: start.value, end: end.value, text: trimmed });
}

/** Whether a date lies in a range (both ends included; yearless ranges may wrap). */
export function inDateRange(
  date: { readonly year: number; readonly month: number; readonly day: number },
  range: DateRange,
): boolean {
  const { start, end } = range;
  if (start.year !== null) {
    const day = { year: date.year, month: date.month, day: date.day };
    return compareDays(start, day) <= 0 && compareDays(day, end) <= 0;
  }
  const md = date.month * 100 + date.day;
  const from = start.month * 100 + start.day;
  const to = end.month * 100 + end.day;
  return from <= to ? from <= md && md <= to : md >= from || md <= to;
}
