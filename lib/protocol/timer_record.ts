/** Table 3 records: 28 bytes after the length prefix (docs/protocol.md#table-3). */
import { DAYS_MASK, PADDING_BYTE, RECORD_LENGTH, WEEKLY_BIT } from "./constants.ts";
import { putU16le, u16le } from "./bytes.ts";
import type { TimerRecord } from "./records.ts";
import { checkInteger } from "../util/range.ts";

const LABEL_LENGTH = 16;

/** Reads one timer from the 28 record bytes at `o` (the caller checked they are there). */
export function readTimerRecord(b: Uint8Array, o: number): TimerRecord {
  const repeat = b[o + 27]!;
  return {
    id: u16le(b, o),
    label: b.slice(o + 2, o + 2 + LABEL_LENGTH),
    on: b[o + 18] !== 0,
    year: u16le(b, o + 20),
    month: b[o + 22]!,
    day: b[o + 23]!,
    hour: b[o + 24]!,
    minute: b[o + 25]!,
    second: b[o + 26]!,
    weekly: (repeat & WEEKLY_BIT) !== 0,
    days: repeat & DAYS_MASK,
  };
}

function checkRange(field: string, value: number, min: number, max: number): void {
  checkInteger("encode timer", field, value, min, max);
}

/** Checks that a timer can be encoded; throws `RangeError` naming the bad field. */
export function checkTimerRecord(timer: TimerRecord): void {
  checkRange("id", timer.id, 0, 0xffff);
  checkRange("year", timer.year, 0, 0xffff);
  checkRange("month", timer.month, 1, 12);
  checkRange("day", timer.day, 1, 31);
  checkRange("hour", timer.hour, 0, 23);
  checkRange("minute", timer.minute, 0, 59);
  checkRange("second", timer.second, 0, 59);
  checkRange("days", timer.days, 0, DAYS_MASK);
  if (!(timer.label instanceof Uint8Array) || timer.label.length !== LABEL_LENGTH) {
    throw new RangeError(
      `Cannot encode timer: 'label' must be ${LABEL_LENGTH} bytes: current length is ${timer.label?.length}`,
    );
  }
}

/** Writes the 28 record bytes of a checked timer at `o`. */
export function writeTimerRecord(timer: TimerRecord, b: Uint8Array, o: number): void {
  putU16le(b, o, timer.id);
  b.set(timer.label, o + 2);
  b[o + 18] = timer.on ? 1 : 0;
  b[o + 19] = 0;
  putU16le(b, o + 20, timer.year);
  b[o + 22] = timer.month;
  b[o + 23] = timer.day;
  b[o + 24] = timer.hour;
  b[o + 25] = timer.minute;
  b[o + 26] = timer.second;
  b[o + 27] = (timer.weekly ? WEEKLY_BIT : 0) | timer.days;
}

/** Sixteen spaces, what orvfms writes into the label (docs/protocol.md#table-3). */
export function blankTimerLabel(): Uint8Array {
  return new Uint8Array(LABEL_LENGTH).fill(PADDING_BYTE);
}

/** Record length of a timer, for callers that frame records. */
export const TIMER_RECORD_LENGTH: number = RECORD_LENGTH.timer;
